/**
 * Rule fixtures: minimal snapshot folders beside each rule, in `<category>/<slug>.fixtures/<case>/`.
 * A case whose name starts with `fires` must produce at least one finding of the rule, one that
 * starts with `quiet` none (and the rule must have been evaluated, not skipped), one that starts
 * with `skipped` must be skipped on every node.
 *
 * A case is one node (a folder of members such as `sysctl/sysctl.txt`) or a batch (sub-folders,
 * one per node, for fleet rules). A node folder may hold `fixture.json`:
 *   { "base": "sample:worker-1" | "<name of rules/_fixtures/<name>>",   start from this node's members
 *     "remove": ["ip-route/ipv4.txt", "certs/"],                          drop members (a trailing / drops a folder)
 *     "hostname": "node-a",                                               default: the case (or node folder) name
 *     "items": [{ "source": "sysctl", "status": "skipped", "reason": "tool not found: sysctl" }],  extra manifest items
 *     "collectedAt": "2026-11-20T08:15:03Z" }
 * and `expect.json` beside the case: { "count": 2, "resources": ["..."], "severity": "critical" }.
 * The fixture is materialised into a temporary snapshot folder with snapshot.json and a manifest
 * listing every member, so the analyzer reads it like a real snapshot.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { HEADER_NAME, MANIFEST_NAME, SNAPSHOT_FORMAT_VERSION, sourceOfMember } from '../../collector/registry/layout.js';
import type { Manifest, ManifestItem, SnapshotHeader } from '../../collector/registry/manifest.js';
import { projectRoot } from '../../collector/registry/version.js';

export type CaseKind = 'fires' | 'quiet' | 'skipped';

export interface FixtureCase {
  rule: string;
  name: string;
  kind: CaseKind;
  dir: string;
}

export interface CaseExpectation {
  count?: number;
  resources?: string[];
  severity?: string;
}

interface FixtureSpec {
  base?: string;
  remove?: string[];
  hostname?: string;
  items?: Partial<ManifestItem>[];
  collectedAt?: string;
}

const DEFAULT_COLLECTED_AT = '2026-11-20T08:15:03Z';

export function caseKind(name: string): CaseKind | null {
  for (const k of ['fires', 'quiet', 'skipped'] as const) if (name === k || name.startsWith(`${k}-`)) return k;
  return null;
}

/** Fixture cases of one rule (none when it has no fixtures folder). */
export function fixtureCases(rulesRoot: string, ruleId: string): FixtureCase[] {
  const dir = join(rulesRoot, `${ruleId}.fixtures`);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ rule: ruleId, name: e.name, kind: caseKind(e.name), dir: join(dir, e.name) }))
    .filter((c): c is FixtureCase => c.kind !== null)
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function caseExpectation(c: FixtureCase): CaseExpectation {
  const file = join(c.dir, 'expect.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CaseExpectation) : {};
}

function isNestedNode(dir: string): boolean {
  return existsSync(join(dir, 'fixture.json')) || existsSync(join(dir, HEADER_NAME));
}

/** The node folders of a case: the case itself, or its sub-folders for a batch. */
function nodeFolders(caseDir: string): string[] {
  const subs = readdirSync(caseDir, { withFileTypes: true }).filter((e) => e.isDirectory() && isNestedNode(join(caseDir, e.name)));
  if (subs.length > 0 && !existsSync(join(caseDir, 'fixture.json'))) return subs.map((e) => join(caseDir, e.name)).sort();
  return [caseDir];
}

function filesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

function baseDir(base: string, rulesRoot: string): string {
  if (base.startsWith('sample:')) return join(projectRoot(), 'samples', 'nodes', base.slice('sample:'.length));
  return join(rulesRoot, '_fixtures', base);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Writes one node of a fixture as a complete snapshot folder under `into`. */
function materialiseNode(nodeDir: string, name: string, rulesRoot: string, into: string): void {
  const specFile = join(nodeDir, 'fixture.json');
  const spec: FixtureSpec = existsSync(specFile) ? (JSON.parse(readFileSync(specFile, 'utf8')) as FixtureSpec) : {};
  mkdirSync(into, { recursive: true });
  let baseManifest: Manifest | null = null;
  if (spec.base) {
    const from = baseDir(spec.base, rulesRoot);
    if (!existsSync(from)) throw new Error(`fixture ${nodeDir}: base ${spec.base} not found at ${from}`);
    cpSync(from, into, { recursive: true });
    if (existsSync(join(from, MANIFEST_NAME))) baseManifest = JSON.parse(readFileSync(join(from, MANIFEST_NAME), 'utf8')) as Manifest;
  }
  for (const removal of spec.remove ?? []) rmSync(join(into, removal), { recursive: true, force: true });
  for (const member of filesBelow(nodeDir)) {
    if (member === 'fixture.json' || member === 'expect.json') continue;
    mkdirSync(dirname(join(into, member)), { recursive: true });
    cpSync(join(nodeDir, member), join(into, member));
  }
  rmSync(join(into, MANIFEST_NAME), { force: true });
  const header: SnapshotHeader = {
    format: 'nodesnap-snapshot',
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    collector: { name: 'nodesnap', version: 'fixture', implementation: 'node' },
    hostname: spec.hostname ?? name,
    machineId: createHash('md5').update(`machine-id:${spec.hostname ?? name}`).digest('hex'),
    collectedAt: spec.collectedAt ?? DEFAULT_COLLECTED_AT,
    clock: { utcOffset: '+0800', timezone: 'Asia/Shanghai' },
    root: true,
    commandLine: ['nodesnap', 'collect'],
    sysroot: null,
    label: null,
    caseId: null,
    since: null,
    limits: { maxSnapshotBytes: 1 << 30, pcapSeconds: null },
  };
  writeFileSync(join(into, HEADER_NAME), JSON.stringify(header, null, 2) + '\n');
  // keep the base's item metadata (argv, mtime, statuses) for members still present
  const baseItems = new Map((baseManifest?.items ?? []).filter((i) => i.output).map((i) => [i.output!.member, i] as const));
  const items: ManifestItem[] = [];
  for (const member of filesBelow(into).sort()) {
    if (member === MANIFEST_NAME) continue;
    const bytes = readFileSync(join(into, member));
    const output = { member, bytes: bytes.length, sha256: sha256(bytes) };
    const known = baseItems.get(member);
    if (member === HEADER_NAME) {
      items.unshift({ source: 'snapshot', item: 'header', kind: 'header', status: 'ok', durationMs: 0, output, truncated: false });
      continue;
    }
    const source = sourceOfMember(member);
    const rest = member.slice(source.length + 1);
    const looksLikeFile = rest.includes('/') || !/\.(txt|json|xml|stderr)$/.test(rest);
    items.push(
      known
        ? { ...known, output }
        : looksLikeFile
          ? { source, item: 'fixture', kind: 'files', path: `/${rest}`, status: 'ok', durationMs: 0, output, truncated: false, mtime: header.collectedAt, mode: '0644', fileSize: bytes.length }
          : { source, item: rest.replace(/\.[a-z]+$/, ''), kind: 'command', argv: [source], status: 'ok', exitCode: 0, durationMs: 0, output, truncated: false },
    );
  }
  // skipped/failed items of the base whose source has no member left stay as they were
  for (const item of baseManifest?.items ?? []) if (!item.output && !items.some((i) => i.source === item.source)) items.push(item);
  for (const extra of spec.items ?? []) {
    items.push({ item: 'fixture', kind: 'command', status: 'skipped', durationMs: 0, truncated: false, ...extra } as ManifestItem);
  }
  const manifest: Manifest = {
    ...header,
    finishedAt: header.collectedAt,
    items,
    redactions: [],
    summary: {
      ok: items.filter((i) => i.status === 'ok').length,
      failed: items.filter((i) => i.status === 'failed').length,
      timeout: items.filter((i) => i.status === 'timeout').length,
      skipped: items.filter((i) => i.status === 'skipped').length,
      truncated: items.filter((i) => i.truncated).length,
      bytes: items.reduce((s, i) => s + (i.output?.bytes ?? 0), 0),
    },
  };
  writeFileSync(join(into, MANIFEST_NAME), JSON.stringify(manifest, null, 2) + '\n');
}

/** Materialises a case into snapshot folders; returns them and a cleanup function. */
export function materialiseCase(c: FixtureCase, rulesRoot: string): { folders: string[]; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'nodesnap-fixture-'));
  const nodes = nodeFolders(c.dir);
  const folders = nodes.map((dir) => {
    const name = nodes.length === 1 ? `${c.rule.replace('/', '-')}-${c.name}` : relative(c.dir, dir);
    const into = join(root, name);
    materialiseNode(dir, name, rulesRoot, into);
    return into;
  });
  return { folders, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
