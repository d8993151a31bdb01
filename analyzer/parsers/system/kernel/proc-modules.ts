/**
 * /proc/modules: name, size, reference count, users (comma-terminated, '-' for none), state,
 * load address (zeros unless root), and taint flags on some modules:
 *
 *   nf_conntrack 139264 6 xt_conntrack,nf_nat,xt_MASQUERADE,nf_conntrack_netlink, Live 0xffffffffc0a3c000
 *   overlay 118784 12 - Live 0x0000000000000000
 *   nvidia 35237888 100 nvidia_modeset,nvidia_uvm, Live 0xffffffffc0e5f000 (POE)
 */
import type { TextParser } from '../../types.js';
import { splitLines, words } from '../common/lines.js';
import { RowSink } from '../common/rows.js';
import { normaliseModuleName } from './module-names.js';

export const procModulesParser: TextParser = {
  kind: 'text',
  parse(text) {
    const out = new RowSink();
    splitLines(text).forEach((line, i) => {
      const w = words(line);
      const [name, size, refcount, usedBy, state] = w;
      if (name === undefined) return;
      const complete = w.length >= 5 && /^\d+$/.test(size ?? '') && /^-?\d+$/.test(refcount ?? '');
      if (!complete) {
        out.error(`incomplete /proc/modules line: ${line.slice(0, 200)}`, i + 1);
        // a cut-off last line still names a loaded module, which is what rules ask about
        if (!/^[A-Za-z0-9_-]+$/.test(name)) return;
      }
      const users = usedBy === undefined || usedBy === '-' ? '' : usedBy.replace(/,$/, '');
      out.add('modules', {
        name: normaliseModuleName(name),
        how: 'loaded',
        size: /^\d+$/.test(size ?? '') ? Number(size) : null,
        refcount: /^-?\d+$/.test(refcount ?? '') ? Number(refcount) : null,
        used_by: users,
        state: state ?? null,
      });
    });
    return out.rows();
  },
};
