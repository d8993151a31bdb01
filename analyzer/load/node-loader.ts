import { basename } from 'node:path';
import { ArchiveReadError, type ArchiveEntry, type ArchiveReader } from '../archive/archive-entry.js';
import { openSnapshotFolder } from '../archive/folder-reader.js';
import type { NodeInput } from '../archive/input-expansion.js';
import { checkMemberName, printableName } from '../archive/member-name.js';
import { readManifest, readSnapshotHeader } from '../archive/snapshot-documents.js';
import { placeNodesnapMember, type MemberPlace } from '../archive/snapshot-layout.js';
import { openTarball } from '../archive/tar-reader.js';
import type { Db } from '../db/database.js';
import { nextNodeId, nodeIdTaken, replacedNodeIds } from '../db/node-identity.js';
import { deleteNodes, NodeRows } from '../db/node-rows.js';
import type { SchemaPlan } from '../db/schema-plan.js';
import type { ParseContext } from '../parsers/types.js';
import type { ErrorRecord } from './error-record.js';
import { MemberBody } from './member-body.js';
import { decodeText, errorMessage, MemberParsing } from './member-parsing.js';
import { NodeErrorLog } from './node-error-log.js';
import { finishNode } from './node-finish.js';
import type { MemberSeen, NodeState } from './node-state.js';
import { ParsedRowSink } from './parsed-row-sink.js';
import type { AnalyzerRegistry } from './registry.js';

const MiB = 1024 * 1024;

export interface LoadLimits {
  /** A member given to a TextParser is held whole as a string: beyond this it is not parsed (a 'limit' error). */
  textBytes: number;
  /** A member declaring more than this stops the input: inflating it would take forever (a 'limit' error). */
  memberBytes: number;
  /** snapshot.json and manifest.json are parsed whole. */
  documentBytes: number;
  /** Malformed-line reports (parse_errors rows) kept per member. */
  lineReportsPerMember: number;
}

export const DEFAULT_LIMITS: LoadLimits = {
  // V8 strings stop short of 512 MiB; members are capped at 16 MiB by the collector anyway
  textBytes: 256 * MiB,
  memberBytes: 8 * 1024 * MiB,
  documentBytes: 64 * MiB,
  lineReportsPerMember: 100,
};

export interface LoaderOptions {
  registry: AnalyzerRegistry;
  plan: SchemaPlan;
  onError?: (e: ErrorRecord) => void;
  limits?: Partial<LoadLimits>;
  /** Maps a member path below the top folder to its source (the seam for other archive layouts). */
  placeMember?: (relative: string) => MemberPlace;
  /** analyzed_at; injectable for tests. */
  now?: () => Date;
}

const LINK_TYPES: Readonly<Record<string, string>> = {
  symlink: 'symbolic link',
  link: 'hard link',
  'character-device': 'character device',
  'block-device': 'block device',
  fifo: 'FIFO',
  socket: 'socket',
};

/** Reads one node's input into the database: the members, then the bookkeeping tables. */
class NodeLoad {
  readonly rows: NodeRows;
  readonly errors: NodeErrorLog;
  readonly sink: ParsedRowSink;
  readonly state: NodeState;
  private readonly parsing: MemberParsing;
  private readonly limits: LoadLimits;
  private readonly place: (relative: string) => MemberPlace;
  /** Top folder of the snapshot, set by the first member ('' for a tarball without one). */
  private top: string | undefined;
  private lastMember: string | null = null;

  constructor(
    db: Db,
    private readonly options: LoaderOptions,
    input: NodeInput,
    nodeId: number,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.place = options.placeMember ?? placeNodesnapMember;
    this.rows = new NodeRows(db, options.plan, nodeId);
    this.errors = new NodeErrorLog(this.rows, input.input, basename(input.input) || input.input, options.onError, this.limits.lineReportsPerMember);
    this.sink = new ParsedRowSink(this.rows, options.plan, this.errors);
    this.parsing = new MemberParsing(options.registry, this.sink, this.errors, this.limits.textBytes);
    this.state = {
      input,
      nodeId,
      identity: null,
      manifest: null,
      members: new Map(),
      facts: this.sink.facts,
      unreadable: false,
      digest: { sha256: null, bytes: 0 },
    };
  }

