import { describe, expect, it } from 'vitest';
import { readFlow, readFlowBytes } from '../../../analyzer/parsers/netfilter/conntrack-flow.js';
import { MAX_CONNTRACK_ENTRIES } from '../../../analyzer/parsers/netfilter/conntrack-summary.js';
import { boundedFlows } from '../../../analyzer/parsers/netfilter/conntrack-xml.js';
import type { Row, Rows } from '../../../analyzer/parsers/types.js';
import { fixture, parseStream, rowsOf } from './helpers.js';
import { PARSERS } from '../../../analyzer/parsers/netfilter/index.js';

/** One flow as conntrack-tools 1.4.7 prints it (the fixture's format), to a chosen destination and state. */
function flow(i: number, dst: string, state: string, replied = true): string {
  const src = `10.244.1.${i % 250}`;
  return (
    `<flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>${src}</src><dst>${dst}</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>${30000 + i}</sport><dport>80</dport></layer4></meta>` +
    `<meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.244.2.9</src><dst>${src}</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>8080</sport><dport>${30000 + i}</dport></layer4></meta>` +
    `<meta direction="independent"><state>${state}</state><timeout>100</timeout><mark>0</mark><use>1</use><id>${i}</id>${replied ? '<assured/>' : '<unreplied/>'}</meta></flow>`
  );
}

function xml(flows: string[]): Buffer {
  return Buffer.from(`<?xml version="1.0" encoding="utf-8"?>\n<conntrack>\n${flows.join('\n')}\n</conntrack>\n`);
}

async function collect(bytes: Buffer, maxEntries: number, maxGroups: number, chunk = 997): Promise<Rows> {
  async function* chunks(): AsyncIterable<Buffer> {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  }
  const out: Rows = {};
  for await (const [table, row] of boundedFlows(chunks(), maxEntries, maxGroups)) (out[table] ??= []).push(row);
  return out;
}

describe('conntrack table bounded: entries up to a limit, every flow in conntrack_summary', () => {
  it('keeps the first flows as entries and counts all of them per protocol, state and destination', async () => {
    const flows = [
      flow(1, '10.96.0.10', 'ESTABLISHED'),
      flow(2, '10.96.0.10', 'ESTABLISHED'),
      flow(3, '10.96.0.10', 'TIME_WAIT'),
      flow(4, '10.96.0.1', 'SYN_SENT', false),
      flow(5, '10.96.0.10', 'ESTABLISHED', false),
    ];
    const rows = await collect(xml(flows), 3, 100);
    expect(rowsOf(rows, 'conntrack_entries').map((r) => r.id)).toEqual([1, 2, 3]);
    expect(rowsOf(rows, 'conntrack_summary')).toEqual([
      { l3proto: 'ipv4', l4proto: 'tcp', state: 'ESTABLISHED', orig_dst: '10.96.0.10', orig_dport: 80, flows: 3, entries: 2, assured: 2, unreplied: 1, dnat: 3, snat: 0 },
      { l3proto: 'ipv4', l4proto: 'tcp', state: 'TIME_WAIT', orig_dst: '10.96.0.10', orig_dport: 80, flows: 1, entries: 1, assured: 1, unreplied: 0, dnat: 1, snat: 0 },
      { l3proto: 'ipv4', l4proto: 'tcp', state: 'SYN_SENT', orig_dst: '10.96.0.1', orig_dport: 80, flows: 1, entries: 0, assured: 0, unreplied: 1, dnat: 1, snat: 0 },
    ]);
  });

  it('folds the destinations beyond the group limit into one row per protocol and state; the counts still add up', async () => {
    const flows = Array.from({ length: 40 }, (_, i) => flow(i, `10.96.1.${i}`, i % 2 ? 'ESTABLISHED' : 'TIME_WAIT'));
    const rows = await collect(xml(flows), 10, 8, 64);
    const summary = rowsOf(rows, 'conntrack_summary');
    expect(summary.filter((g) => g.orig_dst !== null)).toHaveLength(8);
    expect(summary.filter((g) => g.orig_dst === null).map((g) => [g.state, g.flows])).toEqual([
      ['TIME_WAIT', 16],
      ['ESTABLISHED', 16],
    ]);
    expect(summary.reduce((n, g) => n + (g.flows as number), 0)).toBe(40);
    expect(summary.reduce((n, g) => n + (g.entries as number), 0)).toBe(10);
    expect(rowsOf(rows, 'conntrack_entries')).toHaveLength(10);
  });

  it('a table under the limit is loaded whole (the real parser, the real fixture)', async () => {
    const rows = await parseStream(PARSERS['conntrack-xml']!, fixture('conntrack-L-xml-v1.4.7-nat-established.xml'), 'conntrack-xml');
    const summary = rowsOf(rows, 'conntrack_summary');
    expect(summary.reduce((n, g) => n + (g.flows as number), 0)).toBe(rowsOf(rows, 'conntrack_entries').length);
    expect(summary.every((g) => g.flows === g.entries)).toBe(true);
    expect(MAX_CONNTRACK_ENTRIES).toBeGreaterThanOrEqual(10_000);
  });
});

