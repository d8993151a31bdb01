/**
 * Findings for a terminal: grouped by node, then severity (worst first). Evidence is left to
 * --json and the HTML report; the terminal shows what and where.
 */
import type { AnalysisDocument } from './report-json.js';
import { SEVERITIES, severityRank } from './types.js';

const controlChars = /[\u0000-\u001f\u007f]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };

/** Snapshot text is untrusted: no terminal escape sequence, and no line break that would forge a line, reaches the screen. */
function clean(text: string): string {
  return text.replace(controlChars, (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function formatFindingsText(doc: AnalysisDocument, minSeverity: (typeof SEVERITIES)[number] = 'info'): string {
  const out: string[] = [];
  const byNode = new Map<string, AnalysisDocument['findings']>();
  for (const f of doc.findings) {
    if (severityRank(f.severity) < severityRank(minSeverity)) continue;
    const list = byNode.get(f.node) ?? [];
    list.push(f);
    byNode.set(f.node, list);
  }
  for (const [node, findings] of [...byNode].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`${clean(node)}`);
    for (const f of findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.rule.localeCompare(b.rule))) {
      const mark = f.suppressed ? ` (suppressed: ${clean(f.suppression_reason ?? '')})` : '';
      out.push(`  ${f.severity.toUpperCase().padEnd(8)} ${f.rule}  ${clean(f.resource)}${mark}`);
      out.push(`           ${clean(f.message)}`);
    }
    out.push('');
  }
  const s = doc.summary;
  const counts = [...SEVERITIES].reverse().map((sev) => `${s.findings[sev]} ${sev}`).join(', ');
  out.push(`findings: ${counts}${s.suppressed ? `; ${s.suppressed} suppressed` : ''}; ${s.skipped} rule evaluation(s) skipped for missing sources; ${s.errors} collection/read error(s)`);
  return out.join('\n') + '\n';
}
