/**
 * Builds the report's view model from the analysis document (the --json contract), the rules'
 * metadata and, when given, the database (read only: identity, addresses, certificates, usage,
 * iptables chains and captures for the pictures). Every output writer is a pure function of it.
 */
import type { Database } from 'better-sqlite3';
import { NODESNAP_VERSION } from '../../collector/registry/version.js';
import type { AnalysisDocument } from '../rules/report-json.js';
import type { Rule, RuleMeta } from '../rules/types.js';
import { drawCertTimeline, MAX_TIMELINE_ROWS } from './pictures/cert-timeline.js';
import { drawServiceChain } from './pictures/chain-graph.js';
import { drawGauges, gaugeRows } from './pictures/gauges.js';
import { drawPacketPath, packetPaths } from './pictures/packet-path.js';
import { selectServiceChains } from './pictures/service-chains.js';
import { SEVERITIES_DESC, groupFindings } from './finding-groups.js';
import { MemberLocator } from './finding-members.js';
import { buildMatrix } from './fleet-matrix.js';
import { listSome } from './format.js';
import { textBlocks } from './text-blocks.js';
import { readNodeData, type NodeData, type NodeRow } from './node-data.js';
import type {
  CertTimelineView,
  CollectionError,
  FindingView,
  NodeView,
  Picture,
  ReportSummary,
  ReportView,
  RuleInfo,
  RuleProblemGroup,
  SeverityCount,
  SourceProblemGroup,
} from './view-types.js';

export interface ReportInput {
  document: AnalysisDocument;
  /** The rules that ran (their metadata gives descriptions, fixes and references). */
  rules: readonly (Rule | RuleMeta)[];
  /** The analysis database, for node details and pictures; without it the report shows the document only. */
  db?: Database | null;
  title?: string;
}

export interface ViewOptions {
  /** Collection errors listed in the report (the rest are counted). */
  maxErrors: number;
  /** Severity groups (below high) with more findings render collapsed. */
  collapseAbove: number;
  /** Node sections render collapsed in batches larger than this. */
  openNodesUpTo: number;
  /** Rule explanations (why, fix, references) render expanded up to this many findings. */
  expandFixesUpTo: number;
}

const DEFAULTS: ViewOptions = { maxErrors: 500, collapseAbove: 400, openNodesUpTo: 12, expandFixesUpTo: 200 };

const metaOf = (r: Rule | RuleMeta): RuleMeta => ('meta' in r ? r.meta : r);

function ruleInfoFrom(meta: RuleMeta, anchor: string): RuleInfo {
  return {
    id: meta.id,
    anchor,
    title: meta.title,
    severity: meta.severity,
    category: meta.category,
    description: meta.description,
    remediation: meta.remediation,
    references: [...meta.references],
    descriptionBlocks: textBlocks(meta.description),
    remediationBlocks: textBlocks(meta.remediation),
    sources: [...meta.sources],
    known: true,
  };
}

