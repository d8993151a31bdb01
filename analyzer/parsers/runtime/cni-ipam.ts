/**
 * host-local IPAM state, one member per file of /var/lib/cni/networks/<network>/:
 *
 *   10.244.1.5          "<container id>\n<ifname>" (CNI plugins 0.8.6+) or "<container id>" (older)
 *     462cf658ef71d558b36884dfb6d068e100a3209d36ba2602ad04dd9445e63684
 *     eth0
 *   last_reserved_ip.0  the last address handed out from range set 0
 *   lock                empty
 *
 * The container id is the pod sandbox's (docker's pause container or the CRI sandbox id).
 */
import type { TextParser } from '../types.js';
import { baseName, nodePathOf, RowSink, splitLines } from './rows.js';

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-fA-F:]+$/;

export const cniIpamParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const sink = new RowSink();
    const path = nodePathOf(ctx);
    const parts = path.split('/');
    const file = baseName(path);
    const network = parts[parts.length - 2] ?? null;
    if (file === 'lock') return sink.rows();
    const content = splitLines(text).map((l) => l.trim()).filter((l) => l !== '');
    const last = /^last_reserved_ip\.(\d+)$/.exec(file);
    if (last) {
      sink.add('ipam_last_reserved', { network, range_index: Number(last[1]), ip: content[0] ?? null, path });
      return sink.rows();
    }
    if (!IPV4.test(file) && !(file.includes(':') && IPV6.test(file))) {
      sink.error(`${path}: not an IPAM reservation file`);
      return sink.rows();
    }
    if (content.length === 0) sink.error(`${path}: reservation without a container id`);
    sink.add('ipam_reservations', { network, ip: file, container_id: content[0] ?? null, ifname: content[1] ?? null, path });
    return sink.rows();
  },
};
