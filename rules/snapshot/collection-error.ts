/**
 * snapshot/collection-error: what the analysis of a node could not see, and why.
 *
 * Read from the loader's bookkeeping: manifest items (`files`: failed, timed out, skipped,
 * truncated), sources absent from the manifest (`source_status`), and parse/limit errors
 * (`errors`). A source that failed, timed out, was cut at its cap or did not parse is one finding;
 * sources skipped for one reason (not root, a tool or module missing, --skip) are one finding
 * together, so a missing `crictl` is one line, not three.
 *
 * Skips that hide nothing are left out unless `include_expected_skips` is set: a file that does
 * not exist (its absence is itself what the other rules read), private keys (never collected by
 * design), a module whose absence means the state it would hold does not exist (no ip_vs: no IPVS
 * services), nvidia-smi on a node without NVIDIA devices, iptables-{legacy,nft}-save when
 * iptables-save already dumped that backend, and on-demand sources (pcap, attachments) nobody
 * asked for.
 */
import { sourceOfMember } from '../../collector/registry/layout.js';
import { SOURCES } from '../../collector/registry/sources.js';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';

export const meta = {
  id: 'snapshot/collection-error',
  title: 'Part of the node could not be collected or read',
  severity: 'info',
  category: 'snapshot',
  description:
    'Something the analysis would have looked at is missing or incomplete: a command failed or timed out, its output was cut at its size cap, a source was skipped (not root, a tool or kernel module missing, excluded with --skip/--only), or its output could not be parsed. ' +
    'Rules that need a missing source report "skipped" rather than passing; this finding says what was not seen and why, so a clean report is not mistaken for a clean node. ' +
    'Skips that hide nothing (a file that does not exist, private keys, a module whose absence means there is no such state) are not reported.',
  remediation:
    'Collect again with what was missing, for the sources named here:\n' +
    '  not root:            sudo nodesnap collect ...\n' +
    '  tool not found:      install the tool (e.g. apt-get install conntrack ipvsadm; crictl from cri-tools) or run the collector from a DaemonSet image that has it, with --sysroot /host\n' +
    '  module not loaded:   the collector never loads kernel modules; load it yourself only if that is acceptable on the node (modprobe nf_conntrack_netlink)\n' +
    '  timed out / capped:  collect that source alone, e.g. nodesnap collect --only conntrack-xml, when the node is quieter\n' +
    '  parse errors:        attach the member named in the evidence to a nodesnap issue; the rest of the source was analysed',
  references: [],
  sources: [],
  parameters: {
    include_expected_skips: { default: false, description: 'also report skips that hide nothing (absent files, private keys, absent state modules, on-demand sources)' },
  },
} satisfies Omit<RuleMeta, 'file'>;

/** Kernel modules that hold the state a tool reads: without them there is nothing to read. */
const STATE_MODULES = new Set(['ip_tables', 'ip6_tables', 'nf_tables', 'ip_set', 'ip_vs', 'nf_conntrack']);

/** A skipped source whose view other sources give in part. */
const PARTLY_COVERED_BY: Record<string, string[]> = {
  'crictl-pods': ['docker-ps'],
  'crictl-ps': ['docker-ps'],
  'crictl-inspect': ['docker-inspect'],
  'conntrack-stats': ['proc-conntrack-stat'],
  'iptables-save': ['iptables-legacy-save', 'iptables-nft-save'],
};

/** The backend an iptables-*-save tool dumps. */
const BACKEND_TOOLS: Record<string, string> = { 'iptables-legacy-save': 'legacy', 'iptables-nft-save': 'nft' };

const SPEC = new Map(SOURCES.map((s) => [s.name, s] as const));

/** The registry's description of a source, for evidence. */
function describe(source: string): string {
  const d = SPEC.get(source)?.description;
  return d ? `${source}: ${d}` : source;
}