  async read(): Promise<void> {
    const { input } = this.state;
    if (input.kind === 'unknown') {
      this.state.unreadable = true;
      this.errors.record('input', null, input.problem ?? 'not a snapshot');
      return;
    }
    const reader: ArchiveReader = input.kind === 'tarball' ? openTarball(input.input) : openSnapshotFolder(input.input);
    const entries = reader.entries();
    let count = 0;
    try {
      for (;;) {
        let next: IteratorResult<ArchiveEntry>;
        try {
          next = await entries.next();
        } catch (err) {
          this.entriesFailed(err, count);
          break;
        }
        if (next.done) break;
        count++;
        if (await this.member(next.value, reader.kind)) break;
      }
    } finally {
      await entries.return(undefined).catch(() => undefined);
    }
    this.state.digest = await reader.digest();
  }

  /** The archive broke between members (or before the first one). */
  private entriesFailed(err: unknown, count: number): void {
    const message = errorMessage(err);
    if (count === 0) {
      this.state.unreadable = true;
      this.errors.record('input', null, message);
    } else {
      this.errors.record('archive', null, this.lastMember ? `${message} (after member ${printableName(this.lastMember)})` : message);
    }
  }

  /** Handles one entry; returns true when nothing more can be read from the input. */
  private async member(entry: ArchiveEntry, kind: 'tarball' | 'folder'): Promise<boolean> {
    const shownName = printableName(entry.name);
    if (entry.type === 'directory') return this.discard(entry);
    if (entry.type === 'error') {
      this.errors.record('archive', shownName, entry.error ?? 'cannot be read');
      return false;
    }
    if (entry.type !== 'file' && entry.type !== 'contiguous-file') {
      this.errors.record('archive', shownName, `${LINK_TYPES[entry.type] ?? entry.type} member ignored (only regular files are read)`);
      return this.discard(entry);
    }
    const name = checkMemberName(entry.name);
    if (!name.ok) {
      this.errors.record('archive', shownName, `${name.reason}; member ignored`);
      return this.discard(entry);
    }
    const relative = this.relativeName(name.parts);
    if (relative === null) {
      this.errors.record('archive', shownName, `member outside the snapshot's top folder "${printableName(this.top ?? '')}"; ignored`);
      return this.discard(entry);
    }
    if (this.state.members.has(relative)) {
      this.errors.record('archive', relative, 'duplicate member; the first one is kept, this one ignored');
      return this.discard(entry);
    }
    const place = this.place(relative);
    const seen: MemberSeen = { member: relative, place, bytes: 0, sha256: null, parsed: null, rows: 0, failure: null };
    this.state.members.set(relative, seen);
    this.lastMember = relative;

    if (entry.size > this.limits.memberBytes) {
      const message = `member declares ${entry.size} bytes, beyond the ${this.limits.memberBytes}-byte member limit`;
      if (kind === 'tarball') {
        // a compressed stream cannot skip: every byte would have to be inflated to reach the next member
        this.errors.record('limit', relative, `${message}; the rest of the input is not read`);
        return true;
      }
      this.errors.record('limit', relative, `${message}; member not read`);
      return false;
    }

    const body = new MemberBody(entry.body);
    switch (place.role) {
      case 'header':
        await this.header(body, entry.size, relative);
        break;
      case 'manifest':
        await this.manifest(body, entry.size, relative);
        break;
      case 'output':
      case 'file':
        await this.parsing.parse(body, entry.size, seen, this.context(seen));
        break;
      default:
        await body.drain();
    }
    seen.bytes = body.bytes;
    seen.sha256 = body.sha256();
    if (body.readError) {
      this.errors.record('archive', relative, body.readError.message);
      if (seen.parsed === 1) seen.parsed = 0;
      seen.failure ??= body.readError.message;
      return body.readError.fatal;
    }
    return false;
  }

  /** Reads past an entry that is not used: a tar stream only moves on once an entry's bytes are consumed. */
  private async discard(entry: ArchiveEntry): Promise<boolean> {
    const body = new MemberBody(entry.body);
    await body.drain();
    if (body.readError) {
      this.errors.record('archive', printableName(entry.name), body.readError.message);
      return body.readError.fatal;
    }
    return false;
  }

  /** The member's path below the top folder, or null when it lies outside it. */
  private relativeName(parts: string[]): string | null {
    if (this.top === undefined) {
      // a tarball packed without a top folder starts with snapshot.json at its root
      this.top = parts.length === 1 ? '' : (parts[0] as string);
    }
    if (this.top === '') return parts.join('/');
    if (parts[0] !== this.top || parts.length < 2) return null;
    return parts.slice(1).join('/');
  }

