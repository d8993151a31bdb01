import { grepCountPattern, REDACTION_RULES, sedProgram } from '../redact/index.js';
import type { RedactionRule } from '../redact/index.js';
import { keyNameSedProgram } from './private-key-names.js';
import { shHeredoc, shQuote } from './sh-quote.js';

/**
 * The redaction part of the generated script, all of it taken from collector/redact: the sed
 * program (written to a file at start: it holds TAB and CR bytes and quotes), one grep pattern per
 * rule for the manifest counts (case folded into the pattern, so no grep -i), and a single grep over all of them that lets members with
 * nothing to redact skip the per-rule work. Also writes the private key name program.
 */
export function redactionShell(rules: readonly RedactionRule[] = REDACTION_RULES): string {
  const out: string[] = ['# ---- redaction (generated from collector/redact/rules.ts) ----'];
  rules.forEach((rule, i) => out.push(`NS_RP_${i + 1}=${shQuote(grepCountPattern(rule))}`));

  const all = rules.map((_, i) => `-e "$NS_RP_${i + 1}"`).join(' ');
  out.push('', '# Fails when no rule can apply to file $1 (the patterns have their case folded already).');
  out.push(`ns_redaction_candidate() {\n  grep -a -q -E ${all} <"$1"\n}`);

  out.push('', '# Redaction records of member $1 (staged file $2), one JSON line per rule that matched.');
  const counts = rules.map(
    (rule, i) => `  ns_rule_hits "$2" "$NS_RP_${i + 1}" && ns_redaction_record "$1" ${shQuote(rule.id)}`,
  );
  out.push(`ns_count_redactions() {\n${counts.join('\n')}\n  return 0\n}`);

  out.push('', '# Writes the sed programs into folder $1: redact.sed (the rules), keynames.sed (private key names).');
  out.push(`ns_write_programs() {\n${shHeredoc('"$1/redact.sed"', sedProgram(rules), 'NODESNAP_REDACT_SED')}${shHeredoc('"$1/keynames.sed"', keyNameSedProgram(), 'NODESNAP_KEYNAMES_SED')}}`);
  return `${out.join('\n')}\n`;
}
