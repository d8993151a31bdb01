/**
 * The bridge config flannel's CNI plugin delegated for one container, kept to undo it on
 * delete (/var/lib/cni/flannel/<container id>):
 *
 *   {"cniVersion":"0.3.1","hairpinMode":true,"ipMasq":false,"ipam":{"routes":[{"dst":"10.244.0.0/16"}],
 *    "subnet":"10.244.2.0/24","type":"host-local"},"isDefaultGateway":true,"isGateway":true,"mtu":1450,
 *    "name":"cbr0","type":"bridge"}
 */
import type { TextParser } from '../types.js';
import { pluginColumns } from './cni-plugin.js';
import { baseName, errorMessage, isRecord, nodePathOf, nonEmpty, RowSink } from './rows.js';

export const flannelCniStateParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const sink = new RowSink();
    const path = nodePathOf(ctx);
    const base = { path, container_id: baseName(path) };
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      const error = text.trim() === '' ? 'empty file' : errorMessage(err);
      sink.add('flannel_cni_state', { ...base, valid: 0, error });
      sink.error(`${path}: ${error}`);
      return sink.rows();
    }
    if (!isRecord(doc)) {
      sink.add('flannel_cni_state', { ...base, valid: 0, error: 'not a JSON object' });
      sink.error(`${path}: not a JSON object`);
      return sink.rows();
    }
    sink.add('flannel_cni_state', { ...base, valid: 1, error: null, name: nonEmpty(doc.name), cni_version: nonEmpty(doc.cniVersion), ...pluginColumns(doc) });
    return sink.rows();
  },
};
