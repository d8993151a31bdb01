/**
 * The `kube-versions` shell item: one line per Kubernetes binary found on the node.
 *
 *   kubelet: Kubernetes v1.23.17
 *   kube-proxy: Kubernetes v1.23.17
 *   kubeadm: v1.23.17
 *
 * A binary that fails prints its error after the colon; such lines give no version.
 */
import { FACT, type TextParser } from '../types.js';
import { RowSink } from './rows.js';
import { splitLines } from '../shared/text.js';

const FACT_OF: Record<string, string> = {
  kubelet: FACT.kubeletVersion,
  'kube-proxy': FACT.kubeProxyVersion,
  kubeadm: 'kube.kubeadm.version',
};

const VERSION = /^(?:Kubernetes )?(v\d+\.\d+\.\d+[0-9A-Za-z.+-]*)\s*$/;

export const kubeVersionsParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const sink = new RowSink();
    splitLines(text).forEach((line, i) => {
      if (line.trim() === '') return;
      const colon = line.indexOf(': ');
      const binary = colon > 0 ? line.slice(0, colon) : '';
      const key = FACT_OF[binary];
      const version = colon > 0 ? VERSION.exec(line.slice(colon + 2).trim())?.[1] : undefined;
      if (!key) sink.add('parse_errors', { line: i + 1, message: `not a "<binary>: <version>" line: ${line.slice(0, 120)}` });
      else if (version) sink.add('node_facts', { source: ctx.source, key, value: version });
    });
    return sink.rows();
  },
};
