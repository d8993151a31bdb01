import { describe, expect, it } from 'vitest';
import { PARSERS } from '../../../analyzer/parsers/netfilter/index.js';
import type { Row, Rows } from '../../../analyzer/parsers/types.js';
import { fixture, parseText, rowsOf } from './helpers.js';

const parse = (text: string, source = 'iptables-save'): Rows => parseText(PARSERS[source]!, text, source);

function rule(rows: Rows, chain: string, position: number, table = 'nat'): Row {
  const found = rowsOf(rows, 'iptables_rules').find((r) => r.table_name === table && r.chain === chain && r.position === position);
  if (!found) throw new Error(`no rule ${table}/${chain}#${position}`);
  return found;
}

function chainRow(rows: Rows, chain: string, table = 'nat'): Row {
  const found = rowsOf(rows, 'iptables_chains').find((r) => r.table_name === table && r.chain === chain);
  if (!found) throw new Error(`no chain ${table}/${chain}`);
  return found;
}

describe('iptables-save -c, iptables 1.8.9 nf_tables, kube-proxy iptables mode (real output)', () => {
  const text = fixture('iptables-save-v1.8.9-nft-kube-proxy.txt');
  const rows = parse(text);

  it('reads every chain and rule without errors', () => {
    expect(rows.parse_errors).toBeUndefined();
    const ruleLines = text.split('\n').filter((l) => l.startsWith('['));
    const chainLines = text.split('\n').filter((l) => l.startsWith(':'));
    expect(rowsOf(rows, 'iptables_rules')).toHaveLength(ruleLines.length);
    expect(rowsOf(rows, 'iptables_chains')).toHaveLength(chainLines.length);
    for (const r of rowsOf(rows, 'iptables_rules')) {
      expect(r.backend).toBe('nft');
      expect(r.family).toBe('ipv4');
      expect(r.source).toBe('iptables-save');
    }
  });

  it('keeps the saved rule text, minus the counters, as spec', () => {
    const lines = text.split('\n');
    for (const r of rowsOf(rows, 'iptables_rules')) {
      const saved = lines[(r.line as number) - 1] as string;
      expect(saved.endsWith(` ${r.spec as string}`)).toBe(true);
      expect(saved.startsWith(`[${r.packets}:${r.bytes}] `)).toBe(true);
    }
  });

  it('numbers rules within their chain and counts them on the chain', () => {
    expect(rule(rows, 'KUBE-SVC-TCOU7JCQXEZGVUNU', 1)).toMatchObject({ target: 'KUBE-MARK-MASQ', src: '10.244.0.0/16', src_negated: 1, dst: '10.96.0.10/32', dst_negated: 0, protocol: 'udp', dport: '53' });
    expect(rule(rows, 'KUBE-SVC-TCOU7JCQXEZGVUNU', 2)).toMatchObject({
      target: 'KUBE-SEP-VPILYQBSPPXYB66K',
      probability: 0.5,
      comment: 'kube-system/kube-dns:dns -> 10.244.0.2:53',
      matches: 'comment statistic',
      jump_kind: 'jump',
      target_args: '',
    });
    expect(rule(rows, 'KUBE-SVC-TCOU7JCQXEZGVUNU', 3)).toMatchObject({ target: 'KUBE-SEP-XKVNCN5JLKGG6ICS', probability: null });
    expect(chainRow(rows, 'KUBE-SVC-TCOU7JCQXEZGVUNU')).toMatchObject({ builtin: 0, policy: null, rule_count: 3 });
    expect(chainRow(rows, 'KUBE-SVC-EMPTYNOENDPOINTS')).toMatchObject({ rule_count: 1 });
  });

  it('reads built-in chain policies and counters', () => {
    expect(chainRow(rows, 'FORWARD', 'filter')).toMatchObject({ builtin: 1, policy: 'DROP' });
    const output = chainRow(rows, 'OUTPUT', 'nat');
    expect(output.policy).toBe('ACCEPT');
    expect(typeof output.packets).toBe('number');
    const dnsSvc = rule(rows, 'KUBE-SVC-TCOU7JCQXEZGVUNU', 3);
    expect(dnsSvc.packets).toBeGreaterThan(0);
  });

  it('unquotes comments with escaped quotes and markup', () => {
    const hostport = rule(rows, 'CNI-HOSTPORT-DNAT', 1);
    expect(hostport.comment).toBe('dnat name: "cbr0" id: "5d0f1c2b8a"');
    expect(hostport).toMatchObject({ matches: 'comment multiport', dport: '30080', protocol: 'tcp' });
    const probe = rowsOf(rows, 'iptables_rules').find((r) => (r.comment as string | null)?.includes('monitoring'));
    expect(probe).toMatchObject({ comment: 'ops: allow "monitoring" </script> probe', src: '192.168.3.0/24', dport: '9100', target: 'ACCEPT' });
  });

  it('keeps negation on match values', () => {
    expect(rule(rows, 'KUBE-FIREWALL', 1, 'filter')).toMatchObject({ src: '127.0.0.0/8', src_negated: 1, dst: '127.0.0.0/8', ctstate: '!RELATED,ESTABLISHED,DNAT', target: 'DROP' });
    expect(rule(rows, 'KUBE-POSTROUTING', 1)).toMatchObject({ mark: '!0x4000/0x4000', target: 'RETURN' });
    expect(rule(rows, 'KUBE-POSTROUTING', 2)).toMatchObject({ set_mark: '0x4000/0x0', target: 'MARK', mark: null });
    expect(rule(rows, 'KUBE-POSTROUTING', 3)).toMatchObject({ target: 'MASQUERADE', target_args: '--random-fully' });
    const dockerMasq = rowsOf(rows, 'iptables_rules').find((r) => r.chain === 'POSTROUTING' && r.src === '172.17.0.0/16');
    expect(dockerMasq).toMatchObject({ out_iface: '!docker0', target: 'MASQUERADE' });
  });

  it('splits NAT targets and marks', () => {
    expect(rule(rows, 'KUBE-SEP-2ZXJ6M7YAXSI4KXB', 2)).toMatchObject({ target: 'DNAT', to_destination: '10.244.1.7:80', target_args: '--to-destination 10.244.1.7:80' });
    expect(rule(rows, 'KUBE-MARK-MASQ', 1)).toMatchObject({ target: 'MARK', set_mark: '0x4000/0x4000' });
    const manualDnat = rowsOf(rows, 'iptables_rules').find((r) => r.chain === 'PREROUTING' && r.target === 'DNAT');
    expect(manualDnat).toMatchObject({ dst: '10.200.36.6/32', dport: '3308', to_destination: '10.200.36.9:3309' });
    const snat = rowsOf(rows, 'iptables_rules').find((r) => r.target === 'SNAT');
    expect(snat).toMatchObject({ to_source: '10.200.36.6:3308', dport: '3309' });
  });

  it('reads ports, states, sets, goto, LOG options and target-less rules', () => {
    const filter = rowsOf(rows, 'iptables_rules').filter((r) => r.table_name === 'filter' && r.chain === 'INPUT');
    expect(filter.find((r) => r.matches === 'multiport')).toMatchObject({ protocol: 'tcp', dport: '22,80,443,6443' });
    expect(filter.find((r) => r.sport === '53')).toMatchObject({ in_iface: 'eth0', protocol: 'udp', matches: 'udp' });
    expect(filter.find((r) => r.target === 'LOG')).toMatchObject({ ctstate: 'INVALID', target_args: '--log-prefix "invalid: " --log-level 7', matches: 'conntrack limit' });
    expect(filter.find((r) => r.match_set !== null)).toMatchObject({ match_set: 'KUBE-CLUSTER-IP', matches: 'set' });
    expect(filter.find((r) => r.matches === 'state')).toMatchObject({ ctstate: 'ESTABLISHED' });
    expect(filter.find((r) => r.jump_kind === 'goto')).toMatchObject({ target: 'GOTO-TARGET', dport: '8443' });
    expect(filter.find((r) => r.src === '10.1.0.0/16')).toMatchObject({ target: null, jump_kind: null, target_args: null });
    const reject = rowsOf(rows, 'iptables_rules').find((r) => (r.comment as string | null)?.endsWith('has no endpoints') && r.chain === 'KUBE-SERVICES');
    expect(reject).toMatchObject({ target: 'REJECT', target_args: '--reject-with icmp-port-unreachable', dst: '10.96.200.17/32' });
  });
});

