import { HEADER_NAME, MANIFEST_NAME } from '../../collector/registry/layout.js';

/** What a member is, by its place in the snapshot layout (collector/registry/layout.ts). */
export type MemberRole = 'header' | 'manifest' | 'output' | 'stderr' | 'file' | 'stray';

export interface MemberPlace {
  role: MemberRole;
  /** Registry source name; 'snapshot' for the header and manifest, '' for a stray member. */
  source: string;
  /** For file members: the absolute path on the node. */
  path?: string;
}

export const SNAPSHOT_SOURCE = 'snapshot';

/**
 * The one place a member path (relative to the snapshot's top folder) is mapped to a source.
 * Another archive layout (a sosreport's sos_commands/networking/...) would get its own mapping
 * function with this signature and feed the same parsers.
 *
 * File members keep the node's absolute path below their source (`certs/etc/kubernetes/pki/ca.crt`),
 * command outputs are flat (`iptables-save/iptables-save.txt`): a slash after the source means a file.
 */
export function placeNodesnapMember(relative: string): MemberPlace {
  if (relative === HEADER_NAME) return { role: 'header', source: SNAPSHOT_SOURCE };
  if (relative === MANIFEST_NAME) return { role: 'manifest', source: SNAPSHOT_SOURCE };
  const slash = relative.indexOf('/');
  if (slash < 0) return { role: 'stray', source: '' };
  const source = relative.slice(0, slash);
  const rest = relative.slice(slash + 1);
  if (rest.includes('/')) return { role: 'file', source, path: `/${rest}` };
  if (rest.endsWith('.stderr')) return { role: 'stderr', source };
  return { role: 'output', source };
}
