/**
 * `--junit FILE`: the analysis as JUnit XML for CI pipelines. One test suite per rule, one test
 * case per rule × node: a <failure> per finding, <skipped> when the rule could not be evaluated
 * there, <error> when it failed to run. Suppressed findings do not fail; they are listed in
 * <system-out>.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { FindingView, ReportView } from './view-types.js';

type XmlNode = Record<string, unknown>;

// XML 1.0 cannot carry most C0 control characters, even escaped; a snapshot line may hold them
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const clean = (text: string): string => text.replace(INVALID_XML, '\ufffd');
const oneLine = (text: string): string => clean(text).replace(/\s*\n\s*/g, ' ').trim();

function failureText(f: FindingView, fix: string): string {
  return clean(
    [`${f.severity.toUpperCase()} ${f.rule} on ${f.node}`, f.resource ? `resource: ${f.resource}` : '', f.message, f.evidence ? `\nevidence:\n${f.evidence}` : '', fix ? `\nfix:\n${fix}` : '']
      .filter((l) => l !== '')
      .join('\n'),
  );
}

export function renderJunit(view: ReportView): string {
  const key = (rule: string, nodeId: number) => `${rule}\u0000${nodeId}`;
  const findings = new Map<string, FindingView[]>();
  for (const f of view.findings) findings.set(key(f.rule, f.nodeId), [...(findings.get(key(f.rule, f.nodeId)) ?? []), f]);
  const skipped = new Map<string, string>();
  for (const n of view.nodes) for (const s of n.skipped) skipped.set(key(s.rule, n.nodeId), s.reason);
  const errors = new Map<string, string>();
  for (const n of view.nodes) for (const e of n.ruleErrors) errors.set(key(e.rule, n.nodeId), e.reason);

  // every rule that ran, plus any rule only met in the findings (metadata not given)
  const rules = view.rules;
  let totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suites: XmlNode[] = rules.map((rule) => {
    const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    const cases: XmlNode[] = view.nodes.map((node) => {
      counts.tests++;
      const k = key(rule.id, node.nodeId);
      const tc: XmlNode = { '@_classname': rule.id, '@_name': node.name, '@_time': '0' };
      const mine = findings.get(k) ?? [];
      const active = mine.filter((f) => !f.suppressed);
      const accepted = mine.filter((f) => f.suppressed);
      const fix = rule.remediation;
      if (active.length) {
        counts.failures++;
        tc.failure = active.map((f) => ({ '@_type': f.severity, '@_message': oneLine(`${f.resource ? `${f.resource}: ` : ''}${f.message}`), '#text': failureText(f, fix) }));
      } else if (errors.has(k)) {
        counts.errors++;
        tc.error = { '@_type': 'rule-error', '@_message': oneLine(errors.get(k) as string) };
      } else if (skipped.has(k)) {
        counts.skipped++;
        tc.skipped = { '@_message': oneLine(skipped.get(k) as string) };
      }
      if (accepted.length) {
        tc['system-out'] = clean(accepted.map((f) => `suppressed: ${f.resource}: ${f.message}${f.suppressionReason ? ` (${f.suppressionReason})` : ''}`).join('\n'));
      }
      return tc;
    });
    totals = {
      tests: totals.tests + counts.tests,
      failures: totals.failures + counts.failures,
      errors: totals.errors + counts.errors,
      skipped: totals.skipped + counts.skipped,
    };
    return {
      '@_name': rule.id,
      '@_tests': String(counts.tests),
      '@_failures': String(counts.failures),
      '@_errors': String(counts.errors),
      '@_skipped': String(counts.skipped),
      '@_time': '0',
      '@_timestamp': view.generatedAt.replace(/\.\d+Z$/, ''),
      properties: {
        property: [
          { '@_name': 'severity', '@_value': rule.severity },
          { '@_name': 'category', '@_value': rule.category },
          { '@_name': 'title', '@_value': oneLine(rule.title) },
        ],
      },
      testcase: cases,
    };
  });

  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressEmptyNode: true });
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': oneLine(view.title),
      '@_tests': String(totals.tests),
      '@_failures': String(totals.failures),
      '@_errors': String(totals.errors),
      '@_skipped': String(totals.skipped),
      '@_time': '0',
      testsuite: suites,
    },
  }) as string;
}
