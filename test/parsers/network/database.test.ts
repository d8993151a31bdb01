import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeInputs, type AnalyzeResult } from '../../../analyzer/load/analyze-inputs.js';
import { registry } from '../../../analyzer/load/default-registry.js';
import { snapshotEntries, tempDir, writeTarball } from '../../analyzer/support/snapshot-builder.js';
import { fixture } from './helpers.js';

/**
 * The captured lab node loaded through the real loader into SQLite, queried the way the rule
 * catalog's route/, ipvs/, cni/ and kernel/ rules will.
 */
describe('network tables in the database', () => {
  let result: AnalyzeResult;

  beforeAll(async () => {
    const netstat = `${fixture('captured/proc-net-netstat.txt')}TestExt: Huge\nTestExt: 9007199254740993\n`;
    const members = [
      { member: 'ip-link/ip-link.txt', data: fixture('captured/ip-link.json') },
      { member: 'ip-addr/ip-addr.txt', data: fixture('captured/ip-addr.txt') },
      { member: 'ip-route/ipv4.txt', data: fixture('captured/ip-route-ipv4.json') },
      { member: 'ip-route/ipv6.txt', data: fixture('captured/ip-route-ipv6.txt') },
      { member: 'ip-rule/ip-rule.txt', data: fixture('captured/ip-rule.json') },
      { member: 'ip-neigh/ip-neigh.txt', data: fixture('captured/ip-neigh.json') },
      { member: 'bridge-fdb/bridge-fdb.txt', data: fixture('captured/bridge-fdb.txt') },
      { member: 'bridge-link/bridge-link.txt', data: fixture('captured/bridge-link.json') },
      { member: 'ss-summary/ss-summary.txt', data: fixture('captured/ss-summary.txt') },
      { member: 'ss-listen/ss-listen.txt', data: fixture('captured/ss-listen.txt') },
      { member: 'ss-tcp/ss-tcp.txt', data: fixture('captured/ss-tcp.txt') },
      { member: 'proc-net-netstat/proc/net/netstat', data: netstat },
      { member: 'proc-net-snmp/proc/net/snmp', data: fixture('captured/proc-net-snmp.txt') },
      { member: 'resolv-conf/etc/resolv.conf', data: fixture('files/resolv.conf') },
      { member: 'hosts/etc/hosts', data: fixture('files/hosts') },
      { member: 'pod-netns/pod-netns.txt', data: fixture('captured/pod-netns.txt') },
    ];
    const file = await writeTarball(join(tempDir(), 'net.tar.gz'), snapshotEntries({ hostname: 'lab-node', members }));
    result = await analyzeInputs([file], { registry });
  });

  afterAll(() => result?.db.close());

  const all = (sql: string) => result.db.prepare(sql).all() as Record<string, unknown>[];

  it('loads every member without a loader error', () => {
    const loaderErrors = all("SELECT kind, member, message FROM errors WHERE kind <> 'parse'");
    expect(loaderErrors).toEqual([]);
    const parseErrors = all("SELECT member, line FROM errors WHERE kind = 'parse' ORDER BY member, line");
    // the pod namespace whose route table and eth9 did not exist, and the two malformed hosts lines
    expect(parseErrors).toEqual([
      { member: 'hosts/etc/hosts', line: 7 },
      { member: 'hosts/etc/hosts', line: 8 },
      { member: 'pod-netns/pod-netns.txt', line: 18 },
      { member: 'pod-netns/pod-netns.txt', line: 19 },
      { member: 'pod-netns/pod-netns.txt', line: 21 },
    ]);
  });

  it('answers route/default-route-missing and route/vxlan-mtu-mismatch', () => {
    expect(all("SELECT gateway FROM routes WHERE rt_table = 'main' AND family = 'inet' AND dst = 'default'")).toEqual([{ gateway: '192.168.80.2' }]);
    expect(all("SELECT v.name, v.mtu AS mtu, u.mtu AS underlay_mtu FROM links v JOIN links u ON u.name = v.vxlan_dev WHERE v.kind = 'vxlan' AND v.name = 'flannel.1'")).toEqual([
      { name: 'flannel.1', mtu: 1450, underlay_mtu: 1500 },
    ]);
  });

  it('answers ipvs/kube-ipvs0-stale-address and cni/cni0-subnet-mismatch', () => {
    expect(all("SELECT dst FROM routes WHERE rt_table = 'local' AND type = 'local' AND dev = 'kube-ipvs0' ORDER BY dst")).toEqual([{ dst: '10.96.0.1' }, { dst: '10.96.0.10' }, { dst: '10.96.122.33' }]);
    expect(all("SELECT up FROM links WHERE name = 'kube-ipvs0'")).toEqual([{ up: 0 }]);
    expect(all("SELECT cidr FROM addrs WHERE ifname = 'cni0' AND family = 'inet'")).toEqual([{ cidr: '10.244.1.0/24' }]);
  });

  it('answers kernel/listen-queue-overflow and kernel/local-port-range-narrow', () => {
    expect(all("SELECT value FROM netstat_counters WHERE mib = 'TcpExt' AND name = 'ListenOverflows'")).toEqual([{ value: 6 }]);
    expect(all('SELECT port, recv_q, send_q FROM listeners WHERE recv_q > send_q')).toEqual([{ port: 9999, recv_q: 2, send_q: 1 }]);
    expect(all("SELECT value FROM socket_summary WHERE key = 'tcp_timewait'")).toEqual([{ value: 3 }]);
    expect(all("SELECT COUNT(*) AS n FROM tcp_sockets WHERE state = 'TIME-WAIT'")).toEqual([{ n: 2 }]);
  });

  it('keeps 64-bit counters exact in SQLite', () => {
    expect(all("SELECT CAST(value AS TEXT) AS v, typeof(value) AS t FROM netstat_counters WHERE mib = 'TestExt'")).toEqual([{ v: '9007199254740993', t: 'integer' }]);
  });

  it('joins a pod to its routes and its flannel peers to their VTEPs', () => {
    expect(all("SELECT p.address, r.gateway FROM pod_netns p JOIN pod_routes r ON r.sandbox_id = p.sandbox_id WHERE p.ifname = 'eth0' AND p.family = 'inet' AND r.dst = 'default'")).toEqual([
      { address: '10.244.1.5', gateway: '10.244.1.1' },
    ]);
    expect(all("SELECT n.dst, f.dst AS vtep FROM neighbours n JOIN bridge_fdb f ON f.mac = n.lladdr AND f.dev = n.dev WHERE n.dev = 'flannel.1' ORDER BY n.dst")).toEqual([
      { dst: '10.244.0.0', vtep: '192.168.80.241' },
      { dst: '10.244.2.0', vtep: '192.168.80.242' },
    ]);
  });
});
