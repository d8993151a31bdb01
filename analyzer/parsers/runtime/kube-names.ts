/**
 * Kubernetes identity of a container, from the name dockershim gives it or from the labels the
 * kubelet sets:
 *
 *   k8s_operation_operation-cf45b5777-vq8x4_ncss-v3_57501f2c-60f3-4acf-95b0-19c9ee1ec293_760
 *   k8s_POD_operation-cf45b5777-vq8x4_ncss-v3_57501f2c-60f3-4acf-95b0-19c9ee1ec293_10
 *   (k8s_<container>_<pod>_<namespace>_<pod uid>_<attempt>; no part may hold '_')
 *
 *   io.kubernetes.pod.name, io.kubernetes.pod.namespace, io.kubernetes.pod.uid,
 *   io.kubernetes.container.name, io.kubernetes.docker.type (podsandbox|container),
 *   io.kubernetes.sandbox.id, annotation io.kubernetes.container.restartCount
 */
import { int, isRecord } from './rows.js';

export interface KubeIdentity {
  pod_name: string | null;
  pod_namespace: string | null;
  pod_uid: string | null;
  k8s_container_name: string | null;
  k8s_type: 'podsandbox' | 'container' | null;
  sandbox_id: string | null;
  k8s_attempt: number | null;
}

export const NO_KUBE_IDENTITY: KubeIdentity = {
  pod_name: null,
  pod_namespace: null,
  pod_uid: null,
  k8s_container_name: null,
  k8s_type: null,
  sandbox_id: null,
  k8s_attempt: null,
};

/** The identity encoded in a dockershim container name, or null for other names. */
export function parseKubeContainerName(name: string): KubeIdentity | null {
  const bare = name.startsWith('/') ? name.slice(1) : name;
  if (!bare.startsWith('k8s_')) return null;
  const parts = bare.split('_');
  if (parts.length !== 6) return null;
  const [, container, pod, namespace, uid, attempt] = parts as [string, string, string, string, string, string];
  const isSandbox = container === 'POD';
  return {
    pod_name: pod,
    pod_namespace: namespace,
    pod_uid: uid,
    k8s_container_name: isSandbox ? null : container,
    k8s_type: isSandbox ? 'podsandbox' : 'container',
    sandbox_id: null,
    k8s_attempt: int(attempt),
  };
}

function label(labels: Record<string, unknown>, key: string): string | null {
  const v = labels[key];
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Identity from kubelet labels, completed by the name when labels are missing. */
export function kubeIdentity(labelsValue: unknown, name: string, annotationsValue?: unknown): KubeIdentity {
  const labels = isRecord(labelsValue) ? labelsValue : {};
  const annotations = isRecord(annotationsValue) ? annotationsValue : {};
  const fromName = parseKubeContainerName(name) ?? NO_KUBE_IDENTITY;
  const dockerType = label(labels, 'io.kubernetes.docker.type');
  const containerName = label(labels, 'io.kubernetes.container.name');
  const podName = label(labels, 'io.kubernetes.pod.name');
  let type: KubeIdentity['k8s_type'] = dockerType === 'podsandbox' || dockerType === 'container' ? dockerType : fromName.k8s_type;
  if (type === null && podName !== null) type = containerName === null || containerName === 'POD' ? 'podsandbox' : 'container';
  const restartCount = int(annotations['io.kubernetes.container.restartCount'] ?? labels['annotation.io.kubernetes.container.restartCount']);
  return {
    pod_name: podName ?? fromName.pod_name,
    pod_namespace: label(labels, 'io.kubernetes.pod.namespace') ?? fromName.pod_namespace,
    pod_uid: label(labels, 'io.kubernetes.pod.uid') ?? fromName.pod_uid,
    k8s_container_name: containerName === 'POD' ? null : (containerName ?? fromName.k8s_container_name),
    k8s_type: type,
    sandbox_id: label(labels, 'io.kubernetes.sandbox.id'),
    k8s_attempt: fromName.k8s_attempt ?? restartCount,
  };
}
