/**
 * `crictl ps -a -o json`: the CRI container list (the `crictl-inspect` source has the details).
 *
 *   {
 *     "containers": [
 *       {
 *         "id": "8c1f2e3d...", "podSandboxId": "5f3f1e0b9c1a...",
 *         "metadata": {"name": "coredns", "attempt": 2},
 *         "image": {"image": "sha256:ead0a4a53df8...", "annotations": {}},
 *         "imageRef": "sha256:ead0a4a53df8...",
 *         "state": "CONTAINER_RUNNING", "createdAt": "1689753090912964435",
 *         "labels": {"io.kubernetes.pod.name": "coredns-5d78c9869d-7xk2p", ...}, "annotations": {...}
 *       }
 *     ]
 *   }
 */
import type { TextParser } from '../types.js';
import { criContainerState } from './cri-state.js';
import { arr, int, isRecord, nonEmpty, obj, RowSink } from './rows.js';
import { readSingleObject } from './single-json.js';
import { criTime } from './timestamps.js';

export const crictlPsParser: TextParser = {
  kind: 'text',
  parse(text) {
    const sink = new RowSink();
    const doc = readSingleObject(text, sink, 'crictl ps');
    if (!doc) return sink.rows();
    for (const c of arr(doc.containers)) {
      if (!isRecord(c) || !nonEmpty(c.id)) {
        sink.error('container without an id');
        continue;
      }
      const meta = obj(c, 'metadata');
      const labels = obj(c, 'labels');
      sink.add('cri_containers', {
        id: nonEmpty(c.id),
        pod_sandbox_id: nonEmpty(c.podSandboxId),
        name: nonEmpty(meta.name),
        attempt: int(meta.attempt),
        image: nonEmpty(obj(c, 'image').image),
        image_ref: nonEmpty(c.imageRef),
        state: criContainerState(c.state),
        created_at: criTime(c.createdAt),
        pod_name: nonEmpty(labels['io.kubernetes.pod.name']),
        pod_namespace: nonEmpty(labels['io.kubernetes.pod.namespace']),
        pod_uid: nonEmpty(labels['io.kubernetes.pod.uid']),
      });
    }
    return sink.rows();
  },
};
