/**
 * /lib/modules/$(uname -r)/modules.builtin: the object path of every module compiled in.
 *
 *   kernel/net/netfilter/nf_conntrack.ko
 *   kernel/drivers/md/dm-mod.ko
 */
import type { TextParser } from '../../types.js';
import { baseName, splitLines } from '../common/lines.js';
import { RowSink } from '../common/rows.js';
import { normaliseModuleName } from './module-names.js';

export const modulesBuiltinParser: TextParser = {
  kind: 'text',
  parse(text) {
    const out = new RowSink();
    splitLines(text).forEach((line, i) => {
      const path = line.trim();
      if (path === '') return;
      const file = baseName(path);
      const m = /^(.+)\.ko(\.(xz|gz|zst))?$/.exec(file);
      if (!m) {
        out.error(`not a module object path: ${path.slice(0, 200)}`, i + 1);
        return;
      }
      out.add('modules', { name: normaliseModuleName(m[1] as string), how: 'builtin', size: null, refcount: null, used_by: null, state: null });
    });
    return out.rows();
  },
};
