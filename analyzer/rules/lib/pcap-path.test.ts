/**
 * Following flows across captured interfaces (pcap-path.ts) and the node routing under it
 * (node-routing.ts), on the worker-1 sample with real captures of its flannel path
 * (rules/pcap/path-loss-between-interfaces.fixtures, made by rules/pcap/_captures/make-captures.sh).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { analyzeInputs } from '../../load/analyze-inputs.js';
import { fixtureCases, materialiseCase, type FixtureCase } from '../fixtures.js';
import { BUILTIN_RULES_DIR } from '../rule-files.js';
import { forwardingPath, nodeRoutings, type NodeRouting } from './node-routing.js';
import { findPathLosses, followFlows, type FlowDirection } from './pcap-path.js';
import { endpointText } from './pcap-flows.js';

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

async function load(c: FixtureCase): Promise<{ db: Database; node: number; net: NodeRouting }> {
  const { folders, cleanup } = materialiseCase(c, BUILTIN_RULES_DIR());
  cleanups.push(cleanup);
  const loaded = await analyzeInputs(folders);
  cleanups.push(() => loaded.db.close());
  const node = (loaded.db.prepare('SELECT node_id FROM nodes').get() as { node_id: number }).node_id;
  return { db: loaded.db, node, net: nodeRoutings(loaded.db, [node]).get(node)! };
}

const pathLossCase = (name: string) => fixtureCases(BUILTIN_RULES_DIR(), 'pcap/path-loss-between-interfaces').find((c) => c.name === name)!;

/** The quiet case materialised, changed by `edit` (a snapshot folder), then analyzed. */
async function loadEdited(edit: (folder: string) => void): Promise<{ db: Database; node: number; routings: Map<number, NodeRouting> }> {
  const { folders, cleanup } = materialiseCase(pathLossCase('quiet-flow-reaches-pod'), BUILTIN_RULES_DIR());
  cleanups.push(cleanup);
  edit(folders[0]!);
  const loaded = await analyzeInputs(folders);
  cleanups.push(() => loaded.db.close());
  const node = (loaded.db.prepare('SELECT node_id FROM nodes').get() as { node_id: number }).node_id;
  return { db: loaded.db, node, routings: nodeRoutings(loaded.db, [node]) };
}

const describeDirection = (d: FlowDirection) =>
  `${endpointText(d.from.addr, d.from.port)} > ${endpointText(d.to.addr, d.to.port)}: ${d.path.map((v) => `${v.hop.iface}${v.hop.encapsulated ? '(vxlan)' : ''}=${v.packets}`).join(' ')}`;

describe('node routing of the worker-1 sample', async () => {
  const { net } = await load(pathLossCase('quiet-flow-reaches-pod'));

  it('orders the interfaces of a packet from a remote pod to a local pod', () => {
    const path = forwardingPath(net, '10.244.2.5', '10.244.1.7')!;
    expect(path.map((h) => [h.iface, h.encapsulated, h.side])).toEqual([
      ['eth0', true, 'in'],
      ['flannel.1', false, 'in'],
      ['cni0', false, 'out'],
      ['vethaff63609', false, 'out'],
    ]);
    expect(path[0]!.vni).toBe(1);
    expect(path[3]!.why).toMatch(/eth0 iflink 6 = vethaff63609/);
  });

  it('has no path for what the node only receives, or bridges between two pods', () => {
    expect(forwardingPath(net, '192.168.10.22', '192.168.10.21')).toBeNull();
    expect(forwardingPath(net, '10.244.1.7', '10.244.1.9')).toBeNull();
  });

  it('knows its own, special and rewritten addresses', () => {
    expect(net.isLocal('10.244.1.0')).toBe(true);
    expect(net.isLocal('127.0.0.53')).toBe(true);
    expect(net.isLocal('10.244.1.7')).toBe(false);
    expect(net.isSpecial('ff02::2')).toBe(true);
    expect(net.isSpecial('10.244.1.255')).toBe(true);
    expect(net.mayBeRewritten('10.101.37.214', 'tcp', 80)).toBe(true); // shop/checkout cluster IP
    expect(net.mayBeRewritten('10.244.2.9', 'tcp', 8080)).toBe(false);
    expect(net.mayBeRewritten('8.8.8.8', 'udp', 53)).toBe(false);
  });
});

