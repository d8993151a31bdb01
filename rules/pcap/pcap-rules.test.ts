/**
 * What the pcap/ rules say about their fixtures, beyond fires/quiet: the flow each finding
 * names, who sent a RST and after what, which interface lost a flow, and the counters quoted.
 * (The RuleTester in test/rules/rules.test.ts checks fires/quiet/skipped for every case.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeInputs } from '../../analyzer/load/analyze-inputs.js';
import { runRules, type Finding } from '../../analyzer/rules/engine.js';
import { fixtureCases, materialiseCase } from '../../analyzer/rules/fixtures.js';
import { loadAllRules } from '../../analyzer/rules/load-rules.js';
import { BUILTIN_RULES_DIR } from '../../analyzer/rules/rule-files.js';
import { endpointsIn } from '../../analyzer/report/pictures/packet-path.js';

const rules = (await loadAllRules()).filter((r) => r.meta.category === 'pcap');
const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

/** Findings of `rule` on one of its fixture cases (or another rule's case: `case` as `slug/case`). */
async function findings(rule: string, caseName: string): Promise<Finding[]> {
  const [owner, name] = caseName.includes('/') ? (caseName.split('/') as [string, string]) : [rule, caseName];
  const c = fixtureCases(BUILTIN_RULES_DIR(), `pcap/${owner}`).find((x) => x.name === name);
  if (!c) throw new Error(`no fixture case pcap/${owner} ${name}`);
  const { folders, cleanup } = materialiseCase(c, BUILTIN_RULES_DIR());
  cleanups.push(cleanup);
  const loaded = await analyzeInputs(folders);
  try {
    const out = runRules(loaded.db, rules.filter((r) => r.meta.id === `pcap/${rule}`));
    const errors = out.results.filter((r) => r.status === 'error');
    if (errors.length) throw new Error(`${rule}: ${errors[0]!.reason}`);
    if (process.env.PCAP_RULES_DEBUG) for (const f of out.findings) console.log(`${f.rule} [${f.severity}] ${f.resource}\n  ${f.message}\n  ${f.evidence.replace(/\n/g, '\n  ')}`);
    return out.findings;
  } finally {
    loaded.db.close();
  }
}

/** The two endpoints the HTML report's packet-path picture would read from a finding. */
const pictured = (f: Finding) => endpointsIn(`${f.resource}\n${f.evidence}`).slice(0, 2).map((e) => `${e.address}:${e.port}`);

describe('pcap/zero-window', () => {
  it('names the side that stopped reading and quotes the zero-window count', async () => {
    const [f, ...rest] = await findings('zero-window', 'fires-receiver-stops-reading');
    expect(rest).toEqual([]);
    expect(f!.message).toMatch(/zero window 4 times/);
    expect(f!.message).toMatch(/the server 10\.99\.0\.2:8082 .* stopped reading/);
    expect(f!.evidence).toMatch(/pcap\/eth0\.pcap: 10\.99\.0\.1:53860 -> 10\.99\.0\.2:8082 \(tcp\) packets=15 .*zero_window=4/);
    expect(pictured(f!)).toEqual(['10.99.0.1:53860', '10.99.0.2:8082']);
  });
});

describe('pcap/tcp-retransmissions', () => {
  it('quotes the rate of a lossy bulk transfer', async () => {
    const [f, ...rest] = await findings('tcp-retransmissions', 'fires-random-loss');
    expect(rest).toEqual([]);
    expect(f!.resource).toMatch(/^192\.168\.10\.31:\d+ -> 192\.168\.10\.50:9000 \(tcp\)$/);
    expect(f!.message).toMatch(/retransmitted 10 of 181 segments \(5\.5%\) on pcap\/eth0\.pcap/);
    expect(f!.evidence).toMatch(/retransmissions=10 dup_acks=10/);
  });

  it('leaves a flow of fewer than 10 segments alone, whatever its rate', async () => {
    expect(await findings('tcp-retransmissions', 'quiet-short-flow')).toEqual([]);
  });
});

describe('pcap/syn-unanswered', () => {
  it('names the connection attempt and how often the SYN was sent', async () => {
    const [f, ...rest] = await findings('syn-unanswered', 'fires-syn-dropped');
    expect(rest).toEqual([]);
    expect(f!.message).toBe('10.99.0.1:55968 -> 10.99.0.2:8081 (tcp): the SYN was sent 4 times by 10.99.0.1:55968 and no SYN-ACK and no RST came back');
    expect(f!.evidence).toMatch(/syn=4 syn_ack=0 rst=0/);
  });

  it('reads an attached pcapng the same way', async () => {
    const [f] = await findings('syn-unanswered', 'fires-attached-pcapng');
    expect(f!.evidence).toMatch(/^attachments\/01-client-side\.pcapng/);
  });

  it('fires on the SYN that reached flannel.1 but not the pod (seed 000 scenario 2)', async () => {
    const [f, ...rest] = await findings('syn-unanswered', 'path-loss-between-interfaces/fires-lost-between-flannel-and-cni0');
    expect(rest).toEqual([]);
    expect(f!.resource).toMatch(/^10\.244\.2\.5:\d+ -> 10\.244\.1\.7:8080 \(tcp\)$/);
    expect(f!.evidence).toMatch(/pcap\/eth0\.pcap inside VXLAN 1: .* syn=4/);
    expect(f!.evidence).toMatch(/pcap\/flannel\.1\.pcap: .* syn=4/);
  });
});

