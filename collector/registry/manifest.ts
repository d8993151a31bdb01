/**
 * manifest.json: the contract between collector and analyzer. The analyzer trusts nothing else
 * about a snapshot: every member other than manifest.json is listed with its sha256.
 * It is the last member of the tarball (checksums are known only after the members are written);
 * snapshot.json (SnapshotHeader) is the first, and is itself listed in the manifest's items
 * (source "snapshot", kind "header").
 */

export type ItemStatus =
  /** Ran (or was read) and exited 0. */
  | 'ok'
  /** Ran and exited non-zero or could not be read; its output, if any, is still kept. */
  | 'failed'
  /** Killed at its timeout; partial output is kept. */
  | 'timeout'
  /** Not run: tool missing, not root, module not loaded, excluded by --only/--skip, size cap reached, private key... */
  | 'skipped';

export interface MemberRecord {
  /** Path relative to the snapshot's top folder, e.g. "iptables-save/iptables-save.txt". */
  member: string;
  bytes: number;
  sha256: string;
}

export interface ManifestItem {
  source: string;
  /** The registry item id; for a file, the item id that matched it. */
  item: string;
  kind: 'header' | 'command' | 'shell' | 'files' | 'pcap' | 'attachment';
  /** What ran (command items: the argv that produced the output; shell items: ["sh","-c",script]). */
  argv?: string[];
  /** What was read: the absolute path on the node (without the sysroot prefix). */
  path?: string;
  status: ItemStatus;
  /** Why it was skipped or failed, in words ("tool not found: ipvsadm", "module not loaded: ip_vs", "not root"). */
  reason?: string;
  exitCode?: number | null;
  signal?: string | null;
  durationMs: number;
  /** Output member; absent when nothing was written (skipped, or a file that did not exist). */
  output?: MemberRecord;
  /** stderr member of a command or shell item, when it wrote any. */
  stderr?: MemberRecord;
  /** Output beyond maxBytes (or the snapshot size cap) was dropped. */
  truncated: boolean;
  /** File metadata for file items: modification time (ISO 8601 UTC), mode (octal string), size on disk. */
  mtime?: string;
  mode?: string;
  fileSize?: number;
}

export interface RedactionRecord {
  member: string;
  /** The redaction rule that applied (e.g. "pem-private-key", "kubeconfig-secret", "env-secret"). */
  rule: string;
  count: number;
  /** 1-based line numbers where it applied (first 100), never the values. */
  lines: number[];
}

/** snapshot.json, the first member: what is known when collection starts. Repeated in manifest.json. */
export interface SnapshotHeader {
  format: 'nodesnap-snapshot';
  formatVersion: number;
  collector: { name: 'nodesnap'; version: string; implementation: 'node' | 'sh' };
  hostname: string;
  machineId: string | null;
  /** When collection started, UTC ISO 8601 with the Z suffix. */
  collectedAt: string;
  clock: {
    /** The node's UTC offset when collected, e.g. "+0800". */
    utcOffset: string;
    timezone: string | null;
  };
  root: boolean;
  commandLine: string[];
  sysroot: string | null;
  label: string | null;
  caseId: string | null;
  since: string | null;
  limits: { maxSnapshotBytes: number; pcapSeconds: number | null };
}

export interface Manifest extends SnapshotHeader {
  finishedAt: string;
  items: ManifestItem[];
  redactions: RedactionRecord[];
  summary: { ok: number; failed: number; timeout: number; skipped: number; truncated: number; bytes: number };
}
