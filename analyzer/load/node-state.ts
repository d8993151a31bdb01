import type { InputDigest } from '../archive/archive-entry.js';
import type { NodeInput } from '../archive/input-expansion.js';
import type { MemberPlace } from '../archive/snapshot-layout.js';
import type { ManifestData, SnapshotIdentity } from '../archive/snapshot-documents.js';

/** A member as the loader met it. */
export interface MemberSeen {
  /** Path below the top folder. */
  member: string;
  place: MemberPlace;
  bytes: number;
  /** null when it could not be read to the end (or was not read: over the size limit). */
  sha256: string | null;
  /** 1 parsed, 0 its parser failed or a limit applied, null not parsed. */
  parsed: 0 | 1 | null;
  rows: number;
  /** Why parsing failed (parsed = 0). */
  failure: string | null;
}

/** Everything known about one node once its input has been read: what the bookkeeping tables are made of. */
export interface NodeState {
  input: NodeInput;
  nodeId: number;
  identity: SnapshotIdentity | null;
  manifest: ManifestData | null;
  members: Map<string, MemberSeen>;
  /** node_facts, first non-empty value per key. */
  facts: ReadonlyMap<string, string>;
  /** Nothing at all could be read (not an archive, empty, missing). */
  unreadable: boolean;
  digest: InputDigest;
}
