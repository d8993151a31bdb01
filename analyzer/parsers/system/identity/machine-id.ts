/**
 * /etc/machine-id: 32 lowercase hex digits and a newline. Cloned VM images share it; an image
 * prepared for cloning holds "uninitialized" or is empty until first boot.
 *
 *   3d1219c7c4c5404aaa1f6d2a48adfda4
 */
import { FACT, type TextParser } from '../../types.js';
import { isBlank, splitLines } from '../common/lines.js';
import { RowSink } from '../common/rows.js';

export const machineIdParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const out = new RowSink();
    const id = splitLines(text).find((l) => !isBlank(l))?.trim();
    if (id === undefined) {
      out.error('empty input (machine-id not initialised)');
      return out.rows();
    }
    if (!/^[0-9a-f]{32}$/.test(id)) {
      // still recorded: two nodes with the same odd value are as cloned as two with a valid one
      out.error(`machine-id is not 32 lowercase hex digits: ${id.slice(0, 100)}`, 1);
    }
    out.fact(ctx.source, FACT.machineId, id);
    return out.rows();
  },
};