function problemGroups(list: readonly { rule: string; node: string; reason: string }[], ruleInfo: (id: string) => RuleInfo, nodes: number): RuleProblemGroup[] {
  const groups = new Map<string, RuleProblemGroup>();
  for (const item of list) {
    const k = `${item.rule}\u0000${item.reason}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { rule: item.rule, title: ruleInfo(item.rule).title, reason: item.reason, nodes: [], nodesText: '' }));
    g.nodes.push(item.node);
  }
  for (const g of groups.values()) g.nodesText = g.nodes.length === nodes && nodes > 1 ? `all ${nodes} nodes` : listSome(g.nodes, 12);
  return [...groups.values()].sort((a, b) => b.nodes.length - a.nodes.length || a.rule.localeCompare(b.rule));
}

function severityCounts(findings: readonly FindingView[]): SeverityCount[] {
  return SEVERITIES_DESC.map((severity) => ({ severity, count: findings.filter((f) => f.severity === severity && !f.suppressed).length }));
}

function distinct(values: readonly unknown[]): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))].sort();
}

export function buildReportView(input: ReportInput, options: Partial<ViewOptions> = {}): ReportView {
  const opts = { ...DEFAULTS, ...options };
  const doc = input.document;
  const db = input.db ?? null;
  const known = new Map(input.rules.map((r, i) => [metaOf(r).id, ruleInfoFrom(metaOf(r), `rule-${i + 1}`)] as const));
  const titles = new Map(doc.findings.map((f) => [f.rule, f.title] as const));
  const ruleInfo = (id: string): RuleInfo => {
    let info = known.get(id);
    if (!info) {
      const sample = doc.findings.find((f) => f.rule === id);
      info = {
        id,
        anchor: `rule-${known.size + 1}`,
        title: titles.get(id) ?? id,
        severity: sample?.severity ?? 'info',
        category: sample?.category ?? id.split('/')[0] ?? '',
        description: '',
        remediation: '',
        references: [],
        descriptionBlocks: [],
        remediationBlocks: [],
        sources: [],
        known: false,
      };
      known.set(id, info);
    }
    return info;
  };

  const nodes = doc.nodes.map((n) => ({ ...n, node_id: Number(n.node_id) }) as NodeRow);
  const nodeAnchor = (nodeId: number) => `node-${nodeId}`;
  const nodeName = new Map(nodes.map((n) => [n.node_id, String(n.name ?? n.hostname ?? n.input ?? n.node_id)] as const));
  const nodeData: Map<number, NodeData> = readNodeData(db, nodes);
  const locator = db ? new MemberLocator(db) : null;

  const findings: FindingView[] = doc.findings.map((f, i) => ({
    anchor: `f${i + 1}`,
    rule: f.rule,
    title: f.title || ruleInfo(f.rule).title,
    severity: f.severity,
    category: f.category,
    node: f.node,
    nodeId: f.node_id,
    nodeAnchor: nodeAnchor(f.node_id),
    resource: f.resource,
    message: f.message,
    evidence: f.evidence,
    suppressed: f.suppressed,
    suppressionReason: f.suppression_reason,
    members: locator ? locator.locate({ rule: f.rule, node: f.node, nodeId: f.node_id, resource: f.resource, evidence: f.evidence }, ruleInfo(f.rule)) : [],
  }));

  const rulesRun = input.rules.map((r) => metaOf(r).id);
  const severityGroups = groupFindings(findings, ruleInfo, { collapseAbove: opts.collapseAbove });

  // pictures drawn from the database
  const chainsByNode = new Map<number, Picture[]>();
  if (db) {
    for (const model of selectServiceChains(db, findings.filter((f) => !f.suppressed).map((f) => ({ rule: f.rule, severity: f.severity, nodeId: f.nodeId, resource: f.resource, evidence: f.evidence })))) {
      const name = nodeName.get(model.nodeId) ?? String(model.nodeId);
      const list = chainsByNode.get(model.nodeId) ?? [];
      list.push({
        title: `${model.service} (${model.chain}${model.ruleset ? `, ${model.ruleset}` : ''})`,
        caption: model.reason.startsWith('busiest') ? `Drawn as the ${model.reason}.` : `Named by ${model.reason}.`,
        svg: drawServiceChain(model, name),
      });
      chainsByNode.set(model.nodeId, list);
    }
  }

  const findingsOf = new Map<number, FindingView[]>();
  for (const f of findings) {
    const list = findingsOf.get(f.nodeId) ?? [];
    list.push(f);
    findingsOf.set(f.nodeId, list);
  }
  const errorsOf = new Map<number, CollectionError[]>();
  const allErrors: CollectionError[] = doc.errors.map((e) => {
    const nodeId = typeof e.node_id === 'number' ? e.node_id : null;
    const err: CollectionError = {
      node: String(e.node ?? ''),
      nodeAnchor: nodeId !== null ? nodeAnchor(nodeId) : null,
      input: String(e.input ?? ''),
      member: typeof e.member === 'string' ? e.member : null,
      kind: String(e.kind ?? ''),
      message: String(e.message ?? ''),
      line: typeof e.line === 'number' ? e.line : null,
    };
    if (nodeId !== null) errorsOf.set(nodeId, [...(errorsOf.get(nodeId) ?? []), err]);
    return err;
  });

  const perNode = (list: AnalysisDocument['skipped']) => {
    const out = new Map<number, { rule: string; reason: string }[]>();
    for (const s of list) out.set(s.node_id, [...(out.get(s.node_id) ?? []), { rule: s.rule, reason: s.reason }]);
    return out;
  };
  const skippedOf = perNode(doc.skipped);
  const ruleErrorsOf = perNode(doc.ruleErrors);

  const nodeViews: NodeView[] = nodes.map((n) => {
    const data = nodeData.get(n.node_id) as NodeData;
    const mine = findingsOf.get(n.node_id) ?? [];
    const counts = severityCounts(mine).filter((c) => c.count > 0);
    const worst = counts.length ? (counts[0] as SeverityCount).severity : null;
    const name = nodeName.get(n.node_id) as string;
    const paths: Picture[] = [];
    if (db) {
      const pcapTexts = mine.filter((f) => f.category === 'pcap' || f.rule.startsWith('pcap/')).map((f) => `${f.resource}\n${f.evidence.slice(0, 2000)}`);
      if (pcapTexts.length) {
        for (const model of packetPaths(db, n.node_id, pcapTexts)) {
          const caption =
            model.lastSeen < 0
              ? 'No capture saw this flow.'
              : model.lastSeen === model.hops.length - 1
                ? `Seen on every captured interface (${model.hops.length}).`
                : `Last seen on ${model.hops[model.lastSeen]?.iface}; not seen on ${model.hops.slice(model.lastSeen + 1).map((h) => h.iface).join(', ')}.`;
          paths.push({ title: model.flow, caption, svg: drawPacketPath(model, name) });
        }
      }
    }
    return {
      nodeId: n.node_id,
      anchor: nodeAnchor(n.node_id),
      name,
      status: String(n.status ?? ''),
      open: nodes.length <= opts.openNodesUpTo,
      identity: data.identity,
      addresses: data.addresses,
      counts,
      worst,
      findings: mine,
      sourceProblems: data.sourceProblems,
      skipped: skippedOf.get(n.node_id) ?? [],
      ruleErrors: ruleErrorsOf.get(n.node_id) ?? [],
      errors: errorsOf.get(n.node_id) ?? [],
      certs: data.certs,
      gauges: drawGauges(name, gaugeRows(data)),
      chainGraphs: chainsByNode.get(n.node_id) ?? [],
      packetPaths: paths,
    };
  });

  const summary = buildSummary(doc, findings, nodes, rulesRun.length);
  return {
    title: input.title ?? defaultTitle(summary),
    generatedAt: doc.generatedAt,
    toolVersion: NODESNAP_VERSION,
    compact: findings.length > opts.expandFixesUpTo,
    summary,
    skipped: problemGroups(doc.skipped, ruleInfo, nodes.length),
    ruleErrors: problemGroups(doc.ruleErrors, ruleInfo, nodes.length),
    sourceProblems: sourceProblemGroups(nodeViews),
    errors: allErrors.slice(0, opts.maxErrors),
    errorsNotShown: Math.max(0, allErrors.length - opts.maxErrors),
    severityGroups,
    topFindings: findings.filter((f) => !f.suppressed).slice(0, 8),
    findings,
    rules: [...known.values()].sort((a, b) => a.id.localeCompare(b.id)),
    firedRules: [...new Set(findings.map((f) => f.rule))].sort().map(ruleInfo),
    nodes: nodeViews,
    matrix: nodes.length > 1 ? buildMatrix({ document: doc, findings, nodeData, nodeAnchor, ruleInfo, rulesRun }) : null,
    certTimeline: certTimeline(nodeViews),
    filters: {
      severities: summary.severities,
      categories: distinct(findings.map((f) => f.category)),
      nodes: nodeViews.map((n) => ({ nodeId: n.nodeId, name: n.name })).sort((a, b) => a.name.localeCompare(b.name)),
    },
  };
}

function sourceProblemGroups(nodes: readonly NodeView[]): SourceProblemGroup[] {
  const groups = new Map<string, SourceProblemGroup>();
  for (const n of nodes) {
    for (const p of n.sourceProblems) {
      const k = `${p.source}\u0000${p.status}\u0000${p.reason}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { source: p.source, status: p.status, reason: p.reason, nodes: [], nodesText: '' }));
      g.nodes.push(n.name);
    }
  }
  for (const g of groups.values()) g.nodesText = g.nodes.length === nodes.length && nodes.length > 1 ? `all ${nodes.length} nodes` : listSome(g.nodes, 12);
  return [...groups.values()].sort((a, b) => a.status.localeCompare(b.status) || b.nodes.length - a.nodes.length || a.source.localeCompare(b.source));
}