describe('iptables backends and families', () => {
  it('gives iptables-nft-save the same rows as iptables-save on an nft node', () => {
    const viaDefault = parse(fixture('iptables-save-v1.8.9-nft-kube-proxy.txt'));
    const viaNft = parse(fixture('iptables-nft-save-v1.8.9-kube-proxy.txt'), 'iptables-nft-save');
    const strip = (r: Row): Row => ({ ...r, source: null, packets: null, bytes: null });
    expect(rowsOf(viaNft, 'iptables_rules').map(strip)).toEqual(rowsOf(viaDefault, 'iptables_rules').map(strip));
    expect(rowsOf(viaNft, 'iptables_rules')[0]?.backend).toBe('nft');
  });

  it('reads the legacy backend from the source and from a marker-less 1.8 header', () => {
    const text = fixture('iptables-legacy-save-v1.8.9-docker.txt');
    for (const source of ['iptables-legacy-save', 'iptables-save']) {
      const rows = parse(text, source);
      expect(rows.parse_errors).toBeUndefined();
      expect(new Set(rowsOf(rows, 'iptables_rules').map((r) => r.backend))).toEqual(new Set(['legacy']));
    }
    const rows = parse(text, 'iptables-legacy-save');
    expect(rowsOf(rows, 'iptables_rules').find((r) => r.chain === 'DOCKER' && r.target === 'DNAT')).toMatchObject({ in_iface: '!docker0', to_destination: '172.17.0.2:80', dport: '8080' });
  });

  it('lets the source fix the backend over the header', () => {
    const rows = parse(fixture('iptables-save-v1.8.9-nft-kube-proxy.txt'), 'iptables-legacy-save');
    expect(rowsOf(rows, 'iptables_chains')[0]?.backend).toBe('legacy');
  });

  it('reads ip6tables-save as ipv6 with bracketed DNAT destinations', () => {
    const rows = parse(fixture('ip6tables-save-v1.8.9-nft-kube-proxy.txt'), 'ip6tables-save');
    expect(rows.parse_errors).toBeUndefined();
    expect(rowsOf(rows, 'iptables_rules').every((r) => r.family === 'ipv6' && r.backend === 'nft')).toBe(true);
    expect(rule(rows, 'KUBE-SEP-OV3LM3QW4MX5G2CF', 2)).toMatchObject({ to_destination: '[fd00:10:244:1::7]:80' });
    expect(rule(rows, 'KUBE-SVC-HFV7WUQ7QRPCQXUL', 1)).toMatchObject({ src: 'fd00:10:244::/56', src_negated: 1, dst: 'fd00:10:96::4a2f/128' });
    expect(rowsOf(rows, 'iptables_rules').find((r) => r.protocol === 'ipv6-icmp')).toBeDefined();
  });

  it('reads iptables 1.4.21 (CentOS 7) as legacy, with session affinity and three-way probabilities', () => {
    const rows = parse(fixture('iptables-save-v1.4.21-centos7-kube-proxy.txt'));
    expect(rows.parse_errors).toBeUndefined();
    expect(rowsOf(rows, 'iptables_rules').every((r) => r.backend === 'legacy')).toBe(true);
    expect(rule(rows, 'KUBE-SVC-XGLOHA7QRQ3V22RZ', 1)).toMatchObject({ probability: 0.33332999982, target: 'KUBE-SEP-GM2VAZNEMK3HP7G5' });
    expect(rule(rows, 'KUBE-SVC-XGLOHA7QRQ3V22RZ', 2)).toMatchObject({ probability: 0.5 });
    expect(rule(rows, 'KUBE-SEP-6WAUMBCB6NXMRFKS', 2)).toMatchObject({ matches: 'comment recent tcp', to_destination: '10.244.2.4:8080' });
    expect(rule(rows, 'KUBE-POSTROUTING', 1)).toMatchObject({ mark: '0x4000/0x4000', target: 'MASQUERADE', packets: 12, bytes: 720 });
    expect(chainRow(rows, 'INPUT', 'filter')).toMatchObject({ packets: 99815, bytes: 31286522 });
  });

  it('reads the seed shapes: a two-endpoint service, a hand-made DNAT and an ipset mark chain', () => {
    const rows = parse(fixture('iptables-save-v1.8.9-seed000-seed001.txt'));
    expect(rows.parse_errors).toBeUndefined();
    expect(chainRow(rows, 'KUBE-SVC-3FNBBYIZCXANEL3B').rule_count).toBe(2);
    expect(rule(rows, 'KUBE-SVC-3FNBBYIZCXANEL3B', 1)).toMatchObject({ probability: 0.5, comment: null });
    expect(rowsOf(rows, 'iptables_rules').find((r) => r.chain === 'PREROUTING' && r.target === 'DNAT')).toMatchObject({ to_destination: '10.233.65.20:3309' });
    expect(rule(rows, 'SVC-SERVICES', 1)).toMatchObject({ match_set: 'SVC-CLUSTER-IP', target: 'SVC-MARK-MASQ', comment: 'SVC service cluster ip + port for masquerade purpose' });
    expect(rule(rows, 'SVC-POSTROUTING', 1)).toMatchObject({ mark: '0x2000/0x2000', target: 'MASQUERADE' });
  });
});

