import { describe, expect, it } from 'vitest';
import { PARSERS } from '../../../analyzer/parsers/netfilter/index.js';
import { fixture, parseText, rowsOf } from './helpers.js';

describe('ipset save (ipset v7.17, real output)', () => {
  const rows = parseText(PARSERS.ipset!, fixture('ipset-save-v7.17.txt'), 'ipset');

  it('reads sets with their options and member counts', () => {
    expect(rows.parse_errors).toBeUndefined();
    const sets = Object.fromEntries(rowsOf(rows, 'ipsets').map((s) => [s.name, s]));
    expect(sets['KUBE-CLUSTER-IP']).toMatchObject({ type: 'hash:ip,port', family: 'inet', hashsize: 1024, maxelem: 65536, with_comment: 1, with_counters: 0, timeout: null, member_count: 3 });
    expect(sets.BLOCKED).toMatchObject({ type: 'hash:net', timeout: 600, with_counters: 1, member_count: 2 });
    expect(sets['KUBE-NODE-PORT-TCP']).toMatchObject({ type: 'bitmap:port', family: null, options: 'range 0-65535 comment' });
    expect(sets.ALLOW6).toMatchObject({ family: 'inet6', member_count: 1 });
    expect(sets.ALL).toMatchObject({ type: 'list:set', member_count: 1 });
  });

  it('reads members with comments, timeouts, counters and nomatch', () => {
    const members = rowsOf(rows, 'ipset_members');
    expect(members.find((m) => m.member === '10.96.0.1,tcp:443')).toMatchObject({ name: 'KUBE-CLUSTER-IP', comment: 'default/kubernetes:https', timeout: null });
    expect(members.find((m) => m.member === '10.244.1.7,tcp:80,10.244.1.7')).toMatchObject({ name: 'KUBE-LOOP-BACK', comment: 'default/nginx:http' });
    expect(members.find((m) => m.member === '203.0.113.0/24')).toMatchObject({ timeout: 499, packets: 12, bytes: 720, nomatch: 0 });
    expect(members.find((m) => m.member === '203.0.113.128/25')).toMatchObject({ nomatch: 1, packets: 0 });
    expect(members.find((m) => m.name === 'ALL')).toMatchObject({ member: 'KUBE-CLUSTER-IP', options: null });
  });

  it('reads the ipset 4 restore syntax, CRLF, and reports orphans and truncation', () => {
    const old = parseText(PARSERS.ipset!, '-N SVC iphash --hashsize 1024\r\n-A SVC 10.0.0.1\r\n-A NOPE 10.0.0.2\r\nadd SVC 10.0.0.3 comment "cut\r\nCOMMIT\r\n', 'ipset');
    expect(rowsOf(old, 'ipsets')[0]).toMatchObject({ name: 'SVC', type: 'iphash', hashsize: 1024, member_count: 2 });
    expect(rowsOf(old, 'parse_errors').map((e) => e.line)).toEqual([3, 4]);
    expect(rowsOf(old, 'ipset_members').find((m) => m.member === '10.0.0.3')?.comment).toBe('cut');
  });

  it('returns nothing for no sets and throws on foreign text', () => {
    expect(parseText(PARSERS.ipset!, '', 'ipset')).toEqual({});
    expect(() => parseText(PARSERS.ipset!, 'ipset v7.17: Kernel error received: Operation not permitted\n', 'ipset')).toThrow();
  });
});

describe('iptables -V', () => {
  const facts = (file: string) => Object.fromEntries(rowsOf(parseText(PARSERS['iptables-version']!, fixture(file), 'iptables-version'), 'node_facts').map((f) => [f.key, f.value]));

  it('reads version and backend', () => {
    expect(facts('iptables-version-v1.8.9-nft.txt')).toEqual({ 'iptables.version': '1.8.9', 'iptables.backend': 'nft' });
    expect(facts('iptables-version-v1.8.9-legacy.txt')).toEqual({ 'iptables.version': '1.8.9', 'iptables.backend': 'legacy' });
    expect(facts('iptables-version-v1.4.21-centos7.txt')).toEqual({ 'iptables.version': '1.4.21', 'iptables.backend': 'legacy' });
  });

  it('does not guess the backend of a 1.8 without marker, and rejects other text', () => {
    const rows = parseText(PARSERS['iptables-version']!, 'iptables v1.8.4\r\n', 'iptables-version');
    expect(rowsOf(rows, 'node_facts')).toEqual([{ source: 'iptables-version', key: 'iptables.version', value: '1.8.4' }]);
    expect(rowsOf(rows, 'parse_errors')).toHaveLength(1);
    expect(() => parseText(PARSERS['iptables-version']!, 'sh: iptables: not found\n', 'iptables-version')).toThrow();
    expect(parseText(PARSERS['iptables-version']!, '', 'iptables-version')).toEqual({});
  });
});