describe('reading a flow in place', () => {
  const lines = fixture('conntrack-L-xml-v1.4.7-nat-established.xml').split('\n').filter((l) => l.startsWith('<flow'));

  it('gives the same row whether the end of the flow is known or found while reading', () => {
    for (const line of lines) {
      const bytes = Buffer.from(`${line}\n${line}`);
      const found = { end: 0 };
      const quick = readFlowBytes(bytes, 0, bytes.length, found);
      expect(quick).toEqual(readFlow(line));
      expect(found.end).toBe(Buffer.byteLength(line));
    }
  });

  it('reads names, numbers and text without being fooled by look-alikes', () => {
    const good = flow(7, '10.96.0.10', 'ESTABLISHED');
    expect(readFlow(good)).toMatchObject({ orig_dst: '10.96.0.10', orig_dport: 80, state: 'ESTABLISHED', id: 7, assured: 1, dnat: 1 });
    // an element whose name starts like a known one is unknown, and skipped when balanced
    expect(readFlow(good.replace('<mark>0</mark>', '<markx>5</markx>'))).toMatchObject({ mark: null });
    expect(readFlow(good.replace('<mark>0</mark>', '<markx>5</mark>'))).toBe('<markx> closed by </mark>');
    expect(readFlow(good.replace('<id>7</id>', '<id>7</idx>'))).toBe('<id> is not closed by </id>');
    // numbers with surrounding blanks or entities, text with entities and non-ASCII
    expect(readFlow(good.replace('<id>7</id>', '<id> 12 </id>'))).toMatchObject({ id: 12 });
    expect(readFlow(good.replace('<id>7</id>', '<id>&#49;&#50;</id>'))).toMatchObject({ id: 12 });
    expect(readFlow(good.replace('<id>7</id>', '<id>7a</id>'))).toMatchObject({ id: null });
    expect(readFlow(good.replace('<state>ESTABLISHED</state>', '<state>É&amp;T</state>'))).toMatchObject({ state: 'É&T' });
    // a flow inside a flow: the quick read refuses it, so the splitter reports it as never closed
    const nested = good.replace('<meta direction="independent">', '<flow><meta direction="independent">');
    expect(readFlowBytes(Buffer.from(nested), 0, Buffer.byteLength(nested), { end: 0 })).toBe('a flow inside a flow');
  });

  it('the splitter reports a flow cut short by the next one, then reads on (fast path and exact path agree)', async () => {
    const a = flow(1, '10.96.0.1', 'ESTABLISHED');
    const b = flow(2, '10.96.0.2', 'ESTABLISHED');
    const text = `<conntrack>\n${a.replace('</flow>', '')}\n${b}\n</conntrack>\n`;
    for (const size of [5, 64, 4096]) {
      const rows = await parseStream(PARSERS['conntrack-xml']!, text, 'conntrack-xml', size);
      expect(rowsOf(rows, 'parse_errors')).toEqual([{ line: 2, message: 'flow element never closed' }]);
      expect(rowsOf(rows, 'conntrack_entries').map((r: Row) => [r.id, r.line])).toEqual([[2, 3]]);
    }
  });
});
