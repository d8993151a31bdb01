/**
 * The redaction rules as a `sed -E` program and `grep -E` patterns, for the generated POSIX sh
 * collector. The program is the twin of line-redactor.ts: same rules in the same order, with the
 * carried state kept in sed's hold space ('' or `R<index>`). Run it under `LC_ALL=C` (bytes, not
 * characters, as the Node redactor does):
 *
 *   LC_ALL=C sed -E -f redact.sed < member          (or: sed -E -e "$prog")
 *   LC_ALL=C grep -a -c -E -e "$pattern" < member      (count)
 *   LC_ALL=C grep -a -n -E -e "$pattern" < member | head -n 100 | cut -d: -f1   (line numbers)
 *
 * The program contains TAB and CR bytes and may contain single quotes: write it to a file with a
 * quoted heredoc, or keep it in a variable, rather than pasting it inside '...'.
 * Case-insensitive rules are folded into bracket expressions (`[Pp][Aa]...`) rather than using
 * the GNU `I` flag, which busybox sed does not accept on addresses: the program is plain POSIX
 * sed apart from `-E`. GNU sed and busybox sed are both checked against the Node redactor.
 */
import type { BlockRule, NextLineRule, RedactionRule, Substitution, SubstituteRule } from './types.js';
import { countPatternText, foldCase, posixPattern, ruleIgnoresCase } from './patterns.js';
import { REDACTION_RULES } from './rules.js';

const DELIMITER_CANDIDATES = ['/', '#', '%', '!', ',', '~', '@', ';', '|', ':'];

function pickDelimiter(...texts: string[]): string {
  const found = DELIMITER_CANDIDATES.find((d) => texts.every((t) => !t.includes(d)));
  if (found === undefined) throw new Error(`redaction rule uses every sed delimiter: ${texts[0]}`);
  return found;
}

/** Replacement text for sed: `\1` kept, `&` and other backslashes made literal. */
function sedReplacement(replacement: string): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i]!;
    const next = replacement[i + 1];
    if (ch === '\\' && next !== undefined && next >= '1' && next <= '9') {
      out += ch + next;
      i++;
    } else if (ch === '\\' || ch === '&') {
      out += `\\${ch}`;
    } else if (ch === '\n') {
      throw new Error('redaction replacement may not contain a newline');
    } else {
      out += ch;
    }
  }
  return out;
}

/** Shared pattern text as sed/grep read it: TAB and CR bytes, and case folded into brackets when asked. */
function posixFor(pattern: string, ignoreCase: boolean): string {
  const re = posixPattern(pattern);
  return ignoreCase ? foldCase(re) : re;
}

function substitute(pattern: string, replacement: string, ignoreCase: boolean, global: boolean): string {
  const re = posixFor(pattern, ignoreCase);
  const repl = sedReplacement(replacement);
  const d = pickDelimiter(re, repl);
  return `s${d}${re}${d}${repl}${d}${global ? 'g' : ''}`;
}

/** An address: `/re/` (or `\#re#` when the pattern holds a slash). */
function address(pattern: string, ignoreCase: boolean): string {
  const re = posixFor(pattern, ignoreCase);
  const d = pickDelimiter(re);
  return `${d === '/' ? '/' : `\\${d}`}${re}${d}`;
}

function substituteLines(subs: readonly Substitution[], ignoreCase: boolean): string[] {
  return subs.map((s) => substitute(s.pattern, s.replacement, ignoreCase, true));
}

function blockLines(rule: BlockRule, index: number): string[] {
  const state = `R${index}`;
  const label = `r${index}`;
  const fromBegin = [
    substitute(`${rule.begin}.*\\r$`, `${rule.marker}\r`, false, false),
    substitute(`${rule.begin}.*`, rule.marker, false, false),
  ];
  return [
    // inside an open block?
    'x',
    `/^${state}$/b ${label}_in`,
    'x',
    `b ${label}_out`,
    `:${label}_in`,
    'x',
    `${address(rule.end, false)}!d`,
    substitute(`^.*${rule.end}`, '', false, false),
    `${address(rule.begin, false)}b ${label}_again`,
    'x',
    's/.*//',
    'x',
    '/^\r?$/d',
    `b ${label}_done`,
    `:${label}_again`,
    ...fromBegin,
    `b ${label}_done`,
    // not inside: whole blocks on this line, then a block that opens here
    `:${label}_out`,
    substitute(`${rule.begin}.*${rule.end}`, rule.marker, false, true),
    `${address(rule.begin, false)}!b ${label}_done`,
    ...fromBegin,
    'x',
    `s/.*/${state}/`,
    'x',
    `:${label}_done`,
  ];
}

function nextLineLines(rule: NextLineRule, index: number): string[] {
  const state = `R${index}`;
  const label = `r${index}`;
  return [
    'x',
    `/^${state}$/b ${label}_hit`,
    'x',
    `b ${label}_trigger`,
    `:${label}_hit`,
    's/.*//',
    'x',
    ...substituteLines(rule.substitutions, true),
    `:${label}_trigger`,
    `${address(rule.trigger, true)}!b ${label}_done`,
    'x',
    `s/^$/${state}/`,
    'x',
    `:${label}_done`,
  ];
}

function substituteRuleLines(rule: SubstituteRule): string[] {
  return substituteLines(rule.substitutions, rule.ignoreCase);
}

/** The rules as one sed -E script, one command per line (for `sed -E -f FILE` or `sed -E -e "$prog"`). */
export function sedProgram(rules: readonly RedactionRule[] = REDACTION_RULES): string {
  const lines: string[] = ['# nodesnap redaction (generated from collector/redact/rules.ts); run with LC_ALL=C sed -E'];
  rules.forEach((rule, index) => {
    lines.push(`# ${rule.id}`);
    if (rule.kind === 'block') lines.push(...blockLines(rule, index));
    else if (rule.kind === 'next-line') lines.push(...nextLineLines(rule, index));
    else lines.push(...substituteRuleLines(rule));
  });
  return `${lines.join('\n')}\n`;
}

/**
 * The ERE whose matching lines a rule counts (`grep -a -c -E -e "$pattern"`), with TAB and CR as
 * bytes and case already folded (no `-i` needed). It is what the Node redactor counts too.
 */
export function grepCountPattern(rule: RedactionRule): string {
  return posixFor(countPatternText(rule), ruleIgnoresCase(rule));
}

export { ruleIgnoresCase };
