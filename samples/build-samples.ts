/**
 * Keeps the sample snapshots honest and packs them the way `nodesnap collect` does.
 *
 *   node dist/samples/build-samples.js [--check] [--out DIR]
 *
 * samples/nodes/<name>/ are readable snapshot folders (snapshot.json, members, manifest.json).
 * After an edit to a member, this refreshes the member's bytes and sha256 in manifest.json;
 * with --check it changes nothing and exits 1 when a manifest is stale (the tests run it).
 * Then it writes one .tar.gz per node into --out (default samples/out/): snapshot.json first,
 * members in manifest order, manifest.json last, all under nodesnap-<hostname>-<stamp>/.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { HEADER_NAME, MANIFEST_NAME, snapshotBaseName } from '../collector/registry/layout.js';
import type { Manifest, MemberRecord } from '../collector/registry/manifest.js';
import { projectRoot } from '../collector/registry/version.js';

const SAMPLES_DIR = join(projectRoot(), 'samples');

export interface SampleNode {
  name: string;
  dir: string;
}

export function listSampleNodes(nodesDir = join(SAMPLES_DIR, 'nodes')): SampleNode[] {
  return readdirSync(nodesDir)
    .filter((name) => existsSync(join(nodesDir, name, MANIFEST_NAME)))
    .sort()
    .map((name) => ({ name, dir: join(nodesDir, name) }));
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Members of a snapshot folder, relative paths, manifest.json excluded. */
function folderMembers(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...folderMembers(dir, rel));
    else if (entry.isFile() && rel !== MANIFEST_NAME) out.push(rel);
  }
  return out;
}

/** Problems that make a sample's manifest disagree with its folder, in words. */
export function staleRecords(node: SampleNode, manifest: Manifest): string[] {
  const problems: string[] = [];
  const listed = new Set<string>();
  const check = (record: MemberRecord | undefined) => {
    if (!record) return;
    listed.add(record.member);
    const path = join(node.dir, record.member);
    if (!existsSync(path)) {
      problems.push(`${node.name}: ${record.member} is listed but missing`);
      return;
    }
    const bytes = readFileSync(path);
    if (bytes.length !== record.bytes || sha256(bytes) !== record.sha256) problems.push(`${node.name}: ${record.member} changed`);
  };
  for (const item of manifest.items) {
    check(item.output);
    check(item.stderr);
  }
  for (const member of folderMembers(node.dir)) {
    if (!listed.has(member)) problems.push(`${node.name}: ${member} is not in the manifest`);
  }
  return problems;
}

/** Sets every member record's bytes and sha256 to what the folder holds now. */
export function refreshManifest(node: SampleNode, manifest: Manifest): Manifest {
  const refresh = (record: MemberRecord | undefined) => {
    if (!record) return;
    const bytes = readFileSync(join(node.dir, record.member));
    record.bytes = bytes.length;
    record.sha256 = sha256(bytes);
  };
  for (const item of manifest.items) {
    refresh(item.output);
    refresh(item.stderr);
  }
  manifest.summary.bytes = manifest.items.reduce((sum, i) => sum + (i.output?.bytes ?? 0) + (i.stderr?.bytes ?? 0), 0);
  return manifest;
}

/** Packs one sample folder into `<outDir>/<base>.tar.gz`; resolves to the tarball path. */
export async function packSample(node: SampleNode, outDir: string): Promise<string> {
  const manifestText = readFileSync(join(node.dir, MANIFEST_NAME));
  const manifest = JSON.parse(manifestText.toString('utf8')) as Manifest;
  const top = snapshotBaseName(manifest.hostname, new Date(manifest.collectedAt), { caseId: manifest.caseId, label: manifest.label });
  const path = join(outDir, `${top}.tar.gz`);
  const mtime = new Date(manifest.collectedAt);
  const pack = tar.pack();
  const written = pipeline(pack, createGzip({ level: 6 }), createWriteStream(path));
  const add = (member: string, bytes: Buffer) =>
    new Promise<void>((ok, fail) => pack.entry({ name: `${top}/${member}`, size: bytes.length, mode: 0o644, mtime }, bytes, (err) => (err ? fail(err) : ok())));
  const order = [HEADER_NAME, ...manifest.items.flatMap((i) => [i.output?.member, i.stderr?.member]).filter((m): m is string => !!m && m !== HEADER_NAME)];
  for (const member of order) await add(member, readFileSync(join(node.dir, member)));
  await add(MANIFEST_NAME, manifestText);
  pack.finalize();
  await written;
  return path;
}

async function main(argv: string[]): Promise<number> {
  const checkOnly = argv.includes('--check');
  const outIndex = argv.indexOf('--out');
  const outDir = resolve(outIndex >= 0 && argv[outIndex + 1] ? argv[outIndex + 1]! : join(SAMPLES_DIR, 'out'));
  const nodes = listSampleNodes();
  let stale = 0;
  for (const node of nodes) {
    const manifest = JSON.parse(readFileSync(join(node.dir, MANIFEST_NAME), 'utf8')) as Manifest;
    const problems = staleRecords(node, manifest);
    if (problems.length === 0) continue;
    if (checkOnly) {
      for (const p of problems) console.error(p);
      stale++;
      continue;
    }
    writeFileSync(join(node.dir, MANIFEST_NAME), JSON.stringify(refreshManifest(node, manifest), null, 2) + '\n');
    console.error(`${node.name}: manifest refreshed (${problems.length} change(s))`);
  }
  if (checkOnly) return stale ? 1 : 0;
  mkdirSync(outDir, { recursive: true });
  for (const node of nodes) {
    const path = await packSample(node, outDir);
    console.log(`${path} (${statSync(path).size} bytes)`);
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exitCode = 2;
    },
  );
}