describe('following flows across captured interfaces', () => {
  it('sees every flow of the healthy capture through, NAT included', async () => {
    const { db, node, net } = await load(pathLossCase('quiet-flow-reaches-pod'));
    const directions = followFlows(db, [node], new Map([[node, net]]));
    expect(directions.filter((d) => d.missing >= 0)).toEqual([]);
    const lines = directions.map(describeDirection);
    // remote pod -> local pod, through the tunnel to the pod's veth
    expect(lines).toContainEqual(expect.stringMatching(/^10\.244\.2\.5:\d+ > 10\.244\.1\.7:8080: eth0\(vxlan\)=([1-9]\d*) flannel\.1=\1 cni0=\1 vethaff63609=\1$/));
    // the reply of the service flow (DNAT to 10.244.2.9) is recognised on cni0 and the veth with the VIP as source
    expect(lines).toContainEqual(expect.stringMatching(/^10\.244\.2\.9:8080 > 10\.244\.1\.7:\d+: eth0\(vxlan\)=([1-9]\d*) flannel\.1=\1 cni0=\1 vethaff63609=\1$/));
    // masqueraded with --random-fully: the node's address and another port on eth0
    const masq = directions.find((d) => d.to.addr === '192.168.10.22' && d.to.port === 8081)!;
    expect(describeDirection(masq)).toMatch(/^10\.244\.1\.7:\d+ > 192\.168\.10\.22:8081: vethaff63609=([1-9]\d*) cni0=\1 eth0=\1$/);
    expect(masq.path[2]!.rows[0]!.client_addr).toBe('192.168.10.21');
    expect(masq.path[2]!.rows[0]!.client_port).not.toBe(masq.from.port);
    // the service VIP itself is never followed: its tuple changes inside the node
    expect(directions.some((d) => d.to.addr === '10.101.37.214' || d.from.addr === '10.101.37.214')).toBe(false);
  });

  it('is not fooled by another flow to the same pod port, such as a kubelet probe from the node', async () => {
    const { db, node, net } = await load(pathLossCase('fires-lost-between-flannel-and-cni0'));
    const lost = findPathLosses(db, [node], new Map([[node, net]]));
    expect(lost.map((l) => `${l.path[l.lastSeen]!.hop.iface} -> ${l.path[l.missing]!.hop.iface}`)).toEqual(['flannel.1 -> cni0']);
    const t = lost[0]!.path[lost[0]!.lastSeen]!.rows[0]!;
    // a probe from cni0's own address to the same pod port, on cni0 and the pod's veth, while the lost SYNs were retried
    for (const iface of ['cni0', 'vethaff63609']) {
      db.prepare(
        `INSERT INTO pcap_flows (node_id, member, interface, proto, ip_version, client_addr, client_port, server_addr, server_port, role_source, inner,
                                 packets, client_packets, server_packets, first_ts, last_ts, first_time, last_time)
         VALUES (?, ?, ?, 'tcp', 4, '10.244.1.1', 51000, '10.244.1.7', 8080, 'syn', 0, 10, 5, 5, ?, ?, ?, ?)`,
      ).run(node, `pcap/${iface}.pcap`, iface, t.first_ts, t.first_ts, t.first_time! + 1, t.first_time! + 1.01);
    }
    const after = findPathLosses(db, [node], new Map([[node, net]]));
    expect(after.map((l) => `${endpointText(l.from.addr, l.from.port)} ${l.path[l.missing]!.hop.iface}`)).toEqual([`${endpointText(t.client_addr, t.client_port)} cni0`]);
  });

  it('does not follow flows when the node routes by marks or interfaces in other tables', async () => {
    const rules =
      '[{"priority":0,"src":"all","table":"local"},{"priority":100,"src":"all","fwmark":"0x200/0xf00","table":"2004"},' +
      '{"priority":32766,"src":"all","table":"main"},{"priority":32767,"src":"all","table":"default"}]';
    const { db, node, routings } = await loadEdited((folder) => writeFileSync(join(folder, 'ip-rule', 'ip-rule.txt'), rules));
    expect(routings.get(node)!.unsupported).toMatch(/0x200\/0xf00/);
    expect(followFlows(db, [node], routings)).toEqual([]);
  });

  it('without iptables rules, leaves destinations that only the default route reaches (service VIPs) alone', async () => {
    const { db, node, routings } = await loadEdited((folder) => rmSync(join(folder, 'iptables-save'), { recursive: true, force: true }));
    const net = routings.get(node)!;
    expect(net.mayBeRewritten('10.101.37.214', 'tcp', 80)).toBe(true);
    expect(net.mayBeRewritten('192.168.10.22', 'tcp', 8081)).toBe(false); // on eth0's own subnet
    const followed = followFlows(db, [node], routings);
    expect(followed.some((d) => d.to.addr === '192.168.10.22')).toBe(true);
    expect(followed.some((d) => d.to.addr === '10.101.37.214')).toBe(false);
  });
});
