/**
 * Reads one `<flow>...</flow>` element of `conntrack -L -o xml` into a conntrack_entries row.
 * Verbatim flow (conntrack-tools 1.4.7, one per line; counters appear with
 * nf_conntrack_acct=1, deltatime with nf_conntrack_timestamp=1, zone only when non-zero):
 *
 *   <flow><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.244.1.7</src><dst>10.96.45.3</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>41580</sport><dport>80</dport></layer4><counters><packets>6</packets><bytes>404</bytes></counters></meta><meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.244.1.7</src><dst>10.244.1.7</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>80</sport><dport>29171</dport></layer4></meta><meta direction="independent"><state>TIME_WAIT</state><timeout>106</timeout><mark>0</mark><zone>7</zone><use>1</use><id>1566750312</id><assured/><deltatime>3</deltatime></meta></flow>
 *
 * A hand scanner rather than a general XML parser: the element set is small and fixed. On 100k
 * generated flows (69 MB) fast-xml-parser on each flow element read ~21k flows/s, and accepted
 * mismatched and unclosed tags unless XMLValidator ran first (~17k flows/s); see
 * test/parsers/netfilter/bench. A first scanner over decoded strings read ~210k flows/s; this
 * one reads the bytes in place (element names recognised without cutting them out, numbers
 * read digit by digit, strings made only for the values kept) and, with the splitter no longer
 * searching for every </flow> first, the whole parser reads ~300k flows/s (~200 MB/s): a large
 * node's conntrack table is the biggest member of its snapshot. It still rejects what is not
 * well formed: unbalanced or mismatched tags, an unterminated tag, text where a leaf's closing
 * tag should be. Unknown elements are checked for balance and skipped.
 */
import type { Row } from '../types.js';

/** Element names by id; ids from LEAF_FROM on are leaves (their text is a value, they never nest). */
const NAMES = [
  'flow', 'meta', 'layer3', 'layer4', 'counters', 'assured', 'unreplied',
  'src', 'dst', 'sport', 'dport', 'state', 'timeout', 'mark', 'zone', 'use', 'id', 'packets', 'bytes', 'deltatime',
] as const;
const FLOW = 0;
const META = 1;
const LAYER3 = 2;
const LAYER4 = 3;
const ASSURED = 5;
const UNREPLIED = 6;
const LEAF_FROM = 7;
/** An element this reader does not know (its name is kept as a string for balance checks). */
const UNKNOWN = -1;

/** Known names grouped by length, as byte arrays: a name is recognised by comparing bytes in place. */
const NAMES_BY_LENGTH: { id: number; bytes: Uint8Array }[][] = [];
NAMES.forEach((name, id) => (NAMES_BY_LENGTH[name.length] ??= []).push({ id, bytes: Buffer.from(name, 'latin1') }));

type Direction = 0 | 1 | 2 | 3; // none, original, reply, independent
const NONE = 0;
const ORIG = 1;
const REPLY = 2;
const INDEPENDENT = 3;

/** Column of each leaf element, by direction ([none, original, reply, independent]); a leaf missing here is skipped. */
const LEAF_COLUMNS: Readonly<Record<string, readonly (string | null)[]>> = {
  src: [null, 'orig_src', 'reply_src', null],
  dst: [null, 'orig_dst', 'reply_dst', null],
  sport: [null, 'orig_sport', 'reply_sport', null],
  dport: [null, 'orig_dport', 'reply_dport', null],
  packets: [null, 'orig_packets', 'reply_packets', null],
  bytes: [null, 'orig_bytes', 'reply_bytes', null],
  zone: [null, 'zone', 'zone', 'zone'],
  state: [null, null, null, 'state'],
  timeout: [null, null, null, 'timeout'],
  mark: [null, null, null, 'mark'],
  use: [null, null, null, 'use'],
  id: [null, null, null, 'id'],
  deltatime: [null, null, null, 'deltatime'],
};

/** Columns holding text; every other leaf column is a number. */
const TEXT_COLUMNS: readonly string[] = ['orig_src', 'orig_dst', 'reply_src', 'reply_dst', 'state'];
const NUMBER_COLUMNS: readonly string[] = ['orig_sport', 'orig_dport', 'reply_sport', 'reply_dport', 'orig_packets', 'orig_bytes', 'reply_packets', 'reply_bytes', 'timeout', 'mark', 'use', 'id', 'deltatime'];
const ZONE_SLOT = -1;

