/**
 * kubeconfig files of the `kubeconfigs` source (/etc/kubernetes/*.conf, kubelet and kube-proxy
 * kubeconfigs, /root/.kube/config); see kubeconfig.ts for the format and the rows.
 */
import { parseAllDocuments } from 'yaml';
import type { TextParser } from '../types.js';
import { addKubeconfig } from './kubeconfig.js';
import { errorMessage, isRecord, nodePathOf, nonEmpty, RowSink } from './rows.js';

export const kubeconfigsParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const sink = new RowSink();
    const path = nodePathOf(ctx);
    const docs = parseAllDocuments(text, { prettyErrors: true });
    const list = Array.isArray(docs) ? docs : [];
    list.forEach((doc, i) => {
      const fileRow = { path, doc_index: i, api_version: null, component: null, config_map: null };
      if (doc.errors.length > 0) {
        const message = `${path}: ${doc.errors[0]?.message.split('\n')[0] ?? 'YAML error'}`;
        sink.add('kube_config_files', { ...fileRow, kind: null, valid: 0, error: message });
        sink.error(message, doc.errors[0]?.linePos?.[0]?.line);
        return;
      }
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (err) {
        sink.error(`${path}: ${errorMessage(err)}`);
        return;
      }
      if (value === null || value === undefined) return;
      if (!isRecord(value)) {
        sink.add('kube_config_files', { ...fileRow, kind: null, valid: 0, error: 'document is not a mapping' });
        return;
      }
      sink.add('kube_config_files', { ...fileRow, kind: nonEmpty(value.kind) ?? 'Config', api_version: nonEmpty(value.apiVersion), valid: 1, error: null });
      addKubeconfig(sink, ctx.member, path, value);
    });
    return sink.rows();
  },
};
