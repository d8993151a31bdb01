/**
 * The match part of a saved iptables rule, taken apart into conditions, and a conservative test
 * of whether one rule matches every packet another matches ("A covers B"). It answers true only
 * when it can prove it from what was saved; anything it does not model must be written the same
 * way in both rules, and a match whose outcome is random or stateful (statistic, limit, recent...)
 * proves nothing. Verbatim input (the spec column of iptables_rules):
 *
 *   -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
 *   -A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
 *   -A INPUT -p tcp -m multiport --dports 22,80,443,6443 -j ACCEPT
 */
import { tokenizeSaveLine } from '../../parsers/netfilter/common/save-tokens.js';
import { cidrContains, cidrOverlaps } from '../../parsers/shared/cidr.js';

export interface Condition {
  value: string;
  negated: boolean;
}

export interface ModuleOption {
  /** e.g. --dport, --ctstate */
  name: string;
  values: string[];
  negated: boolean;
}

export interface ModuleMatch {
  name: string;
  options: ModuleOption[];
  /** Canonical text (`conntrack ! --ctstate RELATED,ESTABLISHED`) for comparing what is not modelled. */
  text: string;
}

export interface RuleMatch {
  protocol: Condition | null;
  src: Condition | null;
  dst: Condition | null;
  inIface: Condition | null;
  outIface: Condition | null;
  /** -f / ! -f */
  fragment: Condition | null;
  /** Match modules in order, `-m comment` left out (it matches every packet). */
  modules: ModuleMatch[];
  /** False when the spec had something this reader does not understand; such a rule never covers another. */
  understood: boolean;
}

/** Matches whose result depends on chance, time or past packets: two rules with the same one do not match the same packets. */
const NOT_A_SET_OF_PACKETS = new Set(['statistic', 'limit', 'hashlimit', 'recent', 'quota', 'connlimit', 'rateest', 'connbytes', 'time']);

const PROTOCOL_NUMBERS: Readonly<Record<string, string>> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'ipv6-icmp', '132': 'sctp', '136': 'udplite', icmpv6: 'ipv6-icmp' };

const BASIC: Readonly<Record<string, keyof Pick<RuleMatch, 'protocol' | 'src' | 'dst' | 'inIface' | 'outIface'>>> = {
  '-p': 'protocol',
  '--protocol': 'protocol',
  '-s': 'src',
  '--source': 'src',
  '--src': 'src',
  '-d': 'dst',
  '--destination': 'dst',
  '--dst': 'dst',
  '-i': 'inIface',
  '--in-interface': 'inIface',
  '-o': 'outIface',
  '--out-interface': 'outIface',
};

/** Reads the conditions of a saved rule (`-A CHAIN ...`); everything from -j/-g on is ignored. */
export function parseRuleMatch(spec: string): RuleMatch {
  const tokens = tokenizeSaveLine(spec);
  const { words, quoted } = tokens;
  const match: RuleMatch = { protocol: null, src: null, dst: null, inIface: null, outIface: null, fragment: null, modules: [], understood: !tokens.unterminatedQuote };
  let module: ModuleMatch | null = null;
  let negate = false;
  const isOption = (i: number) => {
    const w = words[i];
    return w !== undefined && !quoted[i] && (w === '!' || (w.length > 1 && w.charCodeAt(0) === 45 && !/^-\d/.test(w)));
  };
  let i = words[0] === '-A' || words[0] === '--append' ? 2 : 0;
  while (i < words.length) {
    const w = words[i] as string;
    if (!isOption(i)) {
      match.understood = false; // a value where an option belongs
      i++;
      continue;
    }
    if (w === '!') {
      negate = true;
      i++;
      continue;
    }
    if (w === '-j' || w === '--jump' || w === '-g' || w === '--goto') break;
    const basic = BASIC[w];
    if (basic !== undefined) {
      const value = words[i + 1];
      if (value === undefined || match[basic] !== null) match.understood = false;
      else match[basic] = { value: basic === 'protocol' ? normaliseProtocol(value) : value, negated: negate };
      module = null;
      negate = false;
      i += 2;
      continue;
    }
    if (w === '-f' || w === '--fragment') {
      match.fragment = { value: '', negated: negate };
      module = null;
      negate = false;
      i++;
      continue;
    }
    if (w === '-m' || w === '--match') {
      const name = words[i + 1];
      if (name === undefined || negate) match.understood = false;
      else {
        module = { name, options: [], text: '' };
        if (name !== 'comment') match.modules.push(module);
      }
      negate = false;
      i += 2;
      continue;
    }
    if (w.startsWith('--') && module !== null) {
      let j = i + 1;
      const values: string[] = [];
      while (j < words.length && !isOption(j)) values.push(words[j++] as string);
      module.options.push({ name: w, values, negated: negate });
      negate = false;
      i = j;
      continue;
    }
    match.understood = false; // an option outside any module this reader knows
    negate = false;
    i++;
  }
  for (const m of match.modules) m.text = [m.name, ...m.options.map((o) => `${o.negated ? '! ' : ''}${o.name}${o.values.length ? ` ${o.values.join(' ')}` : ''}`)].join(' ');
  return match;
}

