/**
 * `--sarif FILE`: SARIF 2.1.0. tool.driver.rules carries each rule's metadata (title, what and
 * why, the fix, references); each finding is a result whose level follows its severity and
 * whose locations are the snapshot members it was read from, relative to the SNAPSHOTS base
 * (`worker-1/iptables-save/iptables-save.txt`, with the line when known), plus a logical
 * location naming the node and resource. Rules that could not run are tool notifications.
 */
import { createHash } from 'node:crypto';
import type { Severity } from '../rules/types.js';
import type { FindingView, MemberRef, ReportView, RuleInfo } from './view-types.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SNAPSHOTS_BASE = 'SNAPSHOTS';

type Level = 'error' | 'warning' | 'note';

export function sarifLevel(severity: Severity): Level {
  if (severity === 'critical' || severity === 'high') return 'error';
  if (severity === 'medium') return 'warning';
  return 'note';
}

// GitHub code scanning reads this 0-10 score to label results critical/high/medium/low
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

/** A relative URI of a member: each path segment percent-encoded, separators kept. */
export function memberUri(ref: MemberRef): string {
  return [ref.node, ...ref.member.split('/')].map((segment) => encodeURIComponent(segment)).join('/');
}

function blocksText(blocks: RuleInfo['remediationBlocks']): string {
  return blocks.map((b) => (b.code ? b.text.split('\n').map((l) => `    ${l}`).join('\n') : b.text)).join('\n\n');
}

function blocksMarkdown(blocks: RuleInfo['remediationBlocks']): string {
  return blocks.map((b) => (b.code ? `\`\`\`\n${b.text.replace(/```/g, '`\u200b``')}\n\`\`\`` : b.text)).join('\n\n');
}

function ruleDescriptor(rule: RuleInfo): Record<string, unknown> {
  const help = blocksText(rule.remediationBlocks) || rule.remediation || rule.title;
  const refs = rule.references.length ? `\n\nReferences:\n${rule.references.map((r) => `- ${r}`).join('\n')}` : '';
  return {
    id: rule.id,
    name: rule.id.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toUpperCase()),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description || rule.title },
    help: { text: `${help}${refs}`, markdown: `${blocksMarkdown(rule.remediationBlocks) || help}${refs}` },
    ...(rule.references[0] && /^https?:\/\//.test(rule.references[0]) ? { helpUri: rule.references[0] } : {}),
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    properties: { category: rule.category, severity: rule.severity, tags: [rule.category], 'security-severity': SECURITY_SEVERITY[rule.severity], sources: rule.sources },
  };
}

function fingerprint(f: FindingView): string {
  return createHash('sha256').update(`${f.rule}\u0000${f.node}\u0000${f.resource}`).digest('hex');
}

function physical(ref: MemberRef): Record<string, unknown> {
  return {
    physicalLocation: {
      artifactLocation: { uri: memberUri(ref), uriBaseId: SNAPSHOTS_BASE },
      ...(ref.line !== null && ref.line >= 1 ? { region: { startLine: ref.line } } : {}),
    },
  };
}

function result(f: FindingView, ruleIndex: number): Record<string, unknown> {
  const [primary, ...related] = f.members;
  const logical = { logicalLocations: [{ name: f.resource || f.node, fullyQualifiedName: `${f.node}/${f.resource}`, kind: 'resource' }] };
  const message = `${f.node}: ${f.resource ? `${f.resource}: ` : ''}${f.message}`;
  return {
    ruleId: f.rule,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: sarifLevel(f.severity),
    message: { text: f.evidence ? `${message}\n\nEvidence:\n${f.evidence}` : message },
    locations: [primary ? { ...physical(primary), ...logical } : logical],
    ...(related.length ? { relatedLocations: related.map((r, i) => ({ id: i + 1, ...physical(r) })) } : {}),
    partialFingerprints: { 'nodesnapFinding/v1': fingerprint(f) },
    ...(f.suppressed ? { suppressions: [{ kind: 'external', status: 'accepted', justification: f.suppressionReason ?? '' }] } : {}),
    properties: { node: f.node, resource: f.resource, severity: f.severity, category: f.category, evidence: f.evidence },
  };
}

export function buildSarif(view: ReportView): Record<string, unknown> {
  const rules = view.rules;
  const index = new Map(rules.map((r, i) => [r.id, i] as const));
  const notifications = [
    ...view.skipped.map((s) => ({ level: 'note', message: { text: `${s.rule} skipped on ${s.nodesText}: ${s.reason}` }, descriptor: { id: 'rule-skipped' }, associatedRule: { id: s.rule } })),
    ...view.ruleErrors.map((s) => ({ level: 'error', message: { text: `${s.rule} failed on ${s.nodesText}: ${s.reason}` }, descriptor: { id: 'rule-error' }, associatedRule: { id: s.rule } })),
    ...view.errors.map((e) => ({
      level: 'warning',
      message: { text: `${e.node}: ${e.kind} error${e.member ? ` in ${e.member}${e.line ? `:${e.line}` : ''}` : ''}: ${e.message}` },
      descriptor: { id: `collection-${e.kind || 'error'}` },
    })),
  ];
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'nodesnap',
            version: view.toolVersion,
            semanticVersion: view.toolVersion,
            rules: rules.map(ruleDescriptor),
          },
        },
        originalUriBaseIds: {
          [SNAPSHOTS_BASE]: { description: { text: 'The analyzed snapshots, unpacked side by side: one folder per node, named after the node' } },
        },
        invocations: [{ executionSuccessful: true, endTimeUtc: view.generatedAt, toolExecutionNotifications: notifications }],
        results: view.findings.map((f) => result(f, index.get(f.rule) ?? -1)),
        properties: { nodes: view.nodes.map((n) => n.name), summary: view.summary },
      },
    ],
  };
}

export function renderSarif(view: ReportView): string {
  return `${JSON.stringify(buildSarif(view), null, 2)}\n`;
}
