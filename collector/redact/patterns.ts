/**
 * Turning the shared pattern text (types.ts) into what each engine reads: JavaScript RegExp
 * source and replacement strings, or POSIX text for sed/grep (with `\t` and `\r` as the bytes,
 * since neither POSIX ERE nor busybox understands those escapes).
 */
import type { RedactionRule } from './types.js';

/** JavaScript flags for a rule pattern: `s` so `.` also matches `\r`, as it does in sed. */
export function jsFlags(ignoreCase: boolean, global: boolean): string {
  return `s${ignoreCase ? 'i' : ''}${global ? 'g' : ''}`;
}

/** `\1` group references become `$1`; a literal `$` is doubled. */
export function jsReplacement(replacement: string): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i]!;
    const next = replacement[i + 1];
    if (ch === '\\' && next !== undefined && next >= '1' && next <= '9') {
      out += `$${next}`;
      i++;
    } else if (ch === '$') {
      out += '$$';
    } else {
      out += ch;
    }
  }
  return out;
}

/** Pattern text with the `\t` and `\r` escapes replaced by TAB and CR; every other escape pair is kept. */
export function posixPattern(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch !== '\\' || i + 1 >= pattern.length) {
      out += ch;
      continue;
    }
    const next = pattern[++i]!;
    if (next === 't') out += '\t';
    else if (next === 'r') out += '\r';
    else out += ch + next;
  }
  return out;
}

/** Whether a rule is matched without regard to case (`grep -i`, sed `I`). */
export function ruleIgnoresCase(rule: RedactionRule): boolean {
  return rule.kind === 'block' ? false : rule.kind === 'next-line' ? true : rule.ignoreCase;
}

/**
 * The pattern that decides whether a rule counts a line (shared pattern text, not yet POSIX):
 * a block's begin line, a next-line rule's trigger line, any of a rule's substitutions.
 */
export function countPatternText(rule: RedactionRule): string {
  if (rule.kind === 'block') return rule.begin;
  if (rule.kind === 'next-line') return rule.trigger;
  const patterns = rule.substitutions.map((s) => s.pattern);
  return patterns.length === 1 ? patterns[0]! : patterns.map((p) => `(${p})`).join('|');
}

const isUpper = (c: string) => c >= 'A' && c <= 'Z';
const isLower = (c: string) => c >= 'a' && c <= 'z';
const otherCase = (c: string) => (isUpper(c) ? c.toLowerCase() : c.toUpperCase());

/** The other-case letters a bracket expression's content needs, as bracket items ("a-z", "Q"). */
function bracketFoldAdditions(content: string): string {
  let extra = '';
  for (let i = 0; i < content.length; i++) {
    const c = content[i]!;
    const isRange = content[i + 1] === '-' && i + 2 < content.length;
    if (isRange) {
      const to = content[i + 2]!;
      const fromLetter = isUpper(c) || isLower(c);
      const toLetter = isUpper(to) || isLower(to);
      if (fromLetter !== toLetter || (fromLetter && isUpper(c) !== isUpper(to))) throw new Error(`cannot fold range ${c}-${to}`);
      const folded = `${otherCase(c)}-${otherCase(to)}`;
      if (fromLetter && !content.includes(folded)) extra += folded;
      i += 2;
    } else if ((isUpper(c) || isLower(c)) && !content.includes(otherCase(c))) {
      extra += otherCase(c);
    }
  }
  return extra;
}

/**
 * A POSIX pattern made case-insensitive without flags: letters become `[pP]`, bracket expressions
 * gain the other case. Portable to every sed (busybox sed has no `I` on addresses) and grep.
 * Expects the pattern subset of types.ts (no `[:class:]`, no `]` first in a bracket).
 */
export function foldCase(posix: string): string {
  let out = '';
  for (let i = 0; i < posix.length; i++) {
    const c = posix[i]!;
    if (c === '\\' && i + 1 < posix.length) {
      out += c + posix[++i]!;
    } else if (c === '[') {
      const close = posix.indexOf(']', i + 1);
      if (close < 0) throw new Error(`unclosed bracket in ${posix}`);
      let content = posix.slice(i + 1, close);
      let head = '[';
      if (content.startsWith('^')) {
        head += '^';
        content = content.slice(1);
      }
      if (content.startsWith('-')) {
        head += '-'; // a leading '-' is literal only while it stays first
        content = content.slice(1);
      }
      out += head + bracketFoldAdditions(content) + content + ']';
      i = close;
    } else if (isUpper(c) || isLower(c)) {
      out += `[${c}${otherCase(c)}]`;
    } else {
      out += c;
    }
  }
  return out;
}
