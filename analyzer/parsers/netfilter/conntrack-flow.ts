/**
 * Reads one `<flow>...</flow>` element of `conntrack -L -o xml` into a conntrack_entries row.
 * Verbatim flow (conntrack-tools 1.4.7, one per line; counters appear with
 * nf_conntrack_acct=1, deltatime with nf_conntrack_timestamp=1, zone only when non-zero):
 *
 *   <flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.244.1.7</src><dst>10.96.45.3</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>41580</sport><dport>80</dport></layer4><counters><packets>6</packets><bytes>404</bytes></counters></meta><meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.244.1.7</src><dst>10.244.1.7</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>80</sport><dport>29171</dport></layer4></meta><meta direction="independent"><state>TIME_WAIT</state><timeout>106</timeout><mark>0</mark><zone>7</zone><use>1</use><id>1566750312</id><assured/><deltatime>3</deltatime></meta></flow>
 *
 * A hand scanner rather than a general XML parser: the element set is small and fixed. On 100k
 * generated flows (69 MB) it read ~170k flows/s (~118 MB/s) where fast-xml-parser on each flow
 * element read ~21k flows/s, and fast-xml-parser accepted mismatched and unclosed tags unless
 * XMLValidator ran first (~17k flows/s); see test/parsers/netfilter/bench. It still rejects what
 * is not well formed: unbalanced or mismatched tags, an unterminated tag,
 * text where a leaf's closing tag should be. Unknown elements are checked for balance and skipped.
 */
import type { Row } from '../types.js';

/** Column of each leaf element, by direction; a leaf missing here is skipped. */
const ORIG_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['src', 'orig_src'], ['dst', 'orig_dst'], ['sport', 'orig_sport'], ['dport', 'orig_dport'], ['packets', 'orig_packets'], ['bytes', 'orig_bytes'], ['zone', 'zone'],
]);
const REPLY_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['src', 'reply_src'], ['dst', 'reply_dst'], ['sport', 'reply_sport'], ['dport', 'reply_dport'], ['packets', 'reply_packets'], ['bytes', 'reply_bytes'], ['zone', 'zone'],
]);
const INDEPENDENT_COLUMNS: ReadonlyMap<string, string> = new Map([
  ['state', 'state'], ['timeout', 'timeout'], ['mark', 'mark'], ['zone', 'zone'], ['use', 'use'], ['id', 'id'], ['deltatime', 'deltatime'],
]);

/** Elements whose text content is a value: their text is read in place, they never nest. */
const LEAVES = new Set(['src', 'dst', 'sport', 'dport', 'state', 'timeout', 'mark', 'zone', 'use', 'id', 'packets', 'bytes', 'deltatime']);

/** Columns holding text; every other leaf column is a number. */
const TEXT_COLUMNS = new Set(['orig_src', 'orig_dst', 'reply_src', 'reply_dst', 'state']);

/**
 * Every element name conntrack prints, by length: a name read from the text is looked up here
 * instead of being cut out of it, so the 25-odd tags of a flow allocate no strings.
 */
const KNOWN_NAMES: readonly (readonly string[])[] = (() => {
  const names = ['flow', 'meta', 'layer3', 'layer4', 'counters', 'assured', 'unreplied', 'helper', 'labels', ...LEAVES];
  const byLength: string[][] = [];
  for (const name of names) (byLength[name.length] ??= []).push(name);
  return byLength;
})();

type Direction = 'orig' | 'reply' | 'independent' | null;

export function emptyEntry(): Row {
  return {
    l3proto: null,
    l4proto: null,
    l4protonum: null,
    state: null,
    orig_src: null,
    orig_dst: null,
    orig_sport: null,
    orig_dport: null,
    reply_src: null,
    reply_dst: null,
    reply_sport: null,
    reply_dport: null,
    orig_packets: null,
    orig_bytes: null,
    reply_packets: null,
    reply_bytes: null,
    mark: null,
    zone: null,
    timeout: null,
    use: null,
    id: null,
    assured: 0,
    unreplied: 0,
    dnat: null,
    snat: null,
    deltatime: null,
  };
}

/** Value of attribute `name` of the tag text[from..to) (the part between '<' and '>'). */
function attribute(text: string, from: number, to: number, name: string): string | null {
  const key = ` ${name}="`;
  const at = text.indexOf(key, from);
  if (at < 0 || at >= to) return null;
  const start = at + key.length;
  const end = text.indexOf('"', start);
  return end < 0 || end >= to ? null : text.slice(start, end);
}

function decodeEntities(text: string): string {
  if (text.indexOf('&') < 0) return text;
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_m, e: string) => {
    switch (e) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)));
    }
  });
}

/** A decimal integer read without a regular expression; null when not all digits. */
function digits(text: string): number | null {
  const n = text.length;
  if (n === 0 || n > 15) return n > 15 && /^\d+$/.test(text) ? Number(text) : null;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    value = value * 10 + c;
  }
  return value;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** True when text[from..to) holds only whitespace (read in place: no substring). */
function blank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