function normaliseProtocol(p: string): string {
  const lower = p.toLowerCase();
  return PROTOCOL_NUMBERS[lower] ?? lower;
}

// ---- covering ---------------------------------------------------------------------------------

/** Whether the interface pattern `inner` (`eth0`, `veth+`) names only interfaces `outer` also names. */
function ifacePatternWithin(inner: string, outer: string): boolean {
  if (outer.endsWith('+')) return inner.startsWith(outer.slice(0, -1));
  return !inner.endsWith('+') && inner === outer;
}

function ifacePatternsOverlap(a: string, b: string): boolean {
  if (a.endsWith('+') && b.startsWith(a.slice(0, -1))) return true;
  if (b.endsWith('+') && a.startsWith(b.slice(0, -1))) return true;
  return a === b;
}

/** Whether every value condition `inner` allows, `outer` allows (null = any value). */
function conditionCovers(
  outer: Condition | null,
  inner: Condition | null,
  within: (i: string, o: string) => boolean,
  overlap: (a: string, b: string) => boolean,
): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  if (!outer.negated) return !inner.negated && within(inner.value, outer.value);
  // outer = everything but X: inner must exclude at least X, or be wholly outside X
  if (inner.negated) return within(outer.value, inner.value);
  return !overlap(inner.value, outer.value);
}

const exact = (a: string, b: string) => a === b;
const protocolWithin = (inner: string, outer: string) => outer === 'all' || inner === outer;

/** Ports of a `--dport`/`--dports` value as inclusive ranges: `80`, `30000:32767`, `22,80,443`. Null when not numeric. */
export function portRanges(text: string): [number, number][] | null {
  const out: [number, number][] = [];
  for (const part of text.split(',')) {
    const m = /^(\d*)(?::(\d*))?$/.exec(part);
    if (!m || (m[1] === '' && m[2] === undefined)) return null;
    const lo = m[1] === '' ? 0 : Number(m[1]);
    const hi = m[2] === undefined ? lo : m[2] === '' ? 65535 : Number(m[2]);
    if (!(lo <= hi && hi <= 65535)) return null;
    out.push([lo, hi]);
  }
  return out;
}

function rangesWithin(inner: [number, number][], outer: [number, number][]): boolean {
  return inner.every(([lo, hi]) => outer.some(([olo, ohi]) => olo <= lo && hi <= ohi));
}

/** The destination or source ports a rule is limited to (non-negated), from -m tcp/udp/sctp or -m multiport. */
function portLimit(match: RuleMatch, direction: 'd' | 's'): [number, number][] | null {
  const names = direction === 'd' ? ['--dport', '--destination-port', '--dports', '--destination-ports'] : ['--sport', '--source-port', '--sports', '--source-ports'];
  for (const m of match.modules) {
    for (const o of m.options) {
      if (o.negated || !names.includes(o.name) || o.values.length !== 1) continue;
      const ranges = portRanges(o.values[0] as string);
      if (ranges) return ranges;
    }
  }
  return null;
}

