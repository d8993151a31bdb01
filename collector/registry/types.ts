/**
 * The shape of the source registry: what a source is and how each of its items is collected.
 * The registry itself (sources.ts) is the one place a source is named; the Node collector, the
 * generated POSIX sh collector and the analyzer's parser map all key on `SourceSpec.name`.
 *
 * Member layout inside a snapshot (below the top folder), fixed by `memberPathFor*` in layout.ts:
 *   snapshot.json                     identity and collection time (written first)
 *   manifest.json                     every member with its sha256 (written last)
 *   <source>/<item id>.<ext>          output of a command or shell item
 *   <source>/<item id>.stderr         its stderr, when non-empty
 *   <source>/<absolute path minus />  a file item's file, e.g. certs/etc/kubernetes/pki/ca.crt
 * so the first path component of every member is its source name.
 */

export type SourceCategory =
  | 'system'
  | 'kernel'
  | 'network'
  | 'netfilter'
  | 'storage'
  | 'process'
  | 'runtime'
  | 'kubernetes'
  | 'cni'
  | 'certs'
  | 'logs'
  | 'gpu'
  | 'capture';

/** Where a file item's paths are resolved: under --sysroot (host config/state) or the running kernel (/proc, /sys, /dev). */
export type FileRoot = 'host' | 'kernel';

export type OutputExt = 'txt' | 'json' | 'xml';

interface ItemBase {
  /** Unique within its source; names the member (`<source>/<id>.<ext>`). [a-z0-9-] only. */
  id: string;
  /** Seconds before the command is killed (default DEFAULT_TIMEOUT_SECONDS). */
  timeoutSeconds?: number;
  /** Bytes kept of the output (default DEFAULT_MAX_BYTES); the rest is dropped and `truncated` is recorded. */
  maxBytes?: number;
  /** Skipped (recorded, not failed) when the collector is not root. */
  needsRoot?: boolean;
  /**
   * Skipped unless every one of these kernel modules is loaded or built in (/proc/modules or
   * /sys/module/<name>): the tool would otherwise make the kernel load it, which changes the node.
   */
  requiresModules?: string[];
  /** Skipped unless at least one of these modules is loaded or built in. */
  requiresAnyModule?: string[];
}

/** A program run directly (no shell). */
export interface CommandItem extends ItemBase {
  kind: 'command';
  argv: string[];
  /**
   * Tried in order when the previous argv exits non-zero (e.g. `ip -j` on an iproute2 too old
   * for JSON, then plain text). The manifest records the argv that produced the output.
   */
  fallbacks?: string[][];
  /** Appended to argv when --since is given; the token `{since}` is replaced by its value. */
  sinceArgs?: string[];
  ext: OutputExt;
}

/**
 * A POSIX sh snippet, for what needs a pipe or a loop (docker inspect of every container, per-pod
 * network namespaces). It runs with `sh -c` under both collectors with these variables set:
 * SYSROOT (the --sysroot, empty for /), SINCE (the --since value, may be empty).
 * It must be read-only like everything else.
 */
export interface ShellItem extends ItemBase {
  kind: 'shell';
  script: string;
  /** Programs the script needs; the item is skipped when the first one is missing. */
  tools: string[];
  ext: OutputExt;
}

/**
 * Files copied verbatim (after redaction). `patterns` are absolute paths where a path segment may
 * contain `*` (matched within one directory level, like sh globbing, dot-files excluded).
 * `find` adds a bounded recursive search (like `find -L DIR -maxdepth N -type f -name NAME`).
 */
export interface FileItem extends ItemBase {
  kind: 'files';
  root: FileRoot;
  patterns: string[];
  find?: { dir: string; maxDepth: number; names: string[] }[];
  /** At most this many files are taken (sorted by path); the rest are recorded as skipped. */
  maxFiles?: number;
}

export type ItemSpec = CommandItem | ShellItem | FileItem;

export interface SourceSpec {
  /** The source's one name: [a-z0-9-]. Also the first path component of its members. */
  name: string;
  category: SourceCategory;
  /** One line for people: what this source captures. */
  description: string;
  items: ItemSpec[];
  /** Collected only when asked for (pcap captures are driven by --pcap, attachments by --attach). */
  onDemand?: boolean;
}

export const DEFAULT_TIMEOUT_SECONDS = 30;
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
/** Default hard cap for all member bytes of one snapshot (before compression). */
export const DEFAULT_MAX_SNAPSHOT_BYTES = 1024 * 1024 * 1024;
