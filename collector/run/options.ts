import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SourceSpec } from '../registry/types.js';
import { DEFAULT_MAX_SNAPSHOT_BYTES } from '../registry/types.js';
import { parseSince } from './since.js';
import type { SinceValue } from './since.js';

/** A bad option: the CLI exits 2 and nothing is written. */
export class CollectUsageError extends Error {}

export const DEFAULTS = {
  pcapSeconds: 10,
  pcapMaxPackets: 100_000,
  pcapMaxBytes: 64 * 1024 * 1024,
  concurrency: 3,
} as const;

export interface OptionsToCheck {
  sysroot?: string;
  pcap?: string[];
  pcapSeconds?: number;
  pcapMaxPackets?: number;
  pcapMaxBytes?: number;
  pcapFilter?: string;
  attach?: string[];
  only?: string[];
  skip?: string[];
  since?: string;
  maxSize?: number;
  concurrency?: number;
  out?: string;
}

/** Options checked and filled in, ready to run. */
export interface CheckedOptions {
  sysroot: string | null;
  pcap: string[];
  pcapSeconds: number;
  pcapMaxPackets: number;
  pcapMaxBytes: number;
  pcapFilter: string | null;
  attach: string[];
  /** Why a source is not collected (excluded by --only/--skip), by source name. */
  excluded: Map<string, string>;
  since: SinceValue | null;
  maxSize: number;
  concurrency: number;
}

/** Checks every option before anything is written; throws CollectUsageError. */
export function checkOptions(options: OptionsToCheck, sources: readonly SourceSpec[]): CheckedOptions {
  const names = new Set(sources.map((s) => s.name));
  const only = splitList(options.only);
  const skip = splitList(options.skip);
  for (const name of [...only, ...skip]) {
    if (!names.has(name)) throw new CollectUsageError(`unknown source: ${name} (see the source list in nodesnap collect --help)`);
  }
  const excluded = new Map<string, string>();
  for (const source of sources) {
    // --only picks among the regular sources; captures and attachments follow their own flags.
    if (only.length > 0 && !only.includes(source.name) && !source.onDemand) excluded.set(source.name, 'excluded by --only');
    if (skip.includes(source.name)) excluded.set(source.name, 'excluded by --skip');
  }

  let since: SinceValue | null = null;
  if (options.since !== undefined) {
    since = parseSince(options.since);
    if (!since) throw new CollectUsageError(`--since: expected a duration like 30m, 2h or 1d, got "${options.since}"`);
  }

  if (options.sysroot !== undefined && !isDirectory(options.sysroot)) throw new CollectUsageError(`--sysroot: not a directory: ${options.sysroot}`);
  for (const file of options.attach ?? []) {
    if (!isFile(file)) throw new CollectUsageError(`--attach: not a readable file: ${file}`);
  }
  if (options.out !== undefined && !isDirectory(options.out)) {
    // "dir/" names a folder; anything else is a file whose folder must exist
    const folder = options.out.endsWith('/') ? resolve(options.out) : dirname(resolve(options.out));
    if (!isDirectory(folder)) throw new CollectUsageError(`--out: folder does not exist: ${folder}`);
  }
  for (const iface of options.pcap ?? []) {
    if (!/^[A-Za-z0-9_.@:-]{1,64}$/.test(iface)) throw new CollectUsageError(`--pcap: not an interface name: ${iface}`);
  }

  return {
    sysroot: options.sysroot !== undefined ? resolve(options.sysroot) : null,
    pcap: [...new Set(options.pcap ?? [])],
    pcapSeconds: positive('--pcap-seconds', options.pcapSeconds, DEFAULTS.pcapSeconds),
    pcapMaxPackets: positive('--pcap-packets', options.pcapMaxPackets, DEFAULTS.pcapMaxPackets),
    pcapMaxBytes: positive('--pcap-bytes', options.pcapMaxBytes, DEFAULTS.pcapMaxBytes, 24),
    pcapFilter: options.pcapFilter?.trim() ? options.pcapFilter.trim() : null,
    attach: options.attach ?? [],
    excluded,
    since,
    maxSize: positive('--max-size', options.maxSize, DEFAULT_MAX_SNAPSHOT_BYTES),
    concurrency: positive('--concurrency', options.concurrency, DEFAULTS.concurrency, 1, 32),
  };
}

/** "a,b" and ["a", "b,c"] alike. */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0);
}

function positive(flag: string, value: number | undefined, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new CollectUsageError(`${flag}: expected an integer from ${min} to ${max}, got ${value}`);
  return value;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
