/**
 * Splits an iptables-save / ipset save line into words the way iptables-restore reads them:
 * words are separated by spaces or tabs; a double quote opens or closes a quoted stretch (it
 * may start mid-word); a backslash takes the next character literally, inside or outside quotes.
 * iptables 1.8 writes `--comment "ops: allow \"monitoring\""`, `--comment "a\'b"` and bare
 * `--comment nospaces`; 1.4 writes the same quoting.
 *
 * Each word keeps where it started in the line (so "everything after -j TARGET" can be cut from
 * the original text) and whether any of it was quoted (a quoted "-x" is a value, never an option).
 */
export interface SaveTokens {
  words: string[];
  starts: number[];
  quoted: boolean[];
  /** Set when the line ended inside quotes (a truncated last line, a hand-edited file). */
  unterminatedQuote: boolean;
}

const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const BACKSLASH = 92;

export function tokenizeSaveLine(line: string, from = 0): SaveTokens {
  const words: string[] = [];
  const starts: number[] = [];
  const quoted: boolean[] = [];
  const n = line.length;
  let i = from;
  let inQuotes = false;
  while (i < n) {
    let c = line.charCodeAt(i);
    if (c === SPACE || c === TAB) {
      i++;
      continue;
    }
    const start = i;
    let wasQuoted = false;
    // Most words have neither quotes nor escapes: slice them whole.
    let pieceStart = i;
    let word = '';
    while (i < n) {
      c = line.charCodeAt(i);
      if (!inQuotes && (c === SPACE || c === TAB)) break;
      if (c === QUOTE) {
        word += line.slice(pieceStart, i);
        inQuotes = !inQuotes;
        wasQuoted = true;
        i++;
        pieceStart = i;
      } else if (c === BACKSLASH && i + 1 < n) {
        word += line.slice(pieceStart, i);
        pieceStart = i + 1; // the escaped character starts the next piece
        i += 2;
      } else {
        i++;
      }
    }
    word += line.slice(pieceStart, i);
    words.push(word);
    starts.push(start);
    quoted.push(wasQuoted);
  }
  return { words, starts, quoted, unterminatedQuote: inQuotes };
}
