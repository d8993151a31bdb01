import { describe, expect, it } from 'vitest';
import { PARSERS } from '../../../analyzer/parsers/netfilter/index.js';
import type { Rows } from '../../../analyzer/parsers/types.js';
import { fixture, parseText, rowsOf } from './helpers.js';

const stats = (text: string): Rows => parseText(PARSERS['conntrack-stats']!, text, 'conntrack-stats');
const proc = (text: string): Rows => parseText(PARSERS['proc-conntrack-stat']!, text, 'proc-conntrack-stat');
const value = (rows: Rows, counter: string, cpu: number | null) => rowsOf(rows, 'conntrack_stats').find((r) => r.counter === counter && r.cpu === cpu)?.value;

describe('conntrack -S', () => {
  it('reads conntrack-tools 1.4.7 per-CPU lines (real output)', () => {
    const rows = stats(fixture('conntrack-S-v1.4.7-kernel6.18.txt'));
    expect(rows.parse_errors).toBeUndefined();
    expect(rowsOf(rows, 'conntrack_stats')).toHaveLength(20);
    expect(value(rows, 'error', 0)).toBe(6);
    expect(value(rows, 'chaintoolong', 1)).toBe(0);
  });

  it('reads the kernel 3.10 counters of conntrack-tools 1.4.4', () => {
    const rows = stats(fixture('conntrack-S-v1.4.4-kernel3.10.txt'));
    expect(value(rows, 'searched', 0)).toBe(1243);
    expect(value(rows, 'invalid', 1)).toBe(37);
    expect(value(rows, 'insert_failed', 1)).toBe(2);
  });

  it('reads the oldest /proc-based layout as global values', () => {
    const rows = stats(fixture('conntrack-S-v1.2-proc-layout.txt'));
    expect(value(rows, 'entries', null)).toBe(29);
    expect(value(rows, 'found', null)).toBe(53447);
    expect(rowsOf(rows, 'conntrack_stats').every((r) => r.cpu === null)).toBe(true);
  });

  it('stores a per-line entries once, handles CRLF and reports bad lines', () => {
    const rows = stats('cpu=0   \tentries=12 found=1 \r\ncpu=1   \tentries=12 found=2 invalid=x\r\ngarbage here too\r\n');
    expect(rowsOf(rows, 'conntrack_stats').filter((r) => r.counter === 'entries')).toEqual([{ source: 'conntrack-stats', cpu: null, counter: 'entries', value: 12 }]);
    expect(value(rows, 'found', 1)).toBe(2);
    expect(rowsOf(rows, 'parse_errors').map((e) => e.line)).toEqual([2, 3]);
    expect(stats('')).toEqual({});
    expect(() => stats('conntrack v1.4.7 (conntrack-tools): Operation failed: invalid parameters\n')).toThrow();
  });
});

describe('/proc/net/stat/nf_conntrack', () => {
  it('reads the kernel 6.18 table (real), hex to decimal, entries once', () => {
    const rows = proc(fixture('proc-net-stat-nf_conntrack-kernel6.18.txt'));
    expect(rows.parse_errors).toBeUndefined();
    expect(value(rows, 'entries', null)).toBe(9);
    expect(value(rows, 'entries', 0)).toBeUndefined();
    expect(value(rows, 'icmp_error', 0)).toBe(6);
    expect(value(rows, 'clashres', 1)).toBe(0);
    expect(rowsOf(rows, 'conntrack_stats')).toHaveLength(1 + 2 * 16);
  });

  it('reads the kernel 3.10 header and four CPUs', () => {
    const rows = proc(fixture('proc-net-stat-nf_conntrack-kernel3.10.txt'));
    expect(value(rows, 'entries', null)).toBe(29);
    expect(value(rows, 'searched', 0)).toBe(1243);
    expect(value(rows, 'invalid', 1)).toBe(37);
    expect(value(rows, 'early_drop', 3)).toBe(1);
    expect(value(rows, 'search_restart', 1)).toBe(1);
  });

  it('keeps the whole values of a truncated last row and rejects a header-less file', () => {
    const text = fixture('proc-net-stat-nf_conntrack-kernel3.10.txt');
    const rows = proc(text.slice(0, text.length - 60).replace(/\n/g, '\r\n'));
    expect(rowsOf(rows, 'parse_errors')).toHaveLength(1);
    expect(value(rows, 'searched', 3)).toBe(5);
    expect(value(rows, 'search_restart', 3)).toBeUndefined();
    expect(proc('')).toEqual({});
    expect(() => proc('0000000c  00000000\n')).toThrow(/header/);
  });
});
