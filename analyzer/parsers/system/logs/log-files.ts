/**
 * Tails of component log files, each behind the header the collector echoes:
 *
 *   ==> /var/log/kubernetes/kube-proxy.WARNING <==
 *   Log file created at: 2026/02/11 09:13:56
 *   Running on machine: k8s-node01
 *   Log line format: [IWEF]mmdd hh:mm:ss.uuuuuu threadid file:line] msg
 *   E0211 09:13:56.135807    1842 node.go:161] Failed to retrieve node info: Get "https://192.168.3.113:6443/api/v1/nodes/k8s-node01": dial tcp 192.168.3.113:6443: connect: connection refused
 *
 * origin is the file's path. klog stamps are local time without a year: they are read at the
 * node's UTC offset in the collection year (the year before, for a December line read in January).
 */
import type { TextParser } from '../../types.js';
import { logMemberRows } from './log-member.js';

export const logFilesParser: TextParser = {
  kind: 'text',
  parse: (text, ctx) => logMemberRows(text, ctx, { origin: null, reader: null, payloadZone: 'node' }),
};
