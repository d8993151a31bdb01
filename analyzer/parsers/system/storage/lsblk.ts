/**
 * `lsblk -J -b -o NAME,KNAME,TYPE,SIZE,ROTA,SCHED,FSTYPE,MOUNTPOINT,MODEL`, or the `-P` form
 * older lsblk (util-linux < 2.27, CentOS 7) falls back to:
 *
 *   {"blockdevices": [
 *      {"name": "vda", "kname": "vda", "type": "disk", "size": 274877906944, "rota": true,
 *       "sched": "mq-deadline", "fstype": null, "mountpoint": "/", "model": null,
 *       "children": [ {"name": "vda1", ...} ]}
 *   ]}
 *
 *   NAME="vda" KNAME="vda" TYPE="disk" SIZE="274877906944" ROTA="1" SCHED="mq-deadline" FSTYPE="" MOUNTPOINT="/" MODEL=""
 *
 * util-linux 2.27-2.32 print every JSON value as a string ("rota": "1", "size": "21474836480");
 * newer ones use numbers, booleans and null. -P escapes unsafe bytes as \xNN and has no tree.
 */
import type { Row, TextParser } from '../../types.js';
import { splitLines } from '../common/lines.js';
import { RowSink } from '../common/rows.js';

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const s = String(value).trim();
  return s === '' ? null : s;
}

function bytes(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim());
  return null;
}

function rotational(value: unknown): 0 | 1 | null {
  if (value === true || value === '1' || value === 1 || value === 'true') return 1;
  if (value === false || value === '0' || value === 0 || value === 'false') return 0;
  return null;
}

function deviceRow(fields: Record<string, unknown>, parent: string | null): Row {
  return {
    name: text(fields.name),
    kname: text(fields.kname),
    parent,
    type: text(fields.type),
    size_bytes: bytes(fields.size),
    rotational: rotational(fields.rota),
    scheduler: text(fields.sched),
    fstype: text(fields.fstype),
    mountpoint: text(fields.mountpoint),
    model: text(fields.model),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(devices: unknown, parent: string | null, out: RowSink): void {
  if (!Array.isArray(devices)) return;
  for (const device of devices) {
    if (!isRecord(device)) {
      out.error(`block device entry is not an object: ${JSON.stringify(device)?.slice(0, 200)}`);
      continue;
    }
    const row = deviceRow(device, parent);
    out.add('block_devices', row);
    walk(device.children, typeof row.name === 'string' ? row.name : null, out);
  }
}

const PAIR = /([A-Z:_-]+)="((?:[^"\\]|\\.)*)"/g;

function unescapeP(value: string): string {
  return value.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function parsePairs(textIn: string, out: RowSink): void {
  splitLines(textIn).forEach((line, i) => {
    if (line.trim() === '') return;
    const fields: Record<string, unknown> = {};
    for (const m of line.matchAll(PAIR)) fields[(m[1] as string).toLowerCase()] = unescapeP(m[2] as string);
    if (fields.name === undefined) {
      out.error(`not a KEY="value" lsblk line: ${line.slice(0, 200)}`, i + 1);
      return;
    }
    out.add('block_devices', deviceRow(fields, null));
  });
}

export const lsblkParser: TextParser = {
  kind: 'text',
  parse(input) {
    const out = new RowSink();
    const trimmed = input.trim();
    if (trimmed === '') {
      out.error('empty input');
      return out.rows();
    }
    if (!trimmed.startsWith('{')) {
      parsePairs(input, out);
      if (out.count('block_devices') === 0) throw new Error('no lsblk device line');
      return out.rows();
    }
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed);
    } catch (err) {
      throw new Error(`lsblk JSON does not parse (truncated?): ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!isRecord(doc) || !Array.isArray(doc.blockdevices)) throw new Error('lsblk JSON has no "blockdevices" array');
    walk(doc.blockdevices, null, out);
    return out.rows();
  },
};
