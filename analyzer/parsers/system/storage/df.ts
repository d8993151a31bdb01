/**
 * `df -PT` (filesystems) and `df -PTi` (inode_usage):
 *
 *   Filesystem              Type     1024-blocks     Used Available Capacity Mounted on
 *   /dev/vda                ext4       264212084 22848476  83542436      22% /
 *   overlay                 overlay     52403200  8123456  44279744      16% /var/lib/docker/overlay2/3f2a.../merged
 *
 *   Filesystem              Type       Inodes  IUsed    IFree IUse% Mounted on
 *   /dev/vda                ext4     16777216 409930 16367286    3% /
 *
 * Mount points may contain blanks, so the numeric columns are located by shape and the mount
 * point is the rest of the line. Other versions handled: no Type column (busybox), 1K-blocks or
 * 512-blocks headers, and the device on a line of its own when df runs without -P:
 *
 *   /dev/mapper/centos-root
 *                  xfs       52403200  8123456  44279744  16% /
 */
import type { Row, TextParser } from '../../types.js';
import { splitLines } from '../common/lines.js';
import { RowSink } from '../common/rows.js';
import { decodeOctalEscapes } from './octal-escapes.js';

interface Header {
  hasType: boolean;
  inodes: boolean;
  /** Bytes per block of the size columns (1024 for "1024-blocks" and "1K-blocks"). */
  blockBytes: number;
}

function readHeader(line: string): Header | null {
  if (!/^Filesystem\s/.test(line)) return null;
  const sizeColumn = /\s(\d+)([KMG]?)-blocks\s/.exec(line);
  const unit = sizeColumn?.[2] === 'K' ? 1024 : sizeColumn?.[2] === 'M' ? 1024 ** 2 : sizeColumn?.[2] === 'G' ? 1024 ** 3 : 1;
  return {
    hasType: /\sType\s/.test(line),
    inodes: /\sInodes\s/.test(line),
    blockBytes: sizeColumn ? Number(sizeColumn[1]) * unit : 1024,
  };
}

interface Token {
  text: string;
  end: number;
}

function tokens(line: string): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push({ text: m[0], end: m.index + m[0].length });
  return out;
}

const COUNT = /^(\d+|-)$/;
const PERCENT = /^(\d+%|-)$/;

function count(text: string): number | null {
  return text === '-' ? null : Number(text);
}

/** The fields of one data line, or null when the numeric columns are not where they must be. */
function readLine(line: string, header: Header): Row | null {
  const t = tokens(line);
  const first = header.hasType ? 5 : 4;
  for (let i = first; i < t.length; i++) {
    const pct = t[i] as Token;
    if (!PERCENT.test(pct.text)) continue;
    const a = t[i - 3] as Token;
    const b = t[i - 2] as Token;
    const c = t[i - 1] as Token;
    if (!COUNT.test(a.text) || !COUNT.test(b.text) || !COUNT.test(c.text)) continue;
    const deviceEnd = header.hasType ? i - 4 : i - 3;
    const device = t.slice(0, deviceEnd).map((x) => x.text).join(' ');
    const fstype = header.hasType ? (t[i - 4] as Token).text : null;
    const mountpoint = decodeOctalEscapes(line.slice(pct.end).replace(/^[ \t]+/, ''));
    const usePercent = pct.text === '-' ? null : Number(pct.text.slice(0, -1));
    if (header.inodes) {
      return { device, fstype, inodes: count(a.text), used: count(b.text), free: count(c.text), use_percent: usePercent, mountpoint };
    }
    const kb = (x: Token) => (x.text === '-' ? null : Math.round((Number(x.text) * header.blockBytes) / 1024));
    return { device, fstype, size_kb: kb(a), used_kb: kb(b), available_kb: kb(c), use_percent: usePercent, mountpoint };
  }
  return null;
}

export const dfParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const out = new RowSink();
    const lines = splitLines(text);
    let header: Header | null = null;
    let pendingDevice: string | null = null;
    lines.forEach((raw, i) => {
      if (raw.trim() === '') return;
      const asHeader = readHeader(raw);
      if (asHeader) {
        header = asHeader;
        return;
      }
      // without a header, assume what the registry's argv prints
      header ??= { hasType: true, inodes: ctx.source === 'df-inodes', blockBytes: 1024 };
      if (!/\s/.test(raw.trim()) && pendingDevice === null) {
        pendingDevice = raw.trim();
        return;
      }
      const line = pendingDevice === null ? raw : `${pendingDevice} ${raw.trimStart()}`;
      pendingDevice = null;
      const row = readLine(line, header);
      if (row === null) {
        out.error(`unreadable df line: ${raw.slice(0, 200)}`, i + 1);
        return;
      }
      out.add(header.inodes ? 'inode_usage' : 'filesystems', row);
    });
    if (pendingDevice !== null) out.error(`device without its figures at the end: ${String(pendingDevice).slice(0, 200)}`, lines.length);
    const parsed = out.count('filesystems') + out.count('inode_usage');
    if (parsed === 0 && out.count('parse_errors') > 0) throw new Error('no readable df line');
    return out.rows();
  },
};
