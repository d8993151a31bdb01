/**
 * Which containers are node infrastructure rather than workloads: kube-proxy, the CNI agents
 * (flannel, calico, cilium, weave...), CSI node plugins, GPU device plugins and drivers, storage
 * and load-balancer node agents. They are privileged, mount host paths and log in UTC by design,
 * so rules about workload hygiene (docker/privileged-container, docker/container-timezone-mismatch)
 * leave them alone. A container is infrastructure when its namespace is one where such agents
 * live, or when its image, container name or its pod's app labels name a known agent.
 */
import type { ContainerRow } from './docker-containers.js';

/** Namespaces that hold node agents and cluster add-ons installed by the platform, not by application teams. */
const SYSTEM_NAMESPACES = new Set([
  'kube-system',
  'kube-flannel',
  'calico-system',
  'calico-apiserver',
  'tigera-operator',
  'cilium',
  'cilium-system',
  'kube-ovn',
  'kube-router',
  'antrea-system',
  'gpu-operator',
  'nvidia-gpu-operator',
  'nvidia-device-plugin',
  'node-feature-discovery',
  'longhorn-system',
  'rook-ceph',
  'openebs',
  'metallb-system',
  'kube-vip',
]);

/**
 * Node agents by name, matched against an image's repository path (registry and tag removed),
 * a pod container name and the pod's app labels. Anchored on path segments so `node` alone
 * (calico/node) does not match every Node.js app.
 */
const SYSTEM_COMPONENT =
  /(^|\/)(kube-proxy|kube-flannel|flannel|flanneld|flannel-cni-plugin|calico\/(node|cni|pod2daemon-flexvol|kube-controllers|typha|csi|node-driver-registrar)|calico-node|calico-typha|calico-kube-controllers|cilium(-agent|-operator[a-z-]*|-envoy)?|weave(-net|-npc|-kube)?|weaveworks\/weave[a-z-]*|kube-router|antrea-(agent|controller)|antrea\/antrea[a-z-]*|kube-ovn[a-z-]*|multus[a-z-]*|canal|install-cni|[a-z0-9-]*csi[a-z0-9-]*|nvidia-device-plugin[a-z-]*|k8s-device-plugin|nvidia-driver[a-z-]*|nvidia-container-toolkit[a-z-]*|container-toolkit|dcgm-exporter|nvidia-dcgm[a-z-]*|dcgm|gpu-feature-discovery|gpu-operator[a-z-]*|k8s-mig-manager|nvidia-mig-manager|node-feature-discovery|nfd-worker|kube-vip|metallb-speaker|metallb\/speaker|node-local-dns|k8s-dns-node-cache|node-problem-detector|longhorn-manager|longhorn-instance-manager|rook-ceph-osd|kube-apiserver|kube-controller-manager|kube-scheduler|etcd|coredns|pause)$/;

/** Pod labels that name what a pod is (set on the sandbox, also on containers created by newer kubelets). */
const APP_LABELS = ['k8s-app', 'app', 'app.kubernetes.io/name', 'app.kubernetes.io/component', 'component', 'name'];

/** Image reference without registry host, tag and digest: docker.io/flannel/flannel:v0.22.3 -> flannel/flannel. */
export function imageRepository(image: string): string {
  let ref = image.split('@')[0]!;
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > lastSlash) ref = ref.slice(0, colon);
  const parts = ref.split('/');
  // a first segment with a dot or port, or localhost, is a registry host
  if (parts.length > 1 && (/[.:]/.test(parts[0]!) || parts[0] === 'localhost')) parts.shift();
  return parts.join('/');
}

export interface SystemVerdict {
  system: boolean;
  /** Why, for messages: "namespace kube-system", "image registry.k8s.io/kube-proxy:v1.23.17". */
  because: string | null;
}

/**
 * Whether a container is node infrastructure. `labels` holds the container's and its sandbox's
 * labels; `extra` is a user-supplied regular expression tested against the namespace, the pod
 * container name, the container name and the image.
 */
export function systemContainer(c: ContainerRow, labels: ReadonlyMap<string, string>, extra: RegExp | null = null): SystemVerdict {
  if (c.pod_namespace && SYSTEM_NAMESPACES.has(c.pod_namespace)) return { system: true, because: `namespace ${c.pod_namespace}` };
  if (c.image && SYSTEM_COMPONENT.test(imageRepository(c.image))) return { system: true, because: `image ${c.image}` };
  if (c.k8s_container_name && SYSTEM_COMPONENT.test(c.k8s_container_name)) return { system: true, because: `container name ${c.k8s_container_name}` };
  for (const key of APP_LABELS) {
    const value = labels.get(key);
    if (value && SYSTEM_COMPONENT.test(value)) return { system: true, because: `label ${key}=${value}` };
  }
  if (extra) {
    for (const text of [c.pod_namespace, c.k8s_container_name, c.name, c.image]) {
      if (text && extra.test(text)) return { system: true, because: `matches ${extra.source}` };
    }
  }
  return { system: false, because: null };
}

/** The user's extra pattern, or null when empty; an invalid one fails the rule (with the reason) rather than silently matching nothing. */
export function extraPattern(param: unknown): RegExp | null {
  if (typeof param !== 'string' || param.trim() === '') return null;
  try {
    return new RegExp(param);
  } catch (err) {
    throw new Error(`system_pattern is not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`);
  }
}
