/**
 * `ls -1 /sys/module`: loaded modules and built-in ones that have parameters or a version.
 *
 *   bridge
 *   nf_conntrack
 *   overlay
 */
import type { TextParser } from '../../types.js';
import { splitLines } from '../common/lines.js';
import { RowSink } from '../common/rows.js';
import { normaliseModuleName } from './module-names.js';

export const sysModulesParser: TextParser = {
  kind: 'text',
  parse(text) {
    const out = new RowSink();
    splitLines(text).forEach((line, i) => {
      const name = line.trim();
      if (name === '') return;
      if (/\s|\//.test(name)) {
        out.error(`not a module name: ${name.slice(0, 200)}`, i + 1);
        return;
      }
      out.add('modules', { name: normaliseModuleName(name), how: 'sysfs', size: null, refcount: null, used_by: null, state: null });
    });
    return out.rows();
  },
};
