/**
 * `--markdown FILE`: a summary to paste into a ticket: counts, what could not be checked, and the
 * critical and high findings with their resource and fix, grouped by rule so a fix is written
 * once. Snapshot text is escaped: a container named `<img src=x onerror=...>` stays text in any
 * Markdown renderer (no raw HTML, no links, no emphasis leaks).
 */
import { formatCount, formatTime, listSome } from './format.js';
import type { FindingView, ReportView, RuleInfo, TextBlock } from './view-types.js';

const MAX_RULES = 40;
const MAX_FINDINGS_PER_RULE = 15;
const MAX_OTHER_RULES = 30;

/** Text that renders as itself: Markdown punctuation backslash-escaped, HTML made entities, one line. */
export function mdText(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    // only what can start markup in the middle of a line: the text is never at a line start
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;');
}

/**
 * An inline code span for a value. Text holding `<`, `&` or backticks is written as escaped text
 * instead: inside a code span nothing can be escaped, and a renderer that is lax about code
 * spans must never see raw markup.
 */
export function mdCode(text: string): string {
  const oneLine = text.replace(/\r?\n/g, ' ');
  if (oneLine.trim() === '') return '';
  if (/[<&`]/.test(oneLine)) return mdText(oneLine);
  return `\`${oneLine}\``;
}

function codeBlock(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}\n${text}\n${fence}`;
}

function fixText(blocks: readonly TextBlock[]): string {
  return blocks.map((b) => (b.code ? codeBlock(b.text) : mdText(b.text))).join('\n\n');
}

function groupByRule(findings: readonly FindingView[]): Map<string, FindingView[]> {
  const out = new Map<string, FindingView[]>();
  for (const f of findings) out.set(f.rule, [...(out.get(f.rule) ?? []), f]);
  return out;
}

export function renderMarkdown(view: ReportView): string {
  const s = view.summary;
  const lines: string[] = [];
  const ruleInfo = new Map(view.rules.map((r) => [r.id, r] as const));
  lines.push(`## ${mdText(view.title)}`, '');
  const when = [
    s.caseIds.length ? `case ${s.caseIds.map(mdCode).join(', ')}` : '',
    s.labels.length ? `label ${s.labels.map(mdCode).join(', ')}` : '',
    `${formatCount(s.nodes)} node${s.nodes === 1 ? '' : 's'}`,
    s.collectedFrom ? `collected ${formatTime(s.collectedFrom)}${s.collectedTo && s.collectedTo !== s.collectedFrom ? ` – ${formatTime(s.collectedTo)}` : ''}` : '',
    `analyzed ${formatTime(view.generatedAt)} with nodesnap ${mdText(view.toolVersion)}`,
  ].filter(Boolean);
  lines.push(when.join(' · '), '');

  lines.push('| Severity | Findings |', '|---|---:|');
  for (const c of s.severities) lines.push(`| ${c.severity} | ${formatCount(c.count)} |`);
  lines.push('');
  const notes = [
    s.suppressed ? `${formatCount(s.suppressed)} suppressed (accepted)` : '',
    `${formatCount(s.skippedResults)} rule × node check${s.skippedResults === 1 ? '' : 's'} skipped`,
    s.ruleErrors ? `${formatCount(s.ruleErrors)} rule run${s.ruleErrors === 1 ? '' : 's'} failed` : '',
    `${formatCount(s.errors)} collection error${s.errors === 1 ? '' : 's'}`,
  ].filter(Boolean);
  lines.push(`${notes.join(' · ')}.`, '');

  const urgent = view.findings.filter((f) => !f.suppressed && (f.severity === 'critical' || f.severity === 'high'));
  lines.push('### Critical and high findings', '');
  if (urgent.length === 0) lines.push('None.', '');
  const byRule = [...groupByRule(urgent)];
  for (const [ruleId, list] of byRule.slice(0, MAX_RULES)) {
    const info: RuleInfo | undefined = ruleInfo.get(ruleId);
    const worst = list.some((f) => f.severity === 'critical') ? 'CRITICAL' : 'HIGH';
    const nodes = new Set(list.map((f) => f.nodeId)).size;
    lines.push(`#### ${worst} ${mdCode(ruleId)} — ${mdText(info?.title ?? list[0]?.title ?? ruleId)} (${nodes} node${nodes === 1 ? '' : 's'})`, '');
    for (const f of list.slice(0, MAX_FINDINGS_PER_RULE)) {
      const where = f.resource ? ` — ${mdCode(f.resource)}` : '';
      lines.push(`- **${mdText(f.node)}**${where}: ${mdText(f.message)}`);
    }
    if (list.length > MAX_FINDINGS_PER_RULE) {
      const rest = list.slice(MAX_FINDINGS_PER_RULE);
      lines.push(`- … and ${rest.length} more on ${mdText(listSome([...new Set(rest.map((f) => f.node))], 8))}`);
    }
    lines.push('');
    if (info?.remediationBlocks.length) lines.push('**Fix:**', '', fixText(info.remediationBlocks), '');
  }
  if (byRule.length > MAX_RULES) lines.push(`… and ${byRule.length - MAX_RULES} more rules with critical or high findings (see the HTML report).`, '');

  const others = [...groupByRule(view.findings.filter((f) => !f.suppressed && f.severity !== 'critical' && f.severity !== 'high'))];
  if (others.length) {
    lines.push('### Other findings', '');
    for (const [ruleId, list] of others.slice(0, MAX_OTHER_RULES)) {
      const nodes = [...new Set(list.map((f) => f.node))];
      lines.push(`- ${(list[0] as FindingView).severity} ${mdCode(ruleId)}: ${list.length} finding${list.length === 1 ? '' : 's'} on ${mdText(listSome(nodes, 6))}`);
    }
    if (others.length > MAX_OTHER_RULES) lines.push(`- … and ${others.length - MAX_OTHER_RULES} more rules`);
    lines.push('');
  }

  if (view.skipped.length || view.ruleErrors.length || view.errors.length) {
    lines.push('### Not checked', '');
    for (const g of view.ruleErrors.slice(0, 10)) lines.push(`- ${mdCode(g.rule)} failed on ${mdText(g.nodesText)}: ${mdText(g.reason)}`);
    for (const g of view.skipped.slice(0, 10)) lines.push(`- ${mdCode(g.rule)} skipped on ${mdText(g.nodesText)}: ${mdText(g.reason)}`);
    if (view.skipped.length > 10) lines.push(`- … and ${view.skipped.length - 10} more skipped rule groups`);
    for (const e of view.errors.slice(0, 10)) lines.push(`- ${mdText(e.node)}: ${mdText(e.kind)} error${e.member ? ` in ${mdCode(e.member)}` : ''}: ${mdText(e.message)}`);
    if (s.errors > 10) lines.push(`- … and ${s.errors - 10} more collection errors`);
    lines.push('');
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
