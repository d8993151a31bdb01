/**
 * /proc/mounts: device, mount point, type, options, dump, pass; blanks escaped as \040.
 *
 *   /dev/vda / ext4 rw,relatime,discard 0 0
 *   overlay /var/lib/docker/overlay2/9c1e.../merged overlay rw,relatime,lowerdir=/var/lib/docker/overlay2/l/AB:...,upperdir=...,workdir=... 0 0
 *   /dev/sdb1 /mnt/backup\040disk xfs ro,relatime,attr2,inode64,noquota 0 0
 */
import type { TextParser } from '../../types.js';
import { splitLines } from '../common/lines.js';
import { RowSink } from '../common/rows.js';
import { decodeOctalEscapes } from './octal-escapes.js';

export const procMountsParser: TextParser = {
  kind: 'text',
  parse(text) {
    const out = new RowSink();
    splitLines(text).forEach((line, i) => {
      if (line.trim() === '') return;
      const f = line.trim().split(/[ \t]+/);
      if (f.length < 4) {
        out.error(`incomplete /proc/mounts line: ${line.slice(0, 200)}`, i + 1);
        return;
      }
      const options = f[3] as string;
      out.add('mounts', {
        device: decodeOctalEscapes(f[0] as string),
        mountpoint: decodeOctalEscapes(f[1] as string),
        fstype: f[2] as string,
        options,
        read_only: options.split(',').includes('ro') ? 1 : 0,
      });
    });
    return out.rows();
  },
};
