import { describe, expect, it } from 'vitest';
import { PARSERS } from '../../../analyzer/parsers/netfilter/index.js';
import { readFlow } from '../../../analyzer/parsers/netfilter/conntrack-flow.js';
import type { Rows } from '../../../analyzer/parsers/types.js';
import { fixture, parseStream, rowsOf } from './helpers.js';

const parse = (text: string | Buffer, size?: number): Promise<Rows> => parseStream(PARSERS['conntrack-xml']!, text, 'conntrack-xml', size);

describe('conntrack -L -o xml (conntrack-tools 1.4.7, real output)', () => {
  it('reads NATed, established, ICMP and zoned flows', async () => {
    const rows = await parse(fixture('conntrack-L-xml-v1.4.7-nat-established.xml'));
    expect(rows.parse_errors).toBeUndefined();
    const flows = rowsOf(rows, 'conntrack_entries');
    expect(flows).toHaveLength(12);
    expect(flows[0]).toMatchObject({
      l3proto: 'ipv4', l4proto: 'tcp', l4protonum: 6, state: 'TIME_WAIT',
      orig_src: '10.244.1.7', orig_dst: '10.96.45.3', orig_sport: 41580, orig_dport: 80,
      reply_src: '10.244.1.7', reply_dst: '10.244.1.7', reply_sport: 80, reply_dport: 29171,
      timeout: 106, mark: 0, use: 1, id: 1566750312, assured: 1, unreplied: 0, dnat: 1, snat: 0, zone: null, line: 3,
    });
    expect(flows.find((f) => f.mark === 66)).toMatchObject({ state: 'ESTABLISHED', orig_dport: 8080, dnat: 0, timeout: 431997 });
    expect(flows.find((f) => f.l4proto === 'icmp')).toMatchObject({ l4protonum: 1, orig_sport: null, state: null, unreplied: 0 });
    expect(flows.find((f) => f.zone === 7)).toMatchObject({ l4proto: 'udp', orig_dport: 5353, unreplied: 1 });
    expect(flows.find((f) => f.orig_dst === '10.96.0.10')).toMatchObject({ reply_src: '10.244.0.2', dnat: 1, unreplied: 1 });
  });

  it('reads per-direction counters, IPv6 and deltatime', async () => {
    const rows = await parse(fixture('conntrack-L-xml-v1.4.7-ipv6-acct.xml'));
    const flows = rowsOf(rows, 'conntrack_entries');
    expect(flows).toHaveLength(2);
    expect(flows[1]).toMatchObject({ l3proto: 'ipv6', state: 'ESTABLISHED', orig_src: '::1', orig_packets: 2, orig_bytes: 152, reply_packets: 1, reply_bytes: 80, deltatime: 3, assured: 1 });
    const mixed = rowsOf(await parse(fixture('conntrack-L-xml-v1.4.7.xml')), 'conntrack_entries');
    expect(mixed).toHaveLength(9);
    expect(mixed.find((f) => f.state === 'SYN_SENT')).toMatchObject({ mark: 66, unreplied: 1, dnat: 1 });
  });

  it('gives the same rows whatever the chunking, CRLF included', async () => {
    const text = fixture('conntrack-L-xml-v1.4.7-nat-established.xml');
    const whole = await parse(text, 1 << 20);
    for (const size of [1, 7, 64, 333]) expect(await parse(text, size)).toEqual(whole);
    const crlf = rowsOf(await parse(text.replace(/\n/g, '\r\n'), 5), 'conntrack_entries');
    expect(crlf).toEqual(rowsOf(whole, 'conntrack_entries'));
  });

  it('decodes UTF-8 split across chunks and entities', async () => {
    const flow = '<flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.0.0.1</src><dst>10.0.0.2</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>1</sport><dport>2</dport></layer4></meta><meta direction="independent"><state>ESTABLISHED</state><labels>é&amp;ü</labels><helper>ftp</helper></meta></flow>';
    const rows = await parse(Buffer.from(`<?xml version="1.0" encoding="utf-8"?>\n<conntrack>\n${flow}\n${flow}\n</conntrack>\n`), 3);
    expect(rowsOf(rows, 'conntrack_entries')).toHaveLength(2);
    expect(rows.parse_errors).toBeUndefined();
  });

  it('reports a flow cut off by the size cap and keeps the others', async () => {
    const text = fixture('conntrack-L-xml-v1.4.7-nat-established.xml');
    const rows = await parse(text.slice(0, text.lastIndexOf('<flow>') + 300), 100);
    expect(rowsOf(rows, 'conntrack_entries')).toHaveLength(11);
    expect(rowsOf(rows, 'parse_errors')).toEqual([{ line: 14, message: 'last flow is cut off (output truncated at the size cap?)' }]);
  });

  it('skips malformed flows with their line and reads on', async () => {
    const lines = fixture('conntrack-L-xml-v1.4.7-nat-established.xml').split('\n');
    lines[3] = (lines[3] as string).replace('</src>', '</dst>'); // mismatched tag
    lines[4] = (lines[4] as string).replace('</flow>', ''); // never closed
    lines[5] = (lines[5] as string).replace('<timeout>', '<timeout'); // broken tag
    const rows = await parse(lines.join('\n'), 50);
    expect(rowsOf(rows, 'conntrack_entries')).toHaveLength(9);
    expect(rowsOf(rows, 'parse_errors').map((e) => e.line)).toEqual([4, 5, 6]);
  });

  it('reads an empty table as nothing and throws on text that is not conntrack XML', async () => {
    expect(await parse('')).toEqual({});
    expect(await parse('<?xml version="1.0" encoding="utf-8"?>\n<conntrack>\n</conntrack>\n')).toEqual({});
    await expect(parse('tcp      6 431999 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2\n')).rejects.toThrow(/not conntrack XML/);
  });
});

describe('one flow element', () => {
  it('rejects what is not one well-formed flow', () => {
    expect(readFlow('<flow><meta direction="original"><layer3><src>1.1.1.1</src></layer3></meta></flow>')).toMatchObject({ orig_src: '1.1.1.1' });
    expect(readFlow('<flow><meta direction="original"><src>1.1.1.1</src></meta>')).toBe('<flow> is never closed');
    expect(readFlow('<flow></meta></flow>')).toBe('<flow> closed by </meta>');
    expect(readFlow('<flow><meta direction="original"><src>1.1.1.1</dst></meta></flow>')).toBe('<src> is not closed by </src>');
    expect(readFlow('<flow><meta direction="reply"><src>1.1.1.1</src></meta></flow>')).toBe('flow without an original-direction address');
    expect(readFlow('<meta></meta>')).toBe('root element is <meta>, not <flow>');
    expect(readFlow('<flow><meta direction="original"><src>1.1.1.1</src></meta></flow>junk')).toBe('content after </flow>');
  });
});