/**
 * Where a leaf's value goes, by `id * 4 + direction`: i + 1 for TEXT_COLUMNS[i], -(i + 2) for
 * NUMBER_COLUMNS[i], ZONE_SLOT for the zone, 0 for nowhere. Numbers rather than column names so
 * the hot loop stores into the row through a switch (named stores), not a computed key.
 */
const SLOTS: Int8Array = (() => {
  const slots = new Int8Array(NAMES.length * 4);
  NAMES.forEach((name, id) => {
    (LEAF_COLUMNS[name] ?? []).forEach((column, direction) => {
      if (column === null) return;
      const text = TEXT_COLUMNS.indexOf(column);
      slots[id * 4 + direction] = column === 'zone' ? ZONE_SLOT : text >= 0 ? text + 1 : -(NUMBER_COLUMNS.indexOf(column) + 2);
    });
  });
  return slots;
})();

/** Name bytes by id, for checking a closing tag in place. */
const NAME_BYTES: readonly Uint8Array[] = NAMES.map((name) => Buffer.from(name, 'latin1'));

/** Values met on every flow, returned as constants instead of new strings. */
const COMMON_WORDS: { text: string; bytes: Uint8Array }[][] = [];
for (const text of ['ipv4', 'ipv6', 'tcp', 'udp', 'icmp', 'icmpv6', 'sctp', 'dccp', 'gre', 'unknown', 'ESTABLISHED', 'TIME_WAIT', 'SYN_SENT', 'SYN_RECV', 'CLOSE_WAIT', 'CLOSE', 'FIN_WAIT', 'LAST_ACK', 'NONE']) {
  (COMMON_WORDS[text.length] ??= []).push({ text, bytes: Buffer.from(text, 'latin1') });
}

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

function blank(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpace(b[i] as number)) return false;
  return true;
}

function sameBytes(b: Uint8Array, at: number, word: Uint8Array): boolean {
  const n = word.length;
  for (let k = 0; k < n; k++) if (b[at + k] !== word[k]) return false;
  return true;
}

/** Text of b[from..to): a constant for the common protocol and state names, else decoded (UTF-8, entities). */
function textAt(b: Buffer, from: number, to: number): string {
  const common = COMMON_WORDS[to - from];
  if (common !== undefined) for (let k = 0; k < common.length; k++) if (sameBytes(b, from, (common[k] as { bytes: Uint8Array }).bytes)) return (common[k] as { text: string }).text;
  return decodeEntities(b.toString('utf8', from, to));
}

/** Value of a leaf, b[from..to) with surrounding whitespace, as text. */
function leafText(b: Buffer, from: number, to: number): string {
  let a = from;
  let z = to;
  while (a < z && isSpace(b[a] as number)) a++;
  while (z > a && isSpace(b[z - 1] as number)) z--;
  return textAt(b, a, z);
}

/** Value of a leaf as a decimal integer, or null; the common case reads the digits in place. */
function leafInteger(b: Buffer, from: number, to: number): number | null {
  let a = from;
  let z = to;
  while (a < z && isSpace(b[a] as number)) a++;
  while (z > a && isSpace(b[z - 1] as number)) z--;
  const n = z - a;
  if (n === 0) return null;
  if (n <= 15) {
    let value = 0;
    let i = a;
    for (; i < z; i++) {
      const c = (b[i] as number) - 48;
      if (c < 0 || c > 9) break;
      value = value * 10 + c;
    }
    if (i === z) return value;
  }
  return digits(decodeEntities(b.toString('utf8', a, z))); // an entity, a long number, or not a number
}

/** Bounds [start, end) of attribute `key` (given as ` name="`) in the tag b[from..to), or null. */
function attributeBounds(b: Buffer, from: number, to: number, key: Uint8Array): [number, number] | null {
  const first = key[0] as number;
  for (let i = from; i + key.length <= to; i++) {
    if (b[i] !== first || !sameBytes(b, i, key)) continue;
    const start = i + key.length;
    for (let j = start; j < to; j++) if (b[j] === 34 /* " */) return [start, j];
    return null;
  }
  return null;
}

