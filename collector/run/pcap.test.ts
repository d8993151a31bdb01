import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildCollector } from './test-helpers/child-collector.js';
import { canUseNetns, TestNamespaces } from './test-helpers/netns.js';
import { checksumProblems, readSnapshot } from './test-helpers/read-snapshot.js';

interface ParsedPcap {
  linkType: number;
  records: { seconds: number; length: number }[];
  /** Bytes after the last whole record (0 for a valid file). */
  trailing: number;
}

/** Reads a classic little-endian pcap by hand (the collector's own tracker is what is under test). */
function parsePcap(data: Buffer): ParsedPcap {
  expect(data.length).toBeGreaterThanOrEqual(24);
  expect(data.readUInt32LE(0)).toBe(0xa1b2c3d4);
  expect([data.readUInt16LE(4), data.readUInt16LE(6)]).toEqual([2, 4]);
  const records: ParsedPcap['records'] = [];
  let at = 24;
  while (at + 16 <= data.length) {
    const length = data.readUInt32LE(at + 8);
    if (at + 16 + length > data.length) break;
    records.push({ seconds: data.readUInt32LE(at), length });
    at += 16 + length;
  }
  return { linkType: data.readUInt32LE(20), records, trailing: data.length - at };
}

/**
 * After `delayMs`, sends `count` UDP datagrams of `size` bytes from namespace `ns` to `to`:9
 * (nothing listens there, so each also draws an ICMP port unreachable back). There is no ping
 * on this machine; node is always there.
 */
function udpLater(delayMs: number, ns: string, to: string, count: number, size = 32): Promise<number | null> {
  const script = [
    "const s = require('node:dgram').createSocket('udp4');",
    `let n = 0; const t = setInterval(() => { s.send(Buffer.alloc(${size}, 120), 9, '${to}'); if (++n === ${count}) { clearInterval(t); setTimeout(() => s.close(), 100); } }, 100);`,
  ].join(' ');
  return new Promise((resolve) => {
    setTimeout(() => {
      const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { stdio: 'ignore' });
      child.on('close', resolve);
    }, delayMs);
  });
}

const netns = new TestNamespaces();
let child: ChildCollector;
let work: string;
let a: string;
let b: string;
let c: string;

describe.skipIf(!canUseNetns())('pcap captures (real tcpdump in network namespaces)', () => {
  beforeAll(() => {
    child = new ChildCollector();
    work = mkdtempSync(join(tmpdir(), 'nodesnap-pcap-'));
    a = netns.add('pa');
    b = netns.add('pb');
    c = netns.add('pc');
    // the node under test (a) with two links: one to b, one to c
    netns.veth(a, 'snap-ab', '10.231.1.1/24', b, 'snap-ba', '10.231.1.2/24');
    netns.veth(a, 'snap-ac', '10.231.2.1/24', c, 'snap-ca', '10.231.2.2/24');
  });

  afterAll(() => {
    netns.removeAll();
    rmSync(work, { recursive: true, force: true });
  });

  it('captures two interfaces at the same time while the rest is collected', async () => {
    const collecting = child.run({ out: work, pcap: ['snap-ab', 'snap-ac'], pcapSeconds: 4, only: ['uname', 'ip-addr'] }, ['ip', 'netns', 'exec', a]);
    const traffic = Promise.all([udpLater(1500, b, '10.231.1.1', 5), udpLater(1500, c, '10.231.2.1', 5)]);
    const [run, senders] = await Promise.all([collecting, traffic]);
    expect(senders).toEqual([0, 0]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { path } = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { path: string };
    const snapshot = await readSnapshot(path);
    expect(checksumProblems(snapshot)).toEqual([]);

    const ab = parsePcap(snapshot.members.get('pcap/snap-ab.pcap') ?? Buffer.alloc(0));
    const ac = parsePcap(snapshot.members.get('pcap/snap-ac.pcap') ?? Buffer.alloc(0));
    expect(ab.linkType).toBe(1); // Ethernet
    // 5 datagrams and 5 port unreachables each, ARP too
    expect(ab.records.length).toBeGreaterThanOrEqual(10);
    expect(ac.records.length).toBeGreaterThanOrEqual(10);
    expect(ab.trailing).toBe(0);
    // simultaneous: both captures span the same seconds
    const span = (p: ParsedPcap): [number, number] => [p.records[0]?.seconds ?? 0, p.records.at(-1)?.seconds ?? 0];
    expect(Math.abs(span(ab)[0] - span(ac)[0])).toBeLessThanOrEqual(1);

    const item = snapshot.manifest.items.find((i) => i.source === 'pcap' && i.item === 'snap-ab');
    expect(item).toMatchObject({ kind: 'pcap', status: 'ok', truncated: false, output: { member: 'pcap/snap-ab.pcap' }, stderr: { member: 'pcap/snap-ab.stderr' } });
    expect(item?.argv).toEqual(['tcpdump', '-i', 'snap-ab', '-n', '-U', '-s', '262144', '-c', '100000', '-w', '-']);
    expect(snapshot.members.get('pcap/snap-ab.stderr')?.toString()).toMatch(/\d+ packets? captured/);
    expect(snapshot.manifest.limits.pcapSeconds).toBe(4);
    // the captures ran while the other sources were collected, and are written where the registry puts them
    const order = snapshot.names.map((n) => n.slice(n.indexOf('/') + 1));
    expect(order.indexOf('uname/uname.txt')).toBeLessThan(order.indexOf('pcap/snap-ab.pcap'));
    expect(order.indexOf('pcap/snap-ab.pcap')).toBeLessThan(order.indexOf('pcap/snap-ac.pcap'));
    expect(run.ms).toBeLessThan(12_000);
  });

  it('cuts a capture at its byte cap on a record boundary, and applies the filter', async () => {
    const collecting = child.run({ out: work, pcap: ['snap-ab'], pcapSeconds: 3, pcapMaxBytes: 1000, pcapFilter: 'udp', only: ['uname'] }, ['ip', 'netns', 'exec', a]);
    const [run] = await Promise.all([collecting, udpLater(1000, b, '10.231.1.1', 8, 200)]);
    expect(run.code).toBe(0);
    const snapshot = await readSnapshot((JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { path: string }).path);
    const data = snapshot.members.get('pcap/snap-ab.pcap') ?? Buffer.alloc(0);
    const parsed = parsePcap(data);
    expect(data.length).toBeLessThanOrEqual(1000);
    expect(parsed.trailing).toBe(0);
    // 242-byte frames (14 Ethernet + 20 IP + 8 UDP + 200), the ICMP replies filtered out:
    // 3 whole records (3 x 258) fit in 1000 bytes after the 24-byte header
    expect(parsed.records.length).toBe(3);
    expect(parsed.records.every((r) => r.length === 242)).toBe(true);
    const item = snapshot.manifest.items.find((i) => i.source === 'pcap');
    expect(item).toMatchObject({ status: 'ok', truncated: true, reason: 'byte cap reached' });
    expect(item?.argv?.at(-1)).toBe('udp');
  });
});
