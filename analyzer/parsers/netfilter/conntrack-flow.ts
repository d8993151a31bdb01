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

function attribute(tag: string, name: string): string | null {
  const at = tag.indexOf(` ${name}="`);
  if (at < 0) return null;
  const start = at + name.length + 3;
  const end = tag.indexOf('"', start);
  return end < 0 ? null : tag.slice(start, end);
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

function storeLeaf(row: Row, direction: Direction, name: string, raw: string): void {
  const columns = direction === 'orig' ? ORIG_COLUMNS : direction === 'reply' ? REPLY_COLUMNS : direction === 'independent' ? INDEPENDENT_COLUMNS : null;
  const column = columns?.get(name);
  if (column === undefined) return;
  // directional zones (CT --zone-orig / --zone-reply): the first one seen wins
  if (column === 'zone' && row.zone !== null) return;
  const text = decodeEntities(raw.trim());
  row[column] = TEXT_COLUMNS.has(column) ? text : digits(text);
}

/** Length of the element name at the start of a tag's text (up to space, tab, newline or '/'). */
function nameLength(tag: string): number {
  const n = tag.length;
  for (let i = 0; i < n; i++) {
    const c = tag.charCodeAt(i);
    if (c === 32 || c === 47 || c === 9 || c === 10 || c === 13) return i;
  }
  return n;
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
      if (text.slice(i).trim() !== '') return 'text after the last tag';
      break;
    }
    if (stack.length === 0 && text.slice(i, lt).trim() !== '') return 'text outside the flow element';
    const gt = text.indexOf('>', lt + 1);
    if (gt < 0) return 'unterminated tag';
    const tag = text.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.charCodeAt(0) === 47 /* / */) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) return open === undefined ? `closing </${name}> without an opening tag` : `<${open}> closed by </${name}>`;
      if (name === 'meta') direction = null;
      if (stack.length === 0) {
        if (text.slice(i).trim() !== '') return 'content after </flow>';
        break;
      }
      continue;
    }
    if (tag.charCodeAt(0) === 63 /* ? */ || tag.charCodeAt(0) === 33 /* ! */) continue; // declaration or comment
    const selfClosing = tag.charCodeAt(tag.length - 1) === 47;
    const name = tag.slice(0, nameLength(tag));
    if (name === '') return 'empty tag name';
    if (stack.length === 0 && name !== 'flow') return `root element is <${name}>, not <flow>`;
    if (selfClosing) {
      if (direction === 'independent' && (name === 'assured' || name === 'unreplied')) row[name] = 1;
      continue;
    }
    if (LEAVES.has(name)) {
      const end = text.indexOf('<', i);
      const after = end + 2 + name.length;
      if (end < 0 || text.charCodeAt(end + 1) !== 47 || !text.startsWith(name, end + 2) || text.charCodeAt(after) !== 62) {
        return `<${name}> is not closed by </${name}>`;
      }
      storeLeaf(row, direction, name, text.slice(i, end));
      i = after + 1;
      continue;
    }
    stack.push(name);
    if (name === 'meta') {
      const d = attribute(tag, 'direction');
      direction = d === 'original' ? 'orig' : d === 'reply' ? 'reply' : d === 'independent' ? 'independent' : null;
    } else if (name === 'layer3' && direction === 'orig') {
      row.l3proto = attribute(tag, 'protoname');
    } else if (name === 'layer4' && direction === 'orig') {
      row.l4proto = attribute(tag, 'protoname');
      const num = attribute(tag, 'protonum');
      row.l4protonum = num !== null && /^\d+$/.test(num) ? Number(num) : null;
    }
  }
  if (stack.length > 0) return `<${stack[stack.length - 1]}> is never closed`;
  if (row.orig_src === null && row.orig_dst === null) return 'flow without an original-direction address';
  if (row.orig_dst !== null && row.reply_src !== null) row.dnat = row.orig_dst === row.reply_src ? 0 : 1;
  if (row.orig_src !== null && row.reply_dst !== null) row.snat = row.orig_src === row.reply_dst ? 0 : 1;
  return row;
}