const DIRECTION_KEY = Buffer.from(' direction="', 'latin1');
const PROTONAME_KEY = Buffer.from(' protoname="', 'latin1');
const PROTONUM_KEY = Buffer.from(' protonum="', 'latin1');
const ORIGINAL = Buffer.from('original', 'latin1');
const REPLY_WORD = Buffer.from('reply', 'latin1');
const INDEPENDENT_WORD = Buffer.from('independent', 'latin1');

function directionOf(b: Buffer, from: number, to: number): Direction {
  const at = attributeBounds(b, from, to, DIRECTION_KEY);
  if (at === null) return NONE;
  const n = at[1] - at[0];
  if (n === ORIGINAL.length && sameBytes(b, at[0], ORIGINAL)) return ORIG;
  if (n === REPLY_WORD.length && sameBytes(b, at[0], REPLY_WORD)) return REPLY;
  if (n === INDEPENDENT_WORD.length && sameBytes(b, at[0], INDEPENDENT_WORD)) return INDEPENDENT;
  return NONE;
}

function attributeText(b: Buffer, from: number, to: number, key: Uint8Array): string | null {
  const at = attributeBounds(b, from, to, key);
  return at === null ? null : textAt(b, at[0], at[1]);
}

/** Id of the element name b[from..to), or UNKNOWN. */
function nameId(b: Uint8Array, from: number, to: number): number {
  const candidates = NAMES_BY_LENGTH[to - from];
  if (candidates !== undefined) {
    for (let k = 0; k < candidates.length; k++) {
      const c = candidates[k] as { id: number; bytes: Uint8Array };
      if (sameBytes(b, from, c.bytes)) return c.id;
    }
  }
  return UNKNOWN;
}

/**
 * Parses b[start..end), which must be exactly one flow element; returns the row or an error
 * message. With `found`, b[start..end) need only START with a flow element: reading stops where
 * it closes (its end goes in found.end), and a <flow> inside it is an error. A splitter can then
 * hand over its whole buffer instead of searching for every </flow> first.
 */
