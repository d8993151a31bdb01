/**
 * Parsers turn one snapshot member into rows. They are pure: no I/O, no clock, no database.
 * Each parser file opens with a verbatim sample of its input.
 */

/** A cell value. Booleans are stored as 0/1. */
export type Cell = string | number | bigint | boolean | null;
export type Row = Record<string, Cell>;

/** Rows by table name. The reserved table `parse_errors` ({ line?: number, message: string }) reports malformed input. */
export type Rows = Record<string, Row[]>;

export interface ParseContext {
  /** Registry source name, e.g. "iptables-save". */
  source: string;
  /** Member path relative to the snapshot top folder, e.g. "certs/etc/kubernetes/pki/ca.crt". */
  member: string;
  /** For file items: the absolute path on the node. */
  path?: string;
  /**
   * Manifest facts (argv, mtime) are NOT available: manifest.json is the last member of a
   * streamed tarball. Sniff the content instead (e.g. `ip -j` JSON starts with '['); file mtimes
   * are joined from the `files` table by member.
   */
  /** The snapshot's collection time (ISO 8601 UTC) from snapshot.json; '' when unknown. */
  collectedAt: string;
  /** The node's UTC offset at collection, e.g. "+0800" (for tools that print local time without a zone); '' when unknown. */
  utcOffset: string;
}

/** Parses a whole member given as text (members are capped at collection; the loader enforces a limit too). */
export interface TextParser {
  kind: 'text';
  parse(text: string, ctx: ParseContext): Rows;
}

/** Parses a member as a stream of chunks, for members that may be hundreds of MB (conntrack XML, pcaps). */
export interface StreamParser {
  kind: 'stream';
  parse(chunks: AsyncIterable<Buffer>, ctx: ParseContext): AsyncIterable<[table: string, row: Row]>;
}

export type Parser = TextParser | StreamParser;

/** Well-known keys of the `node_facts` table; the loader fills the `nodes` table from them. */
export const FACT = {
  hostname: 'hostname',
  machineId: 'machine_id',
  kernelRelease: 'kernel.release',
  kernelVersion: 'kernel.version',
  arch: 'kernel.arch',
  osId: 'os.id',
  osVersionId: 'os.version_id',
  osPrettyName: 'os.pretty_name',
  timezone: 'clock.timezone',
  utcOffset: 'clock.utc_offset',
  uptimeSeconds: 'uptime.seconds',
  clockSynchronized: 'clock.synchronized',
  dockerVersion: 'runtime.docker.version',
  containerdVersion: 'runtime.containerd.version',
  kubeletVersion: 'kube.kubelet.version',
  kubeProxyVersion: 'kube.proxy.version',
  kubeProxyMode: 'kube.proxy.mode',
  iptablesVersion: 'iptables.version',
  iptablesBackend: 'iptables.backend',
} as const;
