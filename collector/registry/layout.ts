import type { CommandItem, ShellItem } from './types.js';

/** Snapshot format this code writes and reads. Bump on an incompatible change of layout or manifest. */
export const SNAPSHOT_FORMAT = 'nodesnap-snapshot';
export const SNAPSHOT_FORMAT_VERSION = 1;
/** Written LAST: every other member with its sha256 (checksums are known only once members are written). */
export const MANIFEST_NAME = 'manifest.json';
/** Written FIRST: the node's identity and collection time, so a stream reader knows them before any other member, even in a truncated tarball. */
export const HEADER_NAME = 'snapshot.json';

/** Member of a command or shell item's output, relative to the snapshot's top folder. */
export function outputMember(source: string, item: Pick<CommandItem | ShellItem, 'id' | 'ext'>): string {
  return `${source}/${item.id}.${item.ext}`;
}

/** Member holding a command or shell item's stderr (written only when stderr is non-empty). */
export function stderrMember(source: string, itemId: string): string {
  return `${source}/${itemId}.stderr`;
}

/** Member of a collected file: the absolute path on the node (sysroot removed) under its source. */
export function fileMember(source: string, absolutePath: string): string {
  return `${source}/${absolutePath.replace(/^\/+/, '')}`;
}

/** Member of a packet capture taken with --pcap. Interface names are [A-Za-z0-9_.@:-] in Linux. */
export function pcapMember(iface: string): string {
  return `pcap/${iface.replace(/[^A-Za-z0-9_.@:-]/g, '_')}.pcap`;
}

/** Member of an --attach file (its base name; a numeric prefix keeps two files of one name apart). */
export function attachmentMember(index: number, baseName: string): string {
  const safe = baseName.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_');
  return `attachments/${String(index).padStart(2, '0')}-${safe}`;
}

/** Source name of a member path relative to the top folder ("iptables-save/iptables-save.txt" -> "iptables-save"). */
export function sourceOfMember(member: string): string {
  const slash = member.indexOf('/');
  return slash < 0 ? '' : member.slice(0, slash);
}

/** The tarball's base name and top folder: nodesnap-<hostname>[-<case id>][-<label>]-<yyyymmddThhmmssZ>. */
export function snapshotBaseName(hostname: string, collectedAt: Date, extras: { caseId?: string | null; label?: string | null } = {}): string {
  const stamp = collectedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^[._]+/, '').slice(0, 64) || 'unknown';
  const parts = [clean(hostname)];
  if (extras.caseId) parts.push(clean(extras.caseId));
  if (extras.label) parts.push(clean(extras.label));
  return `nodesnap-${parts.join('-')}-${stamp}`;
}