/** The decimal integer text[from..to) holds (surrounding whitespace allowed), or null; the common case allocates nothing. */
function integerAt(text: string, from: number, to: number): number | null {
  let a = from;
  let b = to;
  while (a < b && isSpace(text.charCodeAt(a))) a++;
  while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
  const n = b - a;
  if (n === 0) return null;
  if (n > 15) return digits(decodeEntities(text.slice(a, b)));
  let value = 0;
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return digits(decodeEntities(text.slice(a, b))); // an entity, or not a number
    value = value * 10 + c;
  }
  return value;
}

function storeLeaf(row: Row, direction: Direction, name: string, text: string, from: number, to: number): void {
  const columns = direction === 'orig' ? ORIG_COLUMNS : direction === 'reply' ? REPLY_COLUMNS : direction === 'independent' ? INDEPENDENT_COLUMNS : null;
  const column = columns?.get(name);
  if (column === undefined) return;
  // directional zones (CT --zone-orig / --zone-reply): the first one seen wins
  if (column === 'zone' && row.zone !== null) return;
  row[column] = TEXT_COLUMNS.has(column) ? decodeEntities(text.slice(from, to).trim()) : integerAt(text, from, to);
}

/** End of the element name that starts at `from` (up to space, tab, newline, '/' or `to`). */
function nameEnd(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 47 || c === 9 || c === 10 || c === 13) return i;
  }
  return to;
}

/** text.startsWith(word, at) for short words: compared in place, several times faster than the builtin here. */
function wordAt(text: string, at: number, word: string): boolean {
  const n = word.length;
  for (let k = 0; k < n; k++) if (text.charCodeAt(at + k) !== word.charCodeAt(k)) return false;
  return true;
}

/** The name text[from..to), as one of the constant known names when it is one. */
function nameAt(text: string, from: number, to: number): string {
  const candidates = KNOWN_NAMES[to - from];
  if (candidates !== undefined) for (let k = 0; k < candidates.length; k++) if (wordAt(text, from, candidates[k] as string)) return candidates[k] as string;
  return text.slice(from, to);
}

/** Parses `text`, which must be exactly one flow element; returns the row or an error message. */
export function readFlow(text: string): Row | string {
  const row = emptyEntry();
  const stack: string[] = [];
  let direction: Direction = null;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      if (!blank(text, i, n)) return 'text after the last tag';
      break;
    }
    if (stack.length === 0 && !blank(text, i, lt)) return 'text outside the flow element';
    const gt = text.indexOf('>', lt + 1);
    if (gt < 0) return 'unterminated tag';
    const first = text.charCodeAt(lt + 1);
    i = gt + 1;
    if (first === 47 /* / */) {
      let a = lt + 2;
      let b = gt;
      while (a < b && isSpace(text.charCodeAt(a))) a++;
      while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
      const open = stack.pop();
      if (open === undefined || open.length !== b - a || !wordAt(text, a, open)) {
        const name = text.slice(a, b);
        return open === undefined ? `closing </${name}> without an opening tag` : `<${open}> closed by </${name}>`;
      }
      if (open === 'meta') direction = null;
      if (stack.length === 0) {
        if (!blank(text, i, n)) return 'content after </flow>';
        break;
      }
      continue;
    }
    if (first === 63 /* ? */ || first === 33 /* ! */) continue; // declaration or comment
    const selfClosing = text.charCodeAt(gt - 1) === 47 && gt - 1 > lt;
    const end = nameEnd(text, lt + 1, gt);
    if (end === lt + 1) return 'empty tag name';
    const name = nameAt(text, lt + 1, end);
    if (stack.length === 0 && name !== 'flow') return `root element is <${name}>, not <flow>`;
    if (selfClosing) {
      if (direction === 'independent' && (name === 'assured' || name === 'unreplied')) row[name] = 1;
      continue;
    }
    if (LEAVES.has(name)) {
      const close = text.indexOf('<', i);
      const after = close + 2 + name.length;
      if (close < 0 || text.charCodeAt(close + 1) !== 47 || !wordAt(text, close + 2, name) || text.charCodeAt(after) !== 62) {
        return `<${name}> is not closed by </${name}>`;
      }
      storeLeaf(row, direction, name, text, i, close);
      i = after + 1;
      continue;
    }
    stack.push(name);
    if (name === 'meta') {
      const d = attribute(text, lt, gt, 'direction');
      direction = d === 'original' ? 'orig' : d === 'reply' ? 'reply' : d === 'independent' ? 'independent' : null;
    } else if (name === 'layer3' && direction === 'orig') {
      row.l3proto = attribute(text, lt, gt, 'protoname');
    } else if (name === 'layer4' && direction === 'orig') {
      row.l4proto = attribute(text, lt, gt, 'protoname');
      const num = attribute(text, lt, gt, 'protonum');
      row.l4protonum = num !== null && /^\d+$/.test(num) ? Number(num) : null;
    }
  }
  if (stack.length > 0) return `<${stack[stack.length - 1]}> is never closed`;
  if (row.orig_src === null && row.orig_dst === null) return 'flow without an original-direction address';
  if (row.orig_dst !== null && row.reply_src !== null) row.dnat = row.orig_dst === row.reply_src ? 0 : 1;
  if (row.orig_src !== null && row.reply_dst !== null) row.snat = row.orig_src === row.reply_dst ? 0 : 1;
  return row;
}
