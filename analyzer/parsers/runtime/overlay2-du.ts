/**
 * `du -sk -x` of each directory under <docker root>/overlay2, largest first (200 at most): KiB and directory, tab separated.
 *
 *   52428800	/var/lib/docker/overlay2/e8876a226237217ec61c4baf238a32992291d059fdac95ed6303bdff3f59cff5/
 *   1024	/var/lib/docker/overlay2/e8876a226237217ec61c4baf238a32992291d059fdac95ed6303bdff3f59cff5-init/
 *   48	/var/lib/docker/overlay2/l/
 *
 * `layer_id` is the directory name, which containers.overlay_layer_id also holds.
 */
import type { TextParser } from '../types.js';
import { RowSink, splitLines } from './rows.js';

const DU_LINE = /^(\d+)\s+(\S.*?)\/?$/;

export const overlay2DuParser: TextParser = {
  kind: 'text',
  parse(text) {
    const sink = new RowSink();
    splitLines(text).forEach((line, i) => {
      if (line.trim() === '') return;
      const m = DU_LINE.exec(line);
      if (!m) {
        sink.error(`not a du line: ${line.slice(0, 120)}`, i + 1);
        return;
      }
      const dir = m[2] as string;
      const name = dir.slice(dir.lastIndexOf('/') + 1);
      sink.add('overlay2_usage', {
        dir,
        // `l` holds the short symlinks of every layer, not a layer
        layer_id: name === 'l' ? null : name.replace(/-init$/, ''),
        is_init: name.endsWith('-init') ? 1 : 0,
        kib: Number(m[1]),
      });
    });
    return sink.rows();
  },
};
