/**
 * The fields of one saved iptables rule, read from its words (see save-tokens.ts). A verbatim
 * rule as `iptables-save -c` prints it (the `[packets:bytes]` prefix is cut off before this):
 *
 *   -A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns -> 10.244.0.2:53" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-VPILYQBSPPXYB66K
 *   -A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
 *
 * iptables-save prints the target last, so everything after `-j TARGET` is the target's own
 * options. An option's values are the words after it up to the next unquoted word that starts
 * with '-' or is '!'; that keeps unknown match options from being mistaken for known ones.
 */
import type { SaveTokens } from './common/save-tokens.js';

export interface RuleFields {
  chain: string;
  target: string | null;
  targetArgs: string | null;
  jumpKind: 'jump' | 'goto' | null;
  protocol: string | null;
  src: string | null;
  srcNegated: boolean;
  dst: string | null;
  dstNegated: boolean;
  inIface: string | null;
  outIface: string | null;
  matches: string | null;
  comment: string | null;
  probability: number | null;
  toDestination: string | null;
  toSource: string | null;
  toPorts: string | null;
  dport: string | null;
  sport: string | null;
  mark: string | null;
  setMark: string | null;
  ctstate: string | null;
  matchSet: string | null;
}

type ValueField = 'protocol' | 'inIface' | 'outIface' | 'comment' | 'dport' | 'sport' | 'mark' | 'ctstate';

/** Match-side options whose single value lands in a column; negation becomes a leading '!'. */
const VALUE_OPTION_LIST: Readonly<Record<string, ValueField>> = {
  '-p': 'protocol',
  '--protocol': 'protocol',
  '-i': 'inIface',
  '--in-interface': 'inIface',
  '-o': 'outIface',
  '--out-interface': 'outIface',
  '--comment': 'comment',
  '--dport': 'dport',
  '--dports': 'dport',
  '--destination-port': 'dport',
  '--destination-ports': 'dport',
  '--sport': 'sport',
  '--sports': 'sport',
  '--source-port': 'sport',
  '--source-ports': 'sport',
  '--mark': 'mark',
  '--ctstate': 'ctstate',
  '--state': 'ctstate',
};
/** The same as a Map: looked up for every word of 50,000 rules, where an object with such keys is slower. */
const VALUE_OPTIONS: ReadonlyMap<string, ValueField> = new Map(Object.entries(VALUE_OPTION_LIST));

function isOption(tokens: SaveTokens, i: number): boolean {
  const w = tokens.words[i];
  if (w === undefined || tokens.quoted[i]) return false;
  if (w === '!') return true;
  if (w.length < 2 || w.charCodeAt(0) !== 45 /* - */) return false;
  const second = w.charCodeAt(1);
  return second < 48 || second > 57; // "-1" is a value (a negative number), not an option
}

/** Index of the first word after position `i` that is an option (or the end). */
function nextOption(tokens: SaveTokens, i: number): number {
  let j = i;
  while (j < tokens.words.length && !isOption(tokens, j)) j++;
  return j;
}

export function emptyRuleFields(chain: string): RuleFields {
  return {
    chain,
    target: null,
    targetArgs: null,
    jumpKind: null,
    protocol: null,
    src: null,
    srcNegated: false,
    dst: null,
    dstNegated: false,
    inIface: null,
    outIface: null,
    matches: null,
    comment: null,
    probability: null,
    toDestination: null,
    toSource: null,
    toPorts: null,
    dport: null,
    sport: null,
    mark: null,
    setMark: null,
    ctstate: null,
    matchSet: null,
  };
}

/**
 * Reads the rule whose words start at `first` (the `-A`). `line` is the text the tokens were
 * taken from, so target arguments come out exactly as saved.
 */
export function readRule(line: string, tokens: SaveTokens, first: number): RuleFields {
  const { words } = tokens;
  const fields = emptyRuleFields(words[first + 1] ?? '');
  const modules: string[] = [];
  let negate = false;
  let i = first + 2;
  while (i < words.length) {
    const w = words[i] as string;
    if (!isOption(tokens, i)) {
      i++; // a stray value: skip it
      continue;
    }
    if (w === '!') {
      negate = true;
      i++;
      continue;
    }
    const value = words[i + 1];
    const bang = negate ? '!' : '';
    negate = false;
    if (w === '-j' || w === '--jump' || w === '-g' || w === '--goto') {
      fields.target = value ?? null;
      fields.jumpKind = w === '-g' || w === '--goto' ? 'goto' : 'jump';
      const argStart = tokens.starts[i + 2];
      fields.targetArgs = argStart === undefined ? '' : line.slice(argStart).trimEnd();
      readTargetOptions(tokens, i + 2, fields);
      break;
    }
    const column = VALUE_OPTIONS.get(w);
    if (column !== undefined) {
      if (value !== undefined) {
        // several comments on one rule are rare; keep them all, in order
        if (column === 'comment' && fields.comment !== null) fields.comment += `; ${value}`;
        else fields[column] = bang + value;
      }
      i = nextOption(tokens, i + 2);
      continue;
    }
    switch (w) {
      case '-s':
      case '--source':
      case '--src':
        fields.src = value ?? null;
        fields.srcNegated = bang !== '';
        break;
      case '-d':
      case '--destination':
      case '--dst':
        fields.dst = value ?? null;
        fields.dstNegated = bang !== '';
        break;
      case '-m':
      case '--match':
        if (value !== undefined && !modules.includes(value)) modules.push(value);
        break;
      case '--probability': {
        const p = value === undefined ? NaN : Number(value);
        fields.probability = Number.isFinite(p) ? p : null;
        break;
      }
      case '--match-set':
        if (value !== undefined) fields.matchSet = fields.matchSet === null ? bang + value : `${fields.matchSet} ${bang}${value}`;
        break;
      default:
        break;
    }
    i = nextOption(tokens, i + 1);
  }
  if (modules.length > 0) fields.matches = modules.join(' ');
  return fields;
}

function readTargetOptions(tokens: SaveTokens, from: number, fields: RuleFields): void {
  const { words } = tokens;
  let i = from;
  while (i < words.length) {
    if (!isOption(tokens, i)) {
      i++;
      continue;
    }
    const w = words[i] as string;
    const value = words[i + 1];
    switch (w) {
      case '--to-destination':
        fields.toDestination = value ?? null;
        break;
      case '--to-source':
        fields.toSource = value ?? null;
        break;
      case '--to-ports':
        fields.toPorts = value ?? null;
        break;
      case '--set-xmark':
      case '--set-mark':
        fields.setMark = value ?? null;
        break;
      default:
        break;
    }
    i = nextOption(tokens, i + 1);
  }
}
