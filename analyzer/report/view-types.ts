/**
 * The report's view model: everything the HTML template, the JUnit, SARIF and Markdown writers
 * show, computed once from the analysis document, the rules' metadata and the database. The
 * writers are pure functions of it. Strings here are raw text (the template escapes them);
 * pictures are SvgMarkup, built by an escaping builder.
 */
import type { RuleMeta, Severity } from '../rules/types.js';
import type { SvgMarkup } from './pictures/svg.js';

export interface SeverityCount {
  severity: Severity;
  count: number;
}

/** Prose paragraph or command block of a rule's description/remediation. */
export interface TextBlock {
  code: boolean;
  text: string;
}

/** A rule's metadata as the report shows it (sources as in the rule file: "sysctl|kernel-log"). */
export interface RuleInfo extends Pick<RuleMeta, 'id' | 'title' | 'severity' | 'category' | 'description' | 'remediation' | 'references' | 'sources'> {
  /** Anchor of the rule's entry in the rules section: "rule-3". */
  anchor: string;
  descriptionBlocks: TextBlock[];
  remediationBlocks: TextBlock[];
  /** False for a rule id met in the findings without metadata (a rule from another run). */
  known: boolean;
}

/** A snapshot member a finding was read from: `<node>/<member>`, with a line when known. */
export interface MemberRef {
  node: string;
  member: string;
  line: number | null;
}

export interface FindingView {
  /** Anchor id in the HTML, unique in the report: "f12". */
  anchor: string;
  rule: string;
  title: string;
  severity: Severity;
  category: string;
  node: string;
  nodeId: number;
  nodeAnchor: string;
  resource: string;
  message: string;
  evidence: string;
  suppressed: boolean;
  suppressionReason: string | null;
  /** Members the finding's evidence comes from, the most likely first. */
  members: MemberRef[];
}

export interface RuleBlock {
  rule: RuleInfo;
  findings: FindingView[];
}

export interface NodeGroup {
  node: string;
  nodeId: number;
  nodeAnchor: string;
  count: number;
  rules: RuleBlock[];
}

export interface CategoryGroup {
  category: string;
  count: number;
  nodes: NodeGroup[];
}

export interface SeverityGroup {
  severity: Severity;
  /** Findings not suppressed. */
  count: number;
  suppressed: number;
  /** Rendered expanded (collapsed groups keep big reports quick to open). */
  open: boolean;
  categories: CategoryGroup[];
}

/** Rules that could not be evaluated (or failed), grouped by rule and reason. */
export interface RuleProblemGroup {
  rule: string;
  title: string;
  reason: string;
  nodes: string[];
  /** "a, b, c and 197 more" */
  nodesText: string;
}

/** Sources not usable, grouped by source, status and reason across nodes. */
export interface SourceProblemGroup {
  source: string;
  status: string;
  reason: string;
  nodes: string[];
  nodesText: string;
}

export interface CollectionError {
  node: string;
  nodeAnchor: string | null;
  input: string;
  member: string | null;
  kind: string;
  message: string;
  line: number | null;
}

export interface LabelValue {
  label: string;
  value: string;
}

export interface SourceProblem {
  source: string;
  status: string;
  reason: string;
}

export interface CertView {
  path: string;
  field: string;
  subject: string;
  issuer: string;
  notAfter: string;
  daysLeft: number | null;
  /** expired | soon (< 30 days) | later (< 90 days) | ok */
  state: 'expired' | 'soon' | 'later' | 'ok' | 'unknown';
  when: string;
}

export interface Picture {
  title: string;
  caption: string;
  svg: SvgMarkup;
}

export interface NodeView {
  nodeId: number;
  anchor: string;
  name: string;
  status: string;
  open: boolean;
  identity: LabelValue[];
  addresses: string[];
  counts: SeverityCount[];
  worst: Severity | null;
  findings: FindingView[];
  sourceProblems: SourceProblem[];
  skipped: { rule: string; reason: string }[];
  /** Rules that failed to run (the same reason on every node of the run). */
  ruleErrors: { rule: string; reason: string }[];
  errors: CollectionError[];
  certs: CertView[];
  gauges: SvgMarkup | null;
  chainGraphs: Picture[];
  packetPaths: Picture[];
}

export interface MatrixColumn {
  rule: string;
  title: string;
  severity: Severity;
}

export interface MatrixCell {
  text: string;
  /** CSS class: sev-<severity>, pass, skip, err. */
  cls: string;
  title: string;
  /** Sort key: worst severity and count for fired cells, negative for skipped/error. */
  sort: number;
}

export interface UsageCell {
  ratio: number;
  text: string;
  title: string;
}

export interface MatrixRow {
  node: string;
  nodeId: number;
  nodeAnchor: string;
  status: string;
  total: number;
  worstRank: number;
  conntrack: UsageCell | null;
  pids: UsageCell | null;
  disk: UsageCell | null;
  cells: MatrixCell[];
}

export interface MatrixView {
  columns: MatrixColumn[];
  rows: MatrixRow[];
  /** Rules that ran and passed (or were skipped) everywhere: not given a column. */
  quietRules: number;
}

export interface CertTimelineView {
  svg: SvgMarkup;
  /** Certificates expired or expiring within 90 days, soonest first. */
  urgent: (CertView & { node: string; nodeAnchor: string })[];
  nodesShown: number;
  nodesTotal: number;
}

export interface ReportSummary {
  nodes: number;
  nodeStatus: { status: string; count: number }[];
  severities: SeverityCount[];
  findings: number;
  suppressed: number;
  rulesRun: number;
  skippedResults: number;
  ruleErrors: number;
  errors: number;
  labels: string[];
  caseIds: string[];
  collectedFrom: string;
  collectedTo: string;
  generatedAt: string;
}

export interface FilterOptions {
  severities: SeverityCount[];
  categories: string[];
  nodes: { nodeId: number; name: string }[];
}

export interface ReportView {
  title: string;
  generatedAt: string;
  toolVersion: string;
  /** Big report: rule explanations start collapsed. */
  compact: boolean;
  summary: ReportSummary;
  skipped: RuleProblemGroup[];
  ruleErrors: RuleProblemGroup[];
  sourceProblems: SourceProblemGroup[];
  errors: CollectionError[];
  /** Errors beyond the ones listed (a batch of broken tarballs can have thousands). */
  errorsNotShown: number;
  severityGroups: SeverityGroup[];
  /** The first findings not suppressed, most severe first, for the summary. */
  topFindings: FindingView[];
  /** Every finding, in document order (critical first). */
  findings: FindingView[];
  rules: RuleInfo[];
  /** Rules with findings, for the rules section of a compact report (explanations printed once). */
  firedRules: RuleInfo[];
  nodes: NodeView[];
  matrix: MatrixView | null;
  certTimeline: CertTimelineView | null;
  filters: FilterOptions;
}
