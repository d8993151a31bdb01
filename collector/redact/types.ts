/**
 * A redaction rule is data, shared by the Node collector (JavaScript RegExp) and the generated
 * POSIX sh collector (a `sed -E` program and `grep -E` counts). Every pattern is written in the
 * subset common to JavaScript RegExp and POSIX ERE as GNU sed and busybox sed read it:
 *   - `[ \t]` and explicit classes such as `[A-Za-z0-9_]`; no `\d \s \w \b`;
 *   - no lookarounds, no lazy quantifiers, no back-references inside a pattern;
 *   - `\t` and `\r` may be written as escapes (the sed/grep generator turns them into the bytes);
 *   - `.` may be used: JavaScript compiles with the `s` flag so it matches `\r` like sed does;
 *   - every pattern is UNAMBIGUOUS in what it matches (JavaScript takes the first alternative
 *     that matches, POSIX the longest match): alternatives that could match at one place must
 *     end at the same character. The sed-vs-JS test holds us to it.
 * Replacements use `\1`..`\9` for groups; any other text is literal.
 */

export interface Substitution {
  /** ERE-and-JavaScript pattern, applied to every match on the line (sed `s///g`). */
  pattern: string;
  /** Replacement text; `\1`..`\9` insert groups. */
  replacement: string;
}

interface RuleBase {
  /** Name recorded in manifest.json `redactions[].rule`. */
  id: string;
  /** What it removes and why, for people reading the manifest or the sh script. */
  description: string;
  /**
   * Fast path for the JavaScript engine only (sed ignores it): literals, compared without regard
   * to case, at least one of which is in every line any of the rule's patterns can match (for a
   * next-line rule: its trigger; the substitutions on the following line are not hinted). Lines without any are skipped without running the patterns, which
   * keeps long base64 lines cheap. A wrong hint makes the engines disagree: the sed test sees it.
   */
  hint?: readonly string[];
}

/** Substitutions applied in order to every line. */
export interface SubstituteRule extends RuleBase {
  kind: 'substitute';
  /** Case-insensitive (JavaScript `i` flag, sed `I` flag, `grep -i`). */
  ignoreCase: boolean;
  substitutions: readonly Substitution[];
}

/**
 * A multi-line block (a PEM private key): from a line matching `begin` through the next line
 * matching `end`, the lines are replaced by one line `marker`. Text before `begin` on the first
 * line is kept (YAML indentation), so is text after `end` on the last line when there is any
 * (`cat` of a key file without a final newline and a certificate: `-----END...----------BEGIN
 * CERTIFICATE-----`), as a line of its own. A block opened and closed on one line (a JSON string
 * with `\n` escapes) is replaced in place. Case-sensitive.
 */
export interface BlockRule extends RuleBase {
  kind: 'block';
  begin: string;
  end: string;
  marker: string;
}

/**
 * A secret whose name and value are on consecutive lines, as in a pod manifest's
 * `- name: DB_PASSWORD` / `  value: hunter2`: when a line matches `trigger`, the
 * substitutions are applied to the NEXT line only. Case-insensitive.
 */
export interface NextLineRule extends RuleBase {
  kind: 'next-line';
  trigger: string;
  substitutions: readonly Substitution[];
}

export type RedactionRule = SubstituteRule | BlockRule | NextLineRule;