function buildSummary(doc: AnalysisDocument, findings: readonly FindingView[], nodes: readonly NodeRow[], rulesRun: number): ReportSummary {
  const statuses = new Map<string, number>();
  for (const n of nodes) statuses.set(String(n.status ?? 'unknown'), (statuses.get(String(n.status ?? 'unknown')) ?? 0) + 1);
  const times = nodes.map((n) => n.collected_at).filter((t): t is string => typeof t === 'string' && t !== '').sort();
  return {
    nodes: nodes.length,
    nodeStatus: [...statuses].map(([status, count]) => ({ status, count })),
    severities: severityCounts(findings),
    findings: findings.filter((f) => !f.suppressed).length,
    suppressed: findings.filter((f) => f.suppressed).length,
    rulesRun,
    skippedResults: doc.skipped.length,
    ruleErrors: doc.ruleErrors.length,
    errors: doc.errors.length,
    labels: distinct(nodes.map((n) => n.label)),
    caseIds: distinct(nodes.map((n) => n.case_id)),
    collectedFrom: times[0] ?? '',
    collectedTo: times[times.length - 1] ?? '',
    generatedAt: doc.generatedAt,
  };
}

function defaultTitle(s: ReportSummary): string {
  const what = [...s.caseIds, ...s.labels].join(', ');
  return `nodesnap report${what ? ` — ${what}` : ''} (${s.nodes} node${s.nodes === 1 ? '' : 's'})`;
}

function certTimeline(nodes: readonly NodeView[]): CertTimelineView | null {
  const withCerts = nodes.filter((n) => n.certs.some((c) => c.daysLeft !== null));
  if (withCerts.length === 0) return null;
  const soonest = (n: NodeView) => Math.min(...n.certs.map((c) => c.daysLeft ?? Infinity));
  const ordered = [...withCerts].sort((a, b) => soonest(a) - soonest(b) || a.name.localeCompare(b.name));
  const svg = drawCertTimeline(ordered.map((n) => ({ node: n.name, certs: n.certs })));
  if (!svg) return null;
  const urgent = nodes
    .flatMap((n) => n.certs.filter((c) => c.state === 'expired' || c.state === 'soon' || c.state === 'later').map((c) => ({ ...c, node: n.name, nodeAnchor: n.anchor })))
    .sort((a, b) => (a.daysLeft ?? 0) - (b.daysLeft ?? 0) || a.node.localeCompare(b.node))
    .slice(0, 200);
  return { svg, urgent, nodesShown: Math.min(ordered.length, MAX_TIMELINE_ROWS), nodesTotal: ordered.length };
}