describe('pcap/tcp-resets', () => {
  it('names the RST sender and the out-of-window segment before it (seed 001), with the conntrack settings', async () => {
    const [f, ...rest] = await findings('tcp-resets', 'fires-rst-after-out-of-window');
    expect(rest).toEqual([]);
    expect(f!.message).toMatch(
      /^192\.168\.10\.31:54432 -> 192\.168\.10\.50:8000 \(tcp\) was reset by the client side \(192\.168\.10\.31:54432\) right after the server \(192\.168\.10\.50:8000\) sent data beyond the window the client had advertised: the conntrack INVALID pattern/,
    );
    expect(f!.evidence).toMatch(/rst_from=client rst_after_out_of_window=1 out_of_window=1/);
    expect(f!.evidence).toMatch(/^net\.netfilter\.nf_conntrack_tcp_be_liberal = 0$/m);
    expect(f!.evidence).toMatch(/^no iptables rule drops --ctstate INVALID packets$/m);
  });

  it('still points at out-of-window data when the RST came a few packets later', async () => {
    const [f] = await findings('tcp-resets', 'fires-rst-later-in-flow-with-out-of-window-data');
    expect(f!.message).toMatch(/reset by the client side \(192\.168\.10\.31:52128\) after the connection had carried 1 segment beyond the receiver's window/);
  });

  it('tells a refused connection from an aborted one, and skips connections closed with FINs', async () => {
    const [refused, ...rest] = await findings('tcp-resets', 'fires-connection-refused');
    expect(rest).toEqual([]);
    expect(refused!.message).toMatch(/was refused: the server side \(10\.99\.0\.2:9\) answered the SYN with a RST/);
    const [aborted] = await findings('tcp-resets', 'fires-reset-by-application');
    expect(aborted!.message).toBe('10.99.0.1:53860 -> 10.99.0.2:8082 (tcp) ended in a RST from the server side (10.99.0.2:8082) after 15 packets');
  });
});

describe('pcap/path-loss-between-interfaces', () => {
  it('finds the request seen on eth0 (VXLAN) and flannel.1 but never on cni0 (seed 000 scenario 2)', async () => {
    const [f, ...rest] = await findings('path-loss-between-interfaces', 'fires-lost-between-flannel-and-cni0');
    expect(rest).toEqual([]);
    expect(f!.resource).toMatch(/^10\.244\.2\.5:\d+ -> 10\.244\.1\.7:8080 \(tcp\)$/);
    expect(f!.message).toMatch(/4 packets from 10\.244\.2\.5:\d+ to 10\.244\.1\.7:8080 were seen on flannel\.1 but never on cni0, the next interface on their way \(route 10\.244\.1\.0\/24 dev cni0/);
    expect(f!.evidence).toMatch(/^path of .*: eth0 \(inside VXLAN 1\) -> flannel\.1 -> cni0 -> vethaff63609$/m);
    expect(f!.evidence).toMatch(/^cni0: not seen <- lost here \(captured by pcap\/cni0\.pcap/m);
    expect(pictured(f!)[1]).toBe('10.244.1.7:8080');
  });

  it('follows an -i any capture by the interface index of each packet', async () => {
    const [f, ...rest] = await findings('path-loss-between-interfaces', 'fires-any-interface-capture');
    expect(rest).toEqual([]);
    expect(f!.message).toMatch(/seen on flannel\.1 but never on cni0/);
    expect(f!.evidence).toMatch(/pcap\/any\.pcap ifindex 4/);
  });
});

describe('pcap/mtu-blackhole', () => {
  it('recognises the black hole: large DF segments retransmitted, handshake through, no ICMP', async () => {
    const [f, ...rest] = await findings('mtu-blackhole', 'fires-icmp-filtered-black-hole');
    expect(rest).toEqual([]);
    expect(f!.message).toBe(
      '10.99.0.1:51124 -> 10.98.0.2:9000 (tcp): 4 large segments (IP packets up to 1500 bytes, Don\'t Fragment) were retransmitted on pcap/eth0.pcap ' +
        'while the handshake got through and no ICMP "fragmentation needed" came back: a path MTU black hole',
    );
    expect(f!.evidence).toMatch(/df_large_retrans=4 dup_acks=0 icmp_frag_needed=0/);
  });

  it('reports the ICMP on the flow it quotes, not on the ICMP flow', async () => {
    const [f, ...rest] = await findings('mtu-blackhole', 'fires-frag-needed');
    expect(rest).toEqual([]);
    expect(f!.message).toMatch(/^1 ICMP "fragmentation needed" message for 10\.99\.0\.1:40877 -> 10\.98\.0\.2:9999 \(udp\): only 1200 bytes fit the path \(packets of up to 1328 bytes were sent\)/);
  });

  it('quotes the MTUs of the node when cni0 (1500) feeds a smaller overlay (seed 003)', async () => {
    const [f, ...rest] = await findings('mtu-blackhole', 'fires-cni0-larger-than-overlay');
    expect(rest).toEqual([]);
    expect(f!.message).toMatch(/^3 ICMP "fragmentation needed" messages for 10\.244\.1\.7:\d+ -> 10\.244\.2\.9:9000 \(tcp\): only 1450 bytes fit the path \(packets of up to 1500 bytes were sent, and the route to 10\.244\.2\.9 leaves through flannel\.1 with MTU 1450\)/);
    expect(f!.evidence).toMatch(/^route to 10\.244\.2\.9: 10\.244\.2\.0\/24 via 10\.244\.2\.0 dev flannel\.1$/m);
    expect(f!.evidence).toMatch(/^4: flannel\.1: <[A-Z_,]+> mtu 1450 /m);
    expect(f!.evidence).toMatch(/^5: cni0: <[A-Z_,]+> mtu 1500 /m);
  });

  it('does not take random loss for a black hole (the receiver keeps acknowledging)', async () => {
    expect(await findings('mtu-blackhole', 'quiet-random-loss')).toEqual([]);
  });
});
