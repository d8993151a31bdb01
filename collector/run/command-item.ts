import type { RedactionRecord } from '../registry/manifest.js';
import { outputMember, stderrMember } from '../registry/layout.js';
import type { CommandItem, ShellItem } from '../registry/types.js';
import { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_SECONDS } from '../registry/types.js';
import { createRedactor } from '../redact/index.js';
import type { PendingItem, RunContext } from './context.js';
import type { CollectedMember } from './member-writer.js';
import { findExecutable, MAX_STDERR_BYTES, startProcess } from './process.js';
import type { ProcessOutcome } from './process.js';
import { withSinceArgs } from './since.js';
import { Spool } from './spool.js';

/** A command or shell item that has run (or was skipped), its output waiting to be written. */
export interface PreparedItem {
  pending: PendingItem;
  output: CollectedMember | null;
  stderr: CollectedMember | null;
}

interface Attempt {
  argv: string[];
  outcome: ProcessOutcome;
  output: CollectedMember;
  stderr: CollectedMember;
}

/**
 * Runs one command or shell item: checks root, tools and kernel modules first (a skip is
 * recorded, never fatal), then tries its argv and fallbacks in turn until one exits 0, times
 * out or fills its cap. Output and stderr are redacted as they stream in.
 */
export async function runCommandItem(ctx: RunContext, source: string, item: CommandItem | ShellItem): Promise<PreparedItem> {
  const base: PendingItem = { source, item: item.id, kind: item.kind, status: 'skipped', durationMs: 0, truncated: false };
  const candidates =
    item.kind === 'shell' ? [['sh', '-c', item.script]] : [item.argv, ...(item.fallbacks ?? [])].map((argv) => withSinceArgs(argv, item.sinceArgs, ctx.since));
  const skip = (reason: string, argv = candidates[0]): PreparedItem => ({ pending: { ...base, argv, reason }, output: null, stderr: null });

  if (item.needsRoot && !ctx.isRoot) return skip('not root');
  if (item.kind === 'shell') {
    const tool = item.tools[0];
    if (tool !== undefined && findExecutable(tool, ctx.path) === null) return skip(`tool not found: ${tool}`);
  } else if (!candidates.some((argv) => findExecutable(argv[0] ?? '', ctx.path) !== null)) {
    return skip(`tool not found: ${candidates.map((argv) => argv[0]).filter(unique).join(', ')}`);
  }
  const moduleReason = ctx.probe.missingReason(item.requiresModules, item.requiresAnyModule);
  if (moduleReason) return skip(moduleReason);

  const started = Date.now();
  let kept: Attempt | null = null;
  for (const argv of candidates) {
    if (findExecutable(argv[0] ?? '', ctx.path) === null) continue;
    const attempt = await runAttempt(ctx, source, item, argv);
    if (kept) discard(kept);
    kept = attempt;
    const { outcome } = attempt;
    if (outcome.timedOut || outcome.capped || (outcome.exitCode === 0 && !outcome.notFound && !outcome.spawnError)) break;
  }
  if (!kept) return skip(`tool not found: ${candidates[0]?.[0] ?? ''}`);

  const { outcome } = kept;
  const pending: PendingItem = {
    ...base,
    argv: kept.argv,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    durationMs: Date.now() - started,
    truncated: outcome.capped,
    ...statusOf(outcome, kept.argv),
  };
  if (outcome.notFound) return { pending, output: null, stderr: null };
  return { pending, output: kept.output, stderr: kept.stderr };
}

function statusOf(outcome: ProcessOutcome, argv: string[]): Pick<PendingItem, 'status' | 'reason'> {
  if (outcome.notFound) return { status: 'skipped', reason: `tool not found: ${argv[0] ?? ''}` };
  if (outcome.spawnError) return { status: 'failed', reason: outcome.spawnError };
  if (outcome.timedOut) return { status: 'timeout', reason: `killed after its timeout` };
  // Stopped by us at its output cap: the output is what was asked for, only shorter.
  if (outcome.capped) return { status: 'ok', reason: 'output cap reached' };
  if (outcome.exitCode === 0) return { status: 'ok' };
  if (outcome.signal) return { status: 'failed', reason: `killed by ${outcome.signal}` };
  return { status: 'failed', reason: `exit code ${outcome.exitCode ?? '?'}` };
}

async function runAttempt(ctx: RunContext, source: string, item: CommandItem | ShellItem, argv: string[]): Promise<Attempt> {
  const out = streamingMember(outputMember(source, item));
  const err = streamingMember(stderrMember(source, item.id));
  let stderrBytes = 0;
  const running = startProcess({
    argv,
    env: ctx.env,
    timeoutMs: (item.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    maxBytes: item.maxBytes ?? DEFAULT_MAX_BYTES,
    onStdout: (chunk) => out.push(chunk),
    onStderr: (chunk) => {
      if (stderrBytes >= MAX_STDERR_BYTES) return;
      const piece = chunk.subarray(0, MAX_STDERR_BYTES - stderrBytes);
      stderrBytes += piece.length;
      err.push(piece);
    },
  });
  const outcome = await running.done;
  return { argv, outcome, output: out.end(), stderr: err.end() };
}

/** A member whose bytes are redacted as they arrive and spooled until written. */
export function streamingMember(member: string): { push: (chunk: Buffer) => void; end: () => CollectedMember } {
  const spool = new Spool();
  const redactor = createRedactor(member);
  return {
    push: (chunk) => spool.write(redactor.push(chunk)),
    end: () => {
      spool.write(redactor.end());
      const redactions: RedactionRecord[] = redactor.records();
      return { member, spool, redactions };
    },
  };
}

function discard(attempt: Attempt): void {
  attempt.output.spool.dispose();
  attempt.stderr.spool.dispose();
}

function unique(value: string | undefined, index: number, all: (string | undefined)[]): boolean {
  return all.indexOf(value) === index;
}