describe('iptables-save ugly input', () => {
  const text = fixture('iptables-save-v1.8.9-nft-kube-proxy.txt');
  const clean = parse(text);

  it('reads CRLF line endings the same', () => {
    expect(parse(text.replace(/\n/g, '\r\n'))).toEqual(clean);
  });

  it('keeps what precedes a truncation and says the table was not committed', () => {
    const cut = text.indexOf('-m comment --comment "kube-system/kube-dns:dns -> 10.244.0.3:53"');
    const rows = parse(text.slice(0, cut + 30));
    const errors = rowsOf(rows, 'parse_errors').map((e) => e.message as string);
    expect(errors.some((m) => m.includes('unterminated quote'))).toBe(true);
    expect(errors.some((m) => m.includes('has no COMMIT'))).toBe(true);
    expect(rowsOf(rows, 'iptables_rules').length).toBe(rowsOf(clean, 'iptables_rules').length);
    const last = rowsOf(rows, 'iptables_rules').at(-1) as Row;
    expect(last).toMatchObject({ chain: 'KUBE-SVC-TCOU7JCQXEZGVUNU', position: 3, target: null });
  });

  it('reports a missing COMMIT between tables', () => {
    const rows = parse(text.replace('COMMIT\n# Completed', '# Completed'));
    expect(rowsOf(rows, 'parse_errors')).toHaveLength(1);
    expect(rowsOf(rows, 'iptables_rules').length).toBe(rowsOf(clean, 'iptables_rules').length);
  });

  it('returns nothing for empty output (no ip6tables rules at all)', () => {
    expect(parse('', 'ip6tables-save')).toEqual({});
    expect(parse('\n', 'ip6tables-save')).toEqual({});
  });

  it('reads a header-less, hand-edited dump and reports each bad line', () => {
    const rows = parse(fixture('iptables-save-headerless-hand-edited.txt'));
    expect(rowsOf(rows, 'iptables_rules').every((r) => r.backend === null)).toBe(true);
    expect(rule(rows, 'PREROUTING', 1)).toMatchObject({ target: 'DNAT', to_destination: '10.233.65.20:3309' });
    // the unterminated quote swallows the rest of its line, but the next rule keeps its place
    expect(rule(rows, 'KUBE-SVC-BROKEN', 1)).toMatchObject({ target: null, comment: 'default/broken:http -> 10.244.9.9:80 -j KUBE-SEP-NEVER' });
    expect(rule(rows, 'KUBE-SVC-BROKEN', 2)).toMatchObject({ target: 'KUBE-SEP-AFTER' });
    const errors = rowsOf(rows, 'parse_errors');
    expect(errors.map((e) => e.line)).toEqual([6, 8, 9]);
    expect(rowsOf(rows, 'iptables_rules').some((r) => r.chain === 'KUBE-UNDECLARED')).toBe(false);
  });

  it('throws on output that is not iptables-save at all', () => {
    expect(() => parse('iptables-save: command not found\n')).toThrow(/not iptables-save output/);
  });

  it('keeps big counters exact', () => {
    const rows = parse('*filter\n:INPUT ACCEPT [18446744073709551615:9007199254740993]\nCOMMIT\n');
    expect(rowsOf(rows, 'iptables_chains')[0]).toMatchObject({ packets: 18446744073709551615n, bytes: 9007199254740993n });
  });
});
