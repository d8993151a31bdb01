import { describe, expect, it } from 'vitest';
import { matchCovers, parseRuleMatch, portRanges } from './iptables-match.js';

const covers = (outer: string, inner: string) => matchCovers(parseRuleMatch(outer), parseRuleMatch(inner));

describe('parseRuleMatch', () => {
  it('takes a kube-proxy rule apart, comment left out, target ignored', () => {
    const m = parseRuleMatch(
      '-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    );
    expect(m.understood).toBe(true);
    expect(m.src).toEqual({ value: '127.0.0.0/8', negated: true });
    expect(m.dst).toEqual({ value: '127.0.0.0/8', negated: false });
    expect(m.modules.map((x) => x.text)).toEqual(['conntrack ! --ctstate RELATED,ESTABLISHED,DNAT']);
  });

  it('normalises protocol numbers and keeps interface wildcards', () => {
    const m = parseRuleMatch('-A INPUT -i eth+ -p 6 -m tcp --dport 80 -j ACCEPT');
    expect(m.protocol).toEqual({ value: 'tcp', negated: false });
    expect(m.inIface).toEqual({ value: 'eth+', negated: false });
  });

  it('does not understand a stray value or a truncated quote', () => {
    expect(parseRuleMatch('-A INPUT stray -j ACCEPT').understood).toBe(false);
    expect(parseRuleMatch('-A INPUT -m comment --comment "unterminated -j ACCEPT').understood).toBe(false);
  });
});

describe('portRanges', () => {
  it('reads single ports, ranges and lists', () => {
    expect(portRanges('80')).toEqual([[80, 80]]);
    expect(portRanges('30000:32767')).toEqual([[30000, 32767]]);
    expect(portRanges('22,80,443')).toEqual([
      [22, 22],
      [80, 80],
      [443, 443],
    ]);
    expect(portRanges(':1024')).toEqual([[0, 1024]]);
    expect(portRanges('http')).toBeNull();
  });
});

describe('matchCovers', () => {
  it('an exact duplicate covers its twin', () => {
    expect(covers('-A INPUT -p tcp -m tcp --dport 9100 -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 9100 -j ACCEPT')).toBe(true);
  });

  it('a rule without conditions covers everything; a comment is no condition', () => {
    expect(covers('-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD', '-A FORWARD -s 10.244.0.0/16 -p udp -j DROP')).toBe(true);
  });

  it('compares prefixes, with and without negation', () => {
    expect(covers('-A X -s 10.244.0.0/16 -j ACCEPT', '-A X -s 10.244.1.0/24 -j DROP')).toBe(true);
    expect(covers('-A X -s 10.244.1.0/24 -j ACCEPT', '-A X -s 10.244.0.0/16 -j DROP')).toBe(false);
    expect(covers('-A X -s 10.244.0.0/16 -j ACCEPT', '-A X -j DROP')).toBe(false);
    // not-X covers anything wholly outside X, and a narrower exclusion of a wider one
    expect(covers('-A X ! -s 10.244.0.0/16 -j ACCEPT', '-A X -s 192.168.0.0/16 -j DROP')).toBe(true);
    expect(covers('-A X ! -s 10.244.0.0/16 -j ACCEPT', '-A X -s 10.244.3.0/24 -j DROP')).toBe(false);
    expect(covers('-A X ! -s 10.244.1.0/24 -j ACCEPT', '-A X ! -s 10.244.0.0/16 -j DROP')).toBe(true);
    expect(covers('-A X ! -s 10.244.0.0/16 -j ACCEPT', '-A X ! -s 10.244.1.0/24 -j DROP')).toBe(false);
  });

  it('works for IPv6 prefixes', () => {
    expect(covers('-A X -d fd00:10:96::/108 -j ACCEPT', '-A X -d fd00:10:96::4a2f/128 -j DROP')).toBe(true);
  });

  it('compares interface patterns', () => {
    expect(covers('-A X -i eth+ -j REJECT', '-A X -i eth0 -j ACCEPT')).toBe(true);
    expect(covers('-A X -i eth0 -j REJECT', '-A X -i eth+ -j ACCEPT')).toBe(false);
    expect(covers('-A X ! -o docker0 -j ACCEPT', '-A X -o docker0 -j ACCEPT')).toBe(false);
    expect(covers('-A X ! -o docker0 -j ACCEPT', '-A X -o eth0 -j ACCEPT')).toBe(true);
  });

  it('ports: a range or list covers what lies inside it, via -m tcp or -m multiport', () => {
    expect(covers('-A X -p tcp -m multiport --dports 22,80,443 -j ACCEPT', '-A X -s 10.0.0.0/8 -p tcp -m tcp --dport 80 -j DROP')).toBe(true);
    expect(covers('-A X -p tcp -m tcp --dport 3300:3310 -j DNAT --to-destination 10.0.0.1:3306', '-A X -d 192.168.10.25/32 -p tcp -m tcp --dport 3306 -j DNAT')).toBe(true);
    expect(covers('-A X -p tcp -m tcp --dport 3300:3310 -j DROP', '-A X -p tcp -m tcp --dport 3311 -j DROP')).toBe(false);
    expect(covers('-A X -p tcp -m tcp --dport 80 -j DROP', '-A X -p udp -m udp --dport 80 -j DROP')).toBe(false);
    expect(covers('-A X -p tcp -m tcp --dport 80 -j DROP', '-A X -p tcp -j DROP')).toBe(false);
    // -m tcp alone (kube-proxy's DNAT rules) is implied by -p tcp
    expect(covers('-A X -p tcp -m tcp -j DNAT', '-A X -p tcp -m comment --comment "x" -m tcp -j DNAT')).toBe(true);
  });

  it('connection states: a set covers its subsets, a negation what it excludes', () => {
    expect(covers('-A X -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-A X -m conntrack --ctstate ESTABLISHED -j ACCEPT')).toBe(true);
    expect(covers('-A X -m conntrack --ctstate ESTABLISHED -j ACCEPT', '-A X -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT')).toBe(false);
    expect(covers('-A X -m state --state ESTABLISHED,RELATED -j ACCEPT', '-A X -m conntrack --ctstate RELATED -j ACCEPT')).toBe(true);
    expect(covers('-A X -m conntrack ! --ctstate NEW -j ACCEPT', '-A X -m conntrack --ctstate ESTABLISHED -j ACCEPT')).toBe(true);
    expect(covers('-A X -m conntrack ! --ctstate NEW -j ACCEPT', '-A X -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT')).toBe(false);
  });

  it('random, rate and history matches prove nothing, even written the same way', () => {
    const stat = '-A INPUT -m statistic --mode random --probability 0.50000000000 -j DROP';
    expect(covers(stat, stat)).toBe(false);
    expect(covers('-A INPUT -m limit --limit 10/sec -j ACCEPT', '-A INPUT -m limit --limit 10/sec -j ACCEPT')).toBe(false);
    expect(covers('-A X -m recent --rcheck --name A -j ACCEPT', '-A X -m recent --rcheck --name A -j ACCEPT')).toBe(false);
  });

  it('other matches must be written the same way in both rules', () => {
    expect(covers('-A X -m addrtype --dst-type LOCAL -j DOCKER', '-A X -p tcp -m addrtype --dst-type LOCAL -j DOCKER')).toBe(true);
    expect(covers('-A X -m mark --mark 0x4000/0x4000 -j ACCEPT', '-A X -m mark --mark 0x8000/0x8000 -j ACCEPT')).toBe(false);
    expect(covers('-A X -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT', '-A X -j ACCEPT')).toBe(false);
  });

  it('-p all is no protocol condition', () => {
    expect(covers('-A X -p all -j ACCEPT', '-A X -p udp -j ACCEPT')).toBe(true);
    expect(covers('-A X -p all -j ACCEPT', '-A X -j ACCEPT')).toBe(true);
  });
});
