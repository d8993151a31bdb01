import { pcapMember } from '../registry/layout.js';
import type { PendingItem } from './context.js';
import type { CollectedMember } from './member-writer.js';
import { PcapBoundaryTracker } from './pcap-cutter.js';
import { findExecutable, MAX_STDERR_BYTES, startProcess } from './process.js';
import type { ProcessOutcome } from './process.js';
import { Spool } from './spool.js';

export interface PcapLimits {
  seconds: number;
  maxPackets: number;
  /** Per interface; the file is cut at the last whole record below it. */
  maxBytes: number;
  filter: string | null;
}

/** A capture running (or that could not start), finished by `result()`. */
export interface PcapCapture {
  iface: string;
  /** Ends the capture early (the collection failed). */
  stop(): void;
  result(): Promise<{ pending: PendingItem; output: CollectedMember | null; stderr: CollectedMember | null }>;
}

/** Snapshot length: whole packets up to jumbo GRO sizes, as tcpdump's default. */
const SNAPLEN = '262144';
/** Seconds a capture may take beyond --pcap-seconds (tcpdump flushing) before it is killed. */
const STOP_GRACE_SECONDS = 10;
/** How long to wait for tcpdump to report it is listening before collection goes on. */
const START_WAIT_MS = 3000;

/** The tcpdump command line of one capture. */
export function tcpdumpArgv(iface: string, limits: PcapLimits): string[] {
  const argv = ['tcpdump', '-i', iface, '-n', '-U', '-s', SNAPLEN, '-c', String(limits.maxPackets), '-w', '-'];
  if (limits.filter) argv.push(limits.filter);
  return argv;
}

/**
 * Starts one tcpdump per interface at the same time, so flows can be followed across
 * interfaces. Each stops on its own after `seconds` (SIGINT, so tcpdump flushes and reports
 * "N packets captured"), at `maxPackets` (tcpdump -c), or at `maxBytes` (cut at a record
 * boundary). Resolves once every capture is listening (or had a few seconds to get there).
 */
export async function startCaptures(ifaces: readonly string[], limits: PcapLimits, env: NodeJS.ProcessEnv, path: string, isRoot: boolean): Promise<PcapCapture[]> {
  const captures = ifaces.map((iface) => startCapture(iface, limits, env, path, isRoot));
  await Promise.all(captures.map((c) => c.started));
  return captures;
}

function startCapture(iface: string, limits: PcapLimits, env: NodeJS.ProcessEnv, path: string, isRoot: boolean): PcapCapture & { started: Promise<void> } {
  const argv = tcpdumpArgv(iface, limits);
  const member = pcapMember(iface);
  const base: PendingItem = { source: 'pcap', item: member.slice('pcap/'.length, -'.pcap'.length), kind: 'pcap', argv, status: 'skipped', durationMs: 0, truncated: false };
  const skipped = (reason: string): PcapCapture & { started: Promise<void> } => ({
    iface,
    stop: () => undefined,
    started: Promise.resolve(),
    result: async () => ({ pending: { ...base, reason }, output: null, stderr: null }),
  });
  if (!isRoot) return skipped('not root');
  if (findExecutable('tcpdump', path) === null) return skipped('tool not found: tcpdump');

  const started = Date.now();
  const data = new Spool();
  const errors = new Spool();
  const tracker = new PcapBoundaryTracker();
  const running = startProcess({
    argv,
    env,
    timeoutMs: (limits.seconds + STOP_GRACE_SECONDS) * 1000,
    maxBytes: limits.maxBytes,
    onStdout: (chunk) => {
      tracker.push(chunk);
      data.write(chunk);
    },
    onStderr: (chunk) => {
      if (errors.length < MAX_STDERR_BYTES) errors.write(chunk.subarray(0, MAX_STDERR_BYTES - errors.length));
    },
  });
  const timer = setTimeout(() => running.stop('SIGINT'), limits.seconds * 1000);
  const done = running.done.then((outcome) => {
    clearTimeout(timer);
    return outcome;
  });
  return {
    iface,
    stop: () => running.stop('SIGINT'),
    started: running.started(START_WAIT_MS),
    result: async () => {
      const outcome = await done;
      const stderr: CollectedMember = { member: `${member.slice(0, -'.pcap'.length)}.stderr`, spool: errors, redactions: [] };
      const pending: PendingItem = { ...base, exitCode: outcome.exitCode, signal: outcome.signal, durationMs: Date.now() - started, ...captureStatus(outcome, data.length) };
      if (outcome.capped) pending.truncated = true;
      if (outcome.notFound) {
        data.dispose();
        return { pending, output: null, stderr };
      }
      // A capture cut mid-record (byte cap, kill) keeps its whole records only.
      const length = tracker.isPcap ? tracker.validLength : data.length;
      return { pending, output: { member, spool: data, length, redactions: [] }, stderr };
    },
  };
}

function captureStatus(outcome: ProcessOutcome, bytes: number): Pick<PendingItem, 'status' | 'reason'> {
  if (outcome.notFound) return { status: 'skipped', reason: 'tool not found: tcpdump' };
  if (outcome.spawnError) return { status: 'failed', reason: outcome.spawnError };
  if (outcome.capped) return { status: 'ok', reason: 'byte cap reached' };
  if (outcome.timedOut) return { status: 'timeout', reason: 'tcpdump did not stop when asked' };
  // SIGINT is how a timed capture ends; tcpdump exits 0 on it, but a kill by SIGINT is fine too.
  if (outcome.exitCode === 0 || (outcome.signal === 'SIGINT' && bytes > 0)) return { status: 'ok' };
  if (outcome.signal) return { status: 'failed', reason: `killed by ${outcome.signal}` };
  return { status: 'failed', reason: `exit code ${outcome.exitCode ?? '?'}` };
}