export function readFlowBytes(b: Buffer, start: number, end: number, found?: { end: number }): Row | string {
  const row = emptyEntry();
  // open elements: ids, with the name of each unknown one beside it
  const stack: number[] = [];
  const unknownNames: string[] = [];
  const nameOfTop = (): string => {
    const id = stack[stack.length - 1] as number;
    return id === UNKNOWN ? (unknownNames[unknownNames.length - 1] as string) : (NAMES[id] as string);
  };
  let direction: Direction = NONE;
  let i = start;
  while (i < end) {
    let lt = i;
    while (lt < end && b[lt] !== 60 /* < */) lt++;
    if (lt === end) {
      if (!blank(b, i, end)) return 'text after the last tag';
      break;
    }
    if (stack.length === 0 && !blank(b, i, lt)) return 'text outside the flow element';
    let gt = lt + 1;
    while (gt < end && b[gt] !== 62 /* > */) gt++;
    if (gt === end) return 'unterminated tag';
    const first = b[lt + 1];
    i = gt + 1;
    if (first === 47 /* / */) {
      let a = lt + 2;
      let z = gt;
      while (a < z && isSpace(b[a] as number)) a++;
      while (z > a && isSpace(b[z - 1] as number)) z--;
      if (stack.length === 0) return `closing </${b.toString('utf8', a, z)}> without an opening tag`;
      const id = stack.pop() as number;
      const open = id === UNKNOWN ? (unknownNames.pop() as string) : (NAMES[id] as string);
      const same = id === UNKNOWN ? b.toString('utf8', a, z) === open : z - a === open.length && sameBytes(b, a, NAME_BYTES[id] as Uint8Array);
      if (!same) return `<${open}> closed by </${b.toString('utf8', a, z)}>`;
      if (id === META) direction = NONE;
      if (stack.length === 0) {
        if (found) found.end = i;
        else if (!blank(b, i, end)) return 'content after </flow>';
        break;
      }
      continue;
    }
    if (first === 63 /* ? */ || first === 33 /* ! */) continue; // declaration or comment
    const selfClosing = gt - 1 > lt && b[gt - 1] === 47;
    let nameEnd = lt + 1;
    for (; nameEnd < gt; nameEnd++) {
      const c = b[nameEnd];
      if (c === 32 || c === 47 || c === 9 || c === 10 || c === 13) break;
    }
    if (nameEnd === lt + 1) return 'empty tag name';
    const id = nameId(b, lt + 1, nameEnd);
    if (stack.length === 0 && id !== FLOW) return `root element is <${b.toString('utf8', lt + 1, nameEnd)}>, not <flow>`;
    if (found && id === FLOW && stack.length > 0) return 'a flow inside a flow';
    if (selfClosing) {
      if (direction === INDEPENDENT) {
        if (id === ASSURED) row.assured = 1;
        else if (id === UNREPLIED) row.unreplied = 1;
      }
      continue;
    }
    if (id >= LEAF_FROM) {
      const name = NAMES[id] as string;
      let close = i;
      while (close < end && b[close] !== 60) close++;
      const after = close + 2 + name.length;
      if (close === end || b[close + 1] !== 47 || after >= end || b[after] !== 62 || !sameBytes(b, close + 2, NAME_BYTES[id] as Uint8Array)) {
        return `<${name}> is not closed by </${name}>`;
      }
      const slot = SLOTS[id * 4 + direction] as number;
      if (slot > 0) storeText(row, slot, leafText(b, i, close));
      else if (slot < ZONE_SLOT) storeNumber(row, slot, leafInteger(b, i, close));
      // directional zones (CT --zone-orig / --zone-reply): the first one seen wins
      else if (slot === ZONE_SLOT && row.zone === null) row.zone = leafInteger(b, i, close);
      i = after + 1;
      continue;
    }
    stack.push(id);
    if (id === UNKNOWN) unknownNames.push(b.toString('utf8', lt + 1, nameEnd));
    else if (id === META) direction = directionOf(b, lt, gt);
    else if (id === LAYER3 && direction === ORIG) row.l3proto = attributeText(b, lt, gt, PROTONAME_KEY);
    else if (id === LAYER4 && direction === ORIG) {
      row.l4proto = attributeText(b, lt, gt, PROTONAME_KEY);
      const num = attributeBounds(b, lt, gt, PROTONUM_KEY);
      row.l4protonum = num === null ? null : leafIntegerStrict(b, num[0], num[1]);
    }
  }
  if (stack.length > 0) return `<${nameOfTop()}> is never closed`;
  if (row.orig_src === null && row.orig_dst === null) return 'flow without an original-direction address';
  if (row.orig_dst !== null && row.reply_src !== null) row.dnat = row.orig_dst === row.reply_src ? 0 : 1;
  if (row.orig_src !== null && row.reply_dst !== null) row.snat = row.orig_src === row.reply_dst ? 0 : 1;
  return row;
}

function storeText(row: Row, slot: number, value: string): void {
  switch (slot) {
    case 1:
      row.orig_src = value;
      break;
    case 2:
      row.orig_dst = value;
      break;
    case 3:
      row.reply_src = value;
      break;
    case 4:
      row.reply_dst = value;
      break;
    default:
      row.state = value;
  }
}

function storeNumber(row: Row, slot: number, value: number | null): void {
  switch (slot) {
    case -2:
      row.orig_sport = value;
      break;
    case -3:
      row.orig_dport = value;
      break;
    case -4:
      row.reply_sport = value;
      break;
    case -5:
      row.reply_dport = value;
      break;
    case -6:
      row.orig_packets = value;
      break;
    case -7:
      row.orig_bytes = value;
      break;
    case -8:
      row.reply_packets = value;
      break;
    case -9:
      row.reply_bytes = value;
      break;
    case -10:
      row.timeout = value;
      break;
    case -11:
      row.mark = value;
      break;
    case -12:
      row.use = value;
      break;
    case -13:
      row.id = value;
      break;
    default:
      row.deltatime = value;
  }
}

/** An attribute's digits, nothing else (no whitespace, no entity), as a number; null otherwise. */
function leafIntegerStrict(b: Buffer, from: number, to: number): number | null {
  if (to === from) return null;
  for (let i = from; i < to; i++) if ((b[i] as number) < 48 || (b[i] as number) > 57) return null;
  return to - from <= 15 ? leafInteger(b, from, to) : Number(b.toString('latin1', from, to));
}

/** Parses `text`, which must be exactly one flow element; returns the row or an error message. */
export function readFlow(text: string): Row | string {
  const bytes = Buffer.from(text, 'utf8');
  return readFlowBytes(bytes, 0, bytes.length);
}