const PORT_MODULES = new Set(['tcp', 'udp', 'sctp', 'udplite', 'dccp']);
const PORT_OPTIONS = new Set(['--dport', '--destination-port', '--sport', '--source-port']);
const MULTIPORT_OPTIONS = new Set(['--dports', '--destination-ports', '--sports', '--source-ports']);

/** Whether one module condition of the covering rule holds for every packet the other rule matches. */
function moduleCovers(outer: ModuleMatch, inner: RuleMatch): boolean {
  if (NOT_A_SET_OF_PACKETS.has(outer.name)) return false;
  if (inner.modules.some((m) => m.text === outer.text)) return true;
  // port ranges: `-m tcp --dport 30000:32767` covers `-m tcp --dport 30080` and `-m multiport --dports 30080,30081`
  if (PORT_MODULES.has(outer.name) || outer.name === 'multiport') {
    const allowed = outer.name === 'multiport' ? MULTIPORT_OPTIONS : PORT_OPTIONS;
    if (!outer.options.every((o) => allowed.has(o.name) && !o.negated && o.values.length === 1)) return false;
    // the protocol module itself (-m tcp) is implied by -p tcp in the other rule
    if (PORT_MODULES.has(outer.name) && (inner.protocol === null || inner.protocol.negated || inner.protocol.value !== outer.name)) return false;
    return outer.options.every((o) => {
      const mine = portRanges(o.values[0] as string);
      const theirs = portLimit(inner, o.name.startsWith('--d') ? 'd' : 's');
      return mine !== null && theirs !== null && rangesWithin(theirs, mine);
    });
  }
  // connection states: `--ctstate RELATED,ESTABLISHED` covers `--ctstate ESTABLISHED`
  if ((outer.name === 'conntrack' || outer.name === 'state') && outer.options.length === 1) {
    const o = outer.options[0] as ModuleOption;
    if ((o.name !== '--ctstate' && o.name !== '--state') || o.values.length !== 1) return false;
    const states = new Set((o.values[0] as string).split(','));
    return inner.modules.some((m) => {
      if ((m.name !== 'conntrack' && m.name !== 'state') || m.options.length !== 1) return false;
      const io = m.options[0] as ModuleOption;
      if ((io.name !== '--ctstate' && io.name !== '--state') || io.values.length !== 1) return false;
      const theirs = (io.values[0] as string).split(',');
      if (!o.negated) return !io.negated && theirs.every((s) => states.has(s));
      return io.negated ? [...states].every((s) => theirs.includes(s)) : theirs.every((s) => !states.has(s));
    });
  }
  return false;
}

/**
 * True when every packet `inner` matches is also matched by `outer` — proven from the saved
 * conditions, never guessed: false whenever something cannot be compared.
 */
export function matchCovers(outer: RuleMatch, inner: RuleMatch): boolean {
  if (!outer.understood || !inner.understood) return false;
  if (!conditionCovers(outer.protocol, inner.protocol, protocolWithin, exact)) {
    // `-p all` is the same as no -p
    if (!(outer.protocol && !outer.protocol.negated && outer.protocol.value === 'all')) return false;
  }
  if (!conditionCovers(outer.src, inner.src, (i, o) => cidrContains(o, i), cidrOverlaps)) return false;
  if (!conditionCovers(outer.dst, inner.dst, (i, o) => cidrContains(o, i), cidrOverlaps)) return false;
  if (!conditionCovers(outer.inIface, inner.inIface, ifacePatternWithin, ifacePatternsOverlap)) return false;
  if (!conditionCovers(outer.outIface, inner.outIface, ifacePatternWithin, ifacePatternsOverlap)) return false;
  if (outer.fragment !== null && (inner.fragment === null || inner.fragment.negated !== outer.fragment.negated)) return false;
  return outer.modules.every((m) => moduleCovers(m, inner));
}