  private async document(body: MemberBody, declared: number, member: string): Promise<string | null> {
    const data = await body.collect(declared, this.limits.documentBytes);
    if (data === null) {
      if (!body.readError) this.errors.record('limit', member, `larger than ${this.limits.documentBytes} bytes; not read`);
      return null;
    }
    return decodeText(data);
  }

  private async header(body: MemberBody, declared: number, member: string): Promise<void> {
    const text = await this.document(body, declared, member);
    if (text === null) return;
    const { value, problems } = readSnapshotHeader(text);
    for (const problem of problems) this.errors.record('archive', member, problem);
    if (!value) return;
    this.state.identity = value;
    if (value.hostname) this.errors.nodeName = value.hostname;
  }

  private async manifest(body: MemberBody, declared: number, member: string): Promise<void> {
    const text = await this.document(body, declared, member);
    if (text === null) return;
    const { value, problems } = readManifest(text);
    for (const problem of problems) this.errors.record('archive', member, problem);
    if (!value) return;
    this.state.manifest = value;
    if (!this.state.identity?.hostname && value.identity.hostname) this.errors.nodeName = value.identity.hostname;
  }

  private context(seen: MemberSeen): ParseContext {
    const identity = this.state.identity;
    const ctx: ParseContext = {
      source: seen.place.source,
      member: seen.member,
      collectedAt: identity?.collectedAt ?? '',
      utcOffset: identity?.utcOffset ?? '',
    };
    if (seen.place.path !== undefined) ctx.path = seen.place.path;
    return ctx;
  }
}

/**
 * Loads one node into `db` (which has the schema) in ONE transaction: a crash midway leaves no
 * trace, and a re-analyzed input (same input_sha256) replaces its earlier node in that same
 * transaction. Whatever the input is like, the node gets a row (status ok, partial or unreadable)
 * and its problems are `errors` rows. `givenNodeId`: the id the batch assigned (default: the next
 * free one). Throws only when the database itself fails or the id is taken.
 */
export async function loadNode(db: Db, input: NodeInput, options: LoaderOptions, givenNodeId?: number): Promise<LoadedNode> {
  db.exec('BEGIN IMMEDIATE');
  const nodeId = givenNodeId ?? nextNodeId(db);
  if (nodeIdTaken(db, nodeId)) {
    db.exec('ROLLBACK');
    throw new Error(`node_id ${nodeId} is already in ${db.name}: is another nodesnap writing to it?`);
  }
  try {
    const load = new NodeLoad(db, options, input, nodeId);
    await load.read();
    finishNode(db, options.plan, options.registry.sources, load.state, load.rows, load.errors, options.now?.() ?? new Date());
    db.exec('COMMIT');
    return { nodeId, tables: load.rows.tablesWritten() };
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    recordUnloadableNode(db, input, { ...options, sources: options.registry.sources }, `analysis failed: ${errorMessage(err)}`, nodeId);
    return { nodeId, tables: ['nodes', 'errors', 'source_status'] };
  }
}

export interface LoadedNode {
  nodeId: number;
  /** Tables the node has rows in (a worker's merge copies only these). */
  tables: string[];
}

/**
 * A node whose loading failed in the analyzer itself (a bug, a worker that died): it still gets a
 * row and an error, so the batch report says what could not be analyzed.
 */
export function recordUnloadableNode(
  db: Db,
  input: NodeInput,
  options: Pick<LoaderOptions, 'plan' | 'onError' | 'now'> & { sources: readonly string[] },
  message: string,
  givenNodeId?: number,
): number {
  return db.transaction(() => {
    const nodeId = givenNodeId ?? nextNodeId(db);
    const rows = new NodeRows(db, options.plan, nodeId);
    const name = basename(input.input) || input.input;
    const errors = new NodeErrorLog(rows, input.input, name, options.onError, 0);
    errors.record('input', null, message);
    const old = replacedNodeIds(db, { sha256: null, input: input.input, unreadable: true }, nodeId);
    for (const source of options.sources) {
      rows.addRecord('source_status', { source, status: 'missing', reason: 'the input could not be analyzed', items: 0, members: 0, parsed_members: 0, bytes: 0, truncated: 0 });
    }
    rows.addRecord('nodes', {
      name,
      input: input.input,
      input_kind: input.kind === 'unknown' ? 'unknown' : input.kind,
      status: 'unreadable',
      analyzed_at: (options.now?.() ?? new Date()).toISOString(),
    });
    rows.flush();
    deleteNodes(db, options.plan, old);
    return nodeId;
  })();
}
