import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { HEADER_NAME, SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_VERSION, snapshotBaseName } from '../registry/layout.js';
import type { Manifest, ManifestItem, SnapshotHeader } from '../registry/manifest.js';
import { SOURCES } from '../registry/sources.js';
import type { SourceSpec } from '../registry/types.js';
import { NODESNAP_VERSION } from '../registry/version.js';
import { SnapshotArchive } from './archive.js';
import { collectSources } from './collect-sources.js';
import type { RunContext } from './context.js';
import { hostIdentity } from './host-identity.js';
import { recordItem } from './member-writer.js';
import { ModuleProbe } from './module-probe.js';
import { checkOptions } from './options.js';
import { startCaptures } from './pcap-capture.js';
import type { PcapCapture } from './pcap-capture.js';
import { commandEnv, commandPath, killAllRunning } from './process.js';
import { ConfinedRoot } from './sysroot-fs.js';

export { CollectUsageError } from './options.js';

export interface CollectOptions {
  /** File or existing folder; default: cwd/<snapshotBaseName(...)>.tar.gz */
  out?: string;
  /** Host root for 'host' file items and $SYSROOT in shell items. */
  sysroot?: string;
  pcap?: string[];
  pcapSeconds?: number;
  pcapFilter?: string;
  pcapMaxPackets?: number;
  pcapMaxBytes?: number;
  attach?: string[];
  only?: string[];
  skip?: string[];
  since?: string;
  label?: string;
  caseId?: string;
  /** Hard cap on total member bytes (default DEFAULT_MAX_SNAPSHOT_BYTES); manifest.json is outside it. */
  maxSize?: number;
  /** Commands run at once (default 3). */
  concurrency?: number;
  /** Recorded in the manifest. */
  commandLine?: string[];
  progress?: (line: string) => void;
  /** Test seam: where the module check reads proc/modules, sys/module and proc/config.gz (default '/'). */
  kernelRoot?: string;
}

export interface CollectResult {
  path: string;
  manifest: Manifest;
  /** Size of the .tar.gz on disk. */
  bytesWritten: number;
}

/**
 * Collects a snapshot of this node into one .tar.gz: snapshot.json first, then every source's
 * items in registry order (commands run a few at a time, written in order), pcap captures taken
 * while the rest is collected, attachments, and manifest.json last. Read-only throughout; a bad
 * option throws CollectUsageError before anything is written.
 */
export async function collect(options: CollectOptions, sources: readonly SourceSpec[] = SOURCES): Promise<CollectResult> {
  const checked = checkOptions(options, sources);
  const collectedAt = new Date();
  const host = new ConfinedRoot(checked.sysroot ?? '/');
  const identity = hostIdentity(host, collectedAt);
  const top = snapshotBaseName(identity.hostname, collectedAt, { caseId: options.caseId, label: options.label });
  const path = outputPath(options.out, top);
  const header: SnapshotHeader = {
    format: SNAPSHOT_FORMAT,
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    collector: { name: 'nodesnap', version: NODESNAP_VERSION, implementation: 'node' },
    hostname: identity.hostname,
    machineId: identity.machineId,
    collectedAt: collectedAt.toISOString(),
    clock: { utcOffset: identity.utcOffset, timezone: identity.timezone },
    root: identity.root,
    commandLine: options.commandLine ?? [],
    sysroot: checked.sysroot,
    label: options.label ?? null,
    caseId: options.caseId ?? null,
    since: checked.since?.text ?? null,
    limits: { maxSnapshotBytes: checked.maxSize, pcapSeconds: checked.pcap.length > 0 ? checked.pcapSeconds : null },
  };

  const partial = `${path}.partial`;
  const archive = SnapshotArchive.create(partial, top, checked.maxSize, collectedAt);
  const env = commandEnv({ sysroot: checked.sysroot === '/' || checked.sysroot === null ? '' : checked.sysroot, since: checked.since?.goDuration ?? '' });
  const ctx: RunContext = {
    archive,
    host,
    kernel: new ConfinedRoot('/'),
    probe: new ModuleProbe({ kernelRoot: options.kernelRoot ?? '/', sysroot: checked.sysroot ?? '/' }),
    isRoot: identity.root,
    env,
    path: commandPath(),
    since: checked.since,
    items: [],
    redactions: [],
    progress: options.progress ?? (() => undefined),
  };

  let captures: PcapCapture[] = [];
  try {
    // Captures start first so they also see the traffic of the collection itself.
    if (checked.pcap.length > 0 && !checked.excluded.has('pcap')) {
      captures = await startCaptures(checked.pcap, { seconds: checked.pcapSeconds, maxPackets: checked.pcapMaxPackets, maxBytes: checked.pcapMaxBytes, filter: checked.pcapFilter }, env, ctx.path, ctx.isRoot);
    }
    const headerBytes = Buffer.from(`${JSON.stringify(header, null, 2)}\n`);
    const started = Date.now();
    const headerRecord = await archive.addUncapped(HEADER_NAME, headerBytes);
    recordItem(ctx, { source: 'snapshot', item: 'header', kind: 'header', status: 'ok', durationMs: Date.now() - started, truncated: false, output: headerRecord });

    await collectSources(ctx, sources, checked, captures);

    const manifest: Manifest = {
      ...header,
      finishedAt: new Date().toISOString(),
      items: ctx.items,
      redactions: ctx.redactions,
      summary: summarize(ctx.items, archive.written),
    };
    const bytesWritten = await archive.finish(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
    renameSync(partial, path);
    return { path, manifest, bytesWritten };
  } catch (err) {
    for (const capture of captures) capture.stop();
    killAllRunning();
    await archive.abort();
    rmSync(partial, { force: true });
    throw err;
  }
}

function summarize(items: readonly ManifestItem[], bytes: number): Manifest['summary'] {
  const summary = { ok: 0, failed: 0, timeout: 0, skipped: 0, truncated: 0, bytes };
  for (const item of items) {
    summary[item.status]++;
    if (item.truncated) summary.truncated++;
  }
  return summary;
}

/** --out as a file, or a folder to put the default name in; default the current folder. */
function outputPath(out: string | undefined, top: string): string {
  const name = `${top}.tar.gz`;
  if (out === undefined) return resolve(name);
  const target = resolve(out);
  if (out.endsWith('/') || (existsSync(target) && statSync(target).isDirectory())) return join(target, name);
  return target;
}
