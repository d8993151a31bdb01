/**
 * Flag files of Kubernetes components, sourced by their systemd units:
 *
 *   /var/lib/kubelet/kubeadm-flags.env
 *     KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.9"
 *   /etc/sysconfig/kubelet, /etc/default/kubelet
 *     KUBELET_EXTRA_ARGS=--node-ip=192.168.3.114
 *   /etc/kubernetes/{config,kubelet,proxy,apiserver} (RPM-era layout)
 *     KUBE_MASTER="--master=http://127.0.0.1:8080"
 *     KUBE_PROXY_ARGS="--proxy-mode=ipvs"
 *
 * Every variable is a kube_configs row (kind 'EnvFile'); variables holding flags also become
 * kube_components/component_flags rows (origin 'env-file') of the component they configure.
 */
import type { ComponentName } from '../shared/component-flags.js';
import { parseEnvFile, type EnvAssignment } from './env-file.js';
import { addEnvFileFlags } from './env-flags.js';
import { baseName, type RowSink } from './rows.js';

const PREFIXES: readonly [string, ComponentName][] = [
  ['KUBELET_', 'kubelet'],
  ['KUBE_PROXY_', 'kube-proxy'],
  ['KUBE_API_', 'kube-apiserver'],
  ['KUBE_APISERVER_', 'kube-apiserver'],
  ['KUBE_ADMISSION_', 'kube-apiserver'],
  ['KUBE_SERVICE_ADDRESSES', 'kube-apiserver'],
  ['KUBE_ETCD_SERVERS', 'kube-apiserver'],
  ['KUBE_CONTROLLER_MANAGER_', 'kube-controller-manager'],
  ['KUBE_SCHEDULER_', 'kube-scheduler'],
  ['FLANNEL_', 'flanneld'],
  ['ETCD_', 'etcd'],
];

/** The component a file configures by its name, when all its variables belong to one. */
function fileComponent(path: string): ComponentName | null {
  const name = baseName(path);
  if (name === 'kubeadm-flags.env' || name === 'kubelet' || name === 'kubelet.env') return 'kubelet';
  if (name === 'proxy' || name === 'kube-proxy' || name === 'kube-proxy.env') return 'kube-proxy';
  if (name === 'apiserver' || name === 'kube-apiserver.env') return 'kube-apiserver';
  if (name === 'controller-manager' || name === 'kube-controller-manager.env') return 'kube-controller-manager';
  if (name === 'scheduler' || name === 'kube-scheduler.env') return 'kube-scheduler';
  // /etc/kubernetes/config holds flags shared by every component: no single owner
  return null;
}

function variableComponent(key: string, fallback: ComponentName | null): ComponentName | null {
  for (const [prefix, component] of PREFIXES) if (key.startsWith(prefix)) return component;
  return fallback;
}

export function addKubeEnvFile(sink: RowSink, path: string, text: string): void {
  const env = parseEnvFile(text);
  for (const e of env.errors) sink.error(`${path}: ${e.message}`, e.line);
  const fallback = fileComponent(path);
  sink.add('kube_config_files', { path, doc_index: 0, kind: 'EnvFile', api_version: null, component: fallback, config_map: null, valid: env.errors.length === 0 ? 1 : 0, error: env.errors[0]?.message ?? null });
  const byComponent = new Map<ComponentName, EnvAssignment[]>();
  for (const v of env.vars) {
    const component = variableComponent(v.key, fallback);
    sink.add('kube_configs', { path, doc_index: 0, kind: 'EnvFile', component, key: v.key, value: JSON.stringify(v.value), value_text: v.value });
    if (component === null) continue;
    const list = byComponent.get(component) ?? [];
    list.push(v);
    byComponent.set(component, list);
  }
  for (const [component, vars] of byComponent) addEnvFileFlags(sink, component, path, vars);
}