const list = (items: string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

/** State modules a source's tool needs: when none of them is loaded, the state does not exist. */
function stateModulesOf(source: string): string[] {
  const spec = SPEC.get(source);
  if (!spec) return [];
  const modules = spec.items.flatMap((i) => [...(i.requiresModules ?? []), ...(i.requiresAnyModule ?? [])]);
  return [...new Set(modules.filter((m) => STATE_MODULES.has(m)))];
}

/** Modules named by a skip reason ("module not loaded: a, b", "none of these modules loaded: a, b"). */
function modulesInReason(reason: string): string[] | null {
  const m = /^(?:modules? not (?:loaded|present)|none of these modules loaded): (.+)$/.exec(reason);
  return m ? m[1]!.split(/[\s,]+/).filter(Boolean) : null;
}

interface ItemRow {
  node_id: number;
  source: string;
  item: string | null;
  path: string | null;
  member: string | null;
  status: string | null;
  reason: string | null;
  truncated: number | null;
  rows: number | null;
}

interface ErrorRow {
  node_id: number;
  member: string | null;
  kind: string;
  message: string;
  line: number | null;
}

interface StatusRow {
  node_id: number;
  source: string;
  status: string;
  reason: string | null;
}

/** What one node lets the rule know about itself. */
interface NodeView {
  ok: Set<string>;
  modulesKnown: boolean;
  modules: Set<string>;
  iptablesBackend: string | null;
  nvidiaDevices: boolean;
  collectorVersion: string | null;
}

/** Problems of one source that failed, timed out, was truncated or did not parse. */
interface SourceTrouble {
  what: string[];
  evidence: string[];
  rows: number;
  members: number;
}

interface SkipGroup {
  reason: string;
  sources: string[];
  evidence: string[];
}

function emptyView(): NodeView {
  return { ok: new Set(), modulesKnown: false, modules: new Set(), iptablesBackend: null, nvidiaDevices: false, collectorVersion: null };
}

function nodeViews(ctx: RuleContext): Map<number, NodeView> {
  const { db } = ctx;
  const views = new Map<number, NodeView>();
  const at = (id: number) => {
    let v = views.get(id);
    if (!v) views.set(id, (v = emptyView()));
    return v;
  };
  for (const n of db.prepare('SELECT node_id, collector_version FROM nodes').all() as { node_id: number; collector_version: string | null }[]) {
    at(n.node_id).collectorVersion = n.collector_version;
  }
  for (const s of db.prepare("SELECT node_id, source FROM source_status WHERE status = 'ok'").all() as { node_id: number; source: string }[]) {
    const v = at(s.node_id);
    v.ok.add(s.source);
    if (s.source === 'proc-modules') v.modulesKnown = true;
  }
  for (const m of db.prepare('SELECT DISTINCT node_id, name FROM modules').all() as { node_id: number; name: string }[]) at(m.node_id).modules.add(m.name);
  for (const f of db.prepare(`SELECT node_id, value FROM node_facts WHERE key = 'iptables.backend'`).all() as { node_id: number; value: string }[]) {
    at(f.node_id).iptablesBackend = f.value;
  }
  const gpus = db
    .prepare(`SELECT node_id FROM gpu_devices UNION SELECT node_id FROM modules WHERE name LIKE 'nvidia%'`)
    .all() as { node_id: number }[];
  for (const g of gpus) at(g.node_id).nvidiaDevices = true;
  return views;
}

/** True when a skipped source hides nothing the analysis could have used. */
function hidesNothing(source: string, reason: string, view: NodeView): boolean {
  if (reason === 'no matching files' || reason.startsWith('private key')) return true;
  const modules = modulesInReason(reason);
  if (modules) return modules.every((m) => STATE_MODULES.has(m));
  const tool = /^tool not found: (.+)$/.exec(reason)?.[1];
  if (tool === undefined) return false;
  if (source === 'nvidia-smi') return !view.nvidiaDevices;
  const backend = BACKEND_TOOLS[source];
  if (backend && view.ok.has('iptables-save') && view.iptablesBackend === backend) return true;
  const state = stateModulesOf(source);
  return view.modulesKnown && state.length > 0 && !state.some((m) => view.modules.has(m));
}

function itemLabel(r: ItemRow): string {
  return [r.source, r.item && r.item !== r.source ? r.item : null, r.path].filter(Boolean).join(' ');
}

/** How a problem item is named inside its source's sentence: nothing for a one-item command source. */
function itemInSource(r: ItemRow): string {
  if (r.path) return `${r.path} `;
  const spec = SPEC.get(r.source);
  return !spec || spec.items.length > 1 ? `item ${r.item ?? '?'} ` : '';
}

function timeoutText(reason: string | null): string {
  if (reason && /^timed out/.test(reason)) return reason;
  return `timed out${reason ? ` (${reason})` : ''}`;
}

function itemEvidence(r: ItemRow): string {
  const status = `${r.status ?? '?'}${r.reason ? ` (${r.reason})` : ''}${r.truncated ? ', truncated at its size cap' : ''}`;
  return `manifest.json: ${itemLabel(r)}: ${status}${r.member ? ` -> ${r.member}, ${r.rows ?? 0} rows parsed` : ''}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function troubleMessage(source: string, t: SourceTrouble): string {
  const consequence =
    t.members > 0
      ? `only the ${plural(t.rows, 'row')} read ${t.rows === 1 ? 'was' : 'were'} analysed, so what rules count from it is a lower bound`
      : 'nothing of it was analysed and rules that need it are skipped';
  return `${source}: ${t.what.join('; ')}: ${consequence}`;
}

function skipMessage(g: SkipGroup, view: NodeView): string {
  const one = g.sources.length === 1;
  const covered = [...new Set(g.sources.flatMap((s) => PARTLY_COVERED_BY[s] ?? []).filter((s) => view.ok.has(s)))].sort();
  const note = covered.length ? `; ${list(covered)} ${covered.length === 1 ? 'was collected and covers' : 'were collected and cover'} part of it` : '';
  return `${list(g.sources)} ${one ? 'was' : 'were'} not collected (${g.reason}), so rules that need ${one ? 'it' : 'them'} are skipped${note}`;
}

/** What the analysis could not see, per node: troubled sources and groups of skipped ones. */
class Gaps {
  readonly troubles = new Map<number, Map<string, SourceTrouble>>();
  readonly skips = new Map<number, Map<string, SkipGroup>>();

  trouble(nodeId: number, source: string): SourceTrouble {
    let perNode = this.troubles.get(nodeId);
    if (!perNode) this.troubles.set(nodeId, (perNode = new Map()));
    let t = perNode.get(source);
    if (!t) perNode.set(source, (t = { what: [], evidence: [], rows: 0, members: 0 }));
    return t;
  }

  skipped(nodeId: number, reason: string): SkipGroup {
    let perNode = this.skips.get(nodeId);
    if (!perNode) this.skips.set(nodeId, (perNode = new Map()));
    let g = perNode.get(reason);
    if (!g) perNode.set(reason, (g = { reason, sources: [], evidence: [] }));
    return g;
  }
}

/** Manifest items that failed, timed out, were truncated or skipped. */
function addItems(ctx: RuleContext, gaps: Gaps, wanted: Set<number>, viewOf: (id: number) => NodeView, includeExpected: boolean): void {
  const items = ctx.db
    .prepare(
      `SELECT node_id, source, item, path, member, status, reason, truncated, rows FROM files
        WHERE role IN ('item', 'output', 'file') AND source <> 'snapshot'
          AND (status IN ('failed', 'timeout', 'skipped') OR truncated = 1)
        ORDER BY node_id, source, member, item, path`,
    )
    .all() as ItemRow[];
  for (const r of items) {
    if (!wanted.has(r.node_id)) continue;
    if (r.status === 'skipped') {
      const reason = r.reason ?? 'no reason given';
      if (!includeExpected && hidesNothing(r.source, reason, viewOf(r.node_id))) continue;
      const g = gaps.skipped(r.node_id, reason);
      if (!g.sources.includes(r.source)) g.sources.push(r.source);
      g.evidence.push(itemEvidence(r));
      continue;
    }
    const t = gaps.trouble(r.node_id, r.source);
    if (r.status === 'timeout') t.what.push(`${itemInSource(r)}${timeoutText(r.reason)}`);
    else if (r.status === 'failed') t.what.push(`${itemInSource(r)}failed${r.reason ? ` (${r.reason})` : ''}`);
    if (r.truncated) t.what.push(`${itemInSource(r)}output was cut at its size cap`);
    if (r.member) {
      t.members++;
      t.rows += r.rows ?? 0;
    }
    t.evidence.push(itemEvidence(r));
  }
}

/** Parse and limit errors, one sentence per member and kind with a count. */
function addErrors(ctx: RuleContext, gaps: Gaps, wanted: Set<number>): void {
  const errors = ctx.db
    .prepare(`SELECT node_id, member, kind, message, line FROM errors WHERE kind IN ('parse', 'limit') ORDER BY node_id, member, line IS NULL, line`)
    .all() as ErrorRow[];
  const byMember = new Map<string, { first: ErrorRow; count: number; source: string }>();
  for (const e of errors) {
    if (!wanted.has(e.node_id)) continue;
    const source = (e.member && sourceOfMember(e.member)) || 'snapshot';
    const key = `${e.node_id}\0${e.member ?? ''}\0${e.kind}`;
    const seen = byMember.get(key);
    // the loader records the first malformed lines of a member, then one row counting the rest
    const more = e.kind === 'parse' && e.line === null ? /^(\d+) more malformed line/.exec(e.message) : null;
    const weight = more ? Number(more[1]) : 1;
    if (seen) seen.count += weight;
    else byMember.set(key, { first: e, count: weight, source });
    if (!more && (seen?.count ?? 1) <= 5) gaps.trouble(e.node_id, source).evidence.push(`${e.member ?? '(snapshot)'}${e.line ? `:${e.line}` : ''}: ${e.kind} error: ${e.message}`);
  }
  for (const { first: e, count, source } of byMember.values()) {
    const t = gaps.trouble(e.node_id, source);
    const member = e.member ?? source;
    if (e.kind === 'limit') t.what.push(`${member}: ${e.message}`);
    else if (count === 1) t.what.push(`${e.line ? `line ${e.line} of ` : ''}${member} did not parse (${e.message})`);
    else t.what.push(`${count} lines of ${member} did not parse (first${e.line ? ` at line ${e.line}` : ''}: ${e.message})`);
    if (count > 5) t.evidence.push(`... ${count - 5} more ${e.kind} errors in ${member}`);
  }
  // sources that only had errors: the consequence depends on whether anything was read
  const read = ctx.db
    .prepare(`SELECT node_id, source, COUNT(*) AS members, COALESCE(SUM(rows), 0) AS rows FROM files WHERE member IS NOT NULL AND role IN ('output', 'file') GROUP BY node_id, source`)
    .all() as { node_id: number; source: string; members: number; rows: number }[];
  for (const r of read) {
    const t = gaps.troubles.get(r.node_id)?.get(r.source);
    if (t && t.members === 0) {
      t.members = r.members;
      t.rows = r.rows;
    }
  }
}

/** Sources that did not parse at all, and sources the manifest does not know. */
function addStatuses(ctx: RuleContext, gaps: Gaps, wanted: Set<number>, includeExpected: boolean): void {
  const statuses = ctx.db
    .prepare(`SELECT node_id, source, status, reason FROM source_status WHERE status IN ('missing', 'parse_error') ORDER BY node_id, source`)
    .all() as StatusRow[];
  for (const s of statuses) {
    if (!wanted.has(s.node_id)) continue;
    if (s.status === 'parse_error') {
      const t = gaps.trouble(s.node_id, s.source);
      if (!t.what.length) t.what.push(`no member of it could be parsed${s.reason ? ` (${s.reason})` : ''}`);
      continue;
    }
    // listed-but-absent, no manifest, unreadable input: snapshot/integrity-mismatch reports the cause
    if (s.reason !== null && !s.reason.startsWith('not collected')) continue;
    if (!includeExpected && SPEC.get(s.source)?.onDemand) continue;
    gaps.skipped(s.node_id, NOT_IN_MANIFEST).sources.push(s.source);
  }
}

const NOT_IN_MANIFEST = 'not in manifest.json';

export function run(ctx: RuleContext): RuleFinding[] {
  const includeExpected = ctx.params.include_expected_skips === true || ctx.params.include_expected_skips === 1;
  const wanted = new Set(ctx.nodeIds);
  const views = nodeViews(ctx);
  const viewOf = (id: number): NodeView => views.get(id) ?? emptyView();
  const gaps = new Gaps();
  addItems(ctx, gaps, wanted, viewOf, includeExpected);
  addErrors(ctx, gaps, wanted);
  addStatuses(ctx, gaps, wanted, includeExpected);

  const findings: RuleFinding[] = [];
  for (const [nodeId, perNode] of gaps.troubles) {
    for (const [source, t] of perNode) {
      findings.push({ node_id: nodeId, resource: source, message: troubleMessage(source, t), evidence: [describe(source), ...t.evidence].join('\n') });
    }
  }
  for (const [nodeId, perNode] of gaps.skips) {
    const view = viewOf(nodeId);
    for (const g of perNode.values()) {
      if (g.reason === NOT_IN_MANIFEST) {
        const who = view.collectorVersion ? `collector ${view.collectorVersion}` : 'the collector';
        findings.push({
          node_id: nodeId,
          resource: g.sources.join(', '),
          message: `${plural(g.sources.length, 'source')} ${g.sources.length === 1 ? 'is' : 'are'} not in this snapshot's manifest (${who} may predate them, or the snapshot was assembled by hand): ${g.sources.join(', ')}; rules that need them are skipped`,
          evidence: g.sources.map((s) => `source_status: ${s}: missing (not in manifest.json)`).join('\n'),
        });
        continue;
      }
      findings.push({ node_id: nodeId, resource: g.sources.join(', '), message: skipMessage(g, view), evidence: [...g.evidence, ...g.sources.map(describe)].join('\n') });
    }
  }
  return findings.sort((a, b) => a.node_id - b.node_id || a.resource.localeCompare(b.resource));
}
