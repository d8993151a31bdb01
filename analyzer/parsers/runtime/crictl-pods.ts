/**
 * `crictl pods -o json`: the CRI pod sandboxes.
 *
 *   {
 *     "items": [
 *       {
 *         "id": "5f3f1e0b9c1a...",
 *         "metadata": {"name": "coredns-5d78c9869d-7xk2p", "uid": "b1c2...", "namespace": "kube-system", "attempt": 0},
 *         "state": "SANDBOX_READY",
 *         "createdAt": "1689753090312964435",
 *         "labels": {...}, "annotations": {...}, "runtimeHandler": ""
 *       }
 *     ]
 *   }
 */
import type { TextParser } from '../types.js';
import { arr, int, isRecord, json, nonEmpty, obj, RowSink } from './rows.js';
import { readSingleObject } from './single-json.js';
import { criTime } from './timestamps.js';

export const crictlPodsParser: TextParser = {
  kind: 'text',
  parse(text) {
    const sink = new RowSink();
    const doc = readSingleObject(text, sink, 'crictl pods');
    if (!doc) return sink.rows();
    for (const p of arr(doc.items)) {
      if (!isRecord(p) || !nonEmpty(p.id)) {
        sink.error('pod sandbox without an id');
        continue;
      }
      const meta = obj(p, 'metadata');
      const state = nonEmpty(p.state);
      sink.add('cri_pods', {
        id: nonEmpty(p.id),
        name: nonEmpty(meta.name),
        namespace: nonEmpty(meta.namespace),
        uid: nonEmpty(meta.uid),
        attempt: int(meta.attempt),
        state: state === 'SANDBOX_READY' ? 'ready' : state === 'SANDBOX_NOTREADY' ? 'notready' : state,
        created_at: criTime(p.createdAt),
        runtime_handler: nonEmpty(p.runtimeHandler),
        labels: json(p.labels),
      });
    }
    return sink.rows();
  },
};
