/**
 * `crictl inspect <id>` for every CRI container, the JSON documents back to back. `status` is the
 * CRI ContainerStatus; `info` is runtime specific (containerd: sandboxID, pid, snapshotter,
 * runtimeType, config, runtimeSpec).
 *
 *   {
 *     "status": {
 *       "id": "8c1f2e3d...", "metadata": {"attempt": 2, "name": "coredns"},
 *       "state": "CONTAINER_RUNNING", "createdAt": "2024-09-01T02:11:09.512276311Z",
 *       "startedAt": "2024-09-01T02:11:09.801233512Z", "finishedAt": "1970-01-01T00:00:00Z",
 *       "exitCode": 0, "image": {"image": "registry.k8s.io/coredns/coredns:v1.10.1"}, "imageRef": "registry.k8s.io/coredns/coredns@sha256:...",
 *       "reason": "", "message": "", "labels": {...}, "annotations": {...},
 *       "mounts": [{"containerPath": "/etc/coredns", "hostPath": "/var/lib/kubelet/pods/.../config-volume", "propagation": "PROPAGATION_PRIVATE", "readonly": true}],
 *       "logPath": "/var/log/pods/kube-system_coredns-.../coredns/2.log"
 *     },
 *     "info": {"sandboxID": "5f3f1e0b...", "pid": 3120, "snapshotter": "overlayfs", "runtimeType": "io.containerd.runc.v2",
 *              "config": {"envs": [{"key": "KUBERNETES_SERVICE_HOST", "value": "10.96.0.1"}], "linux": {"security_context": {...}}},
 *              "runtimeSpec": {"process": {"args": ["/coredns", "-conf", "/etc/coredns/Corefile"], "env": [...]}}}
 *   }
 */
import type { TextParser } from '../types.js';
import { addEnvList, addEnvRow } from './container-env.js';
import { addLabels, emptyContainerRow, gpuRequestVia } from './docker-container.js';
import { criContainerState } from './cri-state.js';
import { readJsonValues } from './json-values.js';
import { kubeIdentity } from './kube-names.js';
import { arr, flag, int, isRecord, json, nonEmpty, obj, RowSink, str } from './rows.js';
import { criTime } from './timestamps.js';

/** CRI writes "never" as the Unix epoch. */
function criInstant(value: unknown): string | null {
  const t = criTime(value);
  return t === null || t.startsWith('1970-01-01T00:00:00') ? null : t;
}

function propagation(value: unknown): string | null {
  const s = nonEmpty(value);
  return s === null ? null : s.replace(/^PROPAGATION_/, '').toLowerCase();
}

/** Env keys from the CRI config (containerd keeps {key, value} pairs there), else from the OCI spec. */
function addCriEnv(sink: RowSink, id: string, config: Record<string, unknown>, process: Record<string, unknown>): Map<string, string | null> {
  const envs = arr(config.envs);
  if (envs.length === 0) return addEnvList(sink, id, process.env);
  const env = new Map<string, string | null>();
  for (const e of envs) {
    if (!isRecord(e) || typeof e.key !== 'string') continue;
    env.set(e.key, str(e.value));
    addEnvRow(sink, id, e.key, str(e.value));
  }
  return env;
}

function addCriContainer(sink: RowSink, doc: Record<string, unknown>): boolean {
  const status = obj(doc, 'status');
  const info = obj(doc, 'info');
  const id = nonEmpty(status.id);
  if (id === null) return false;
  const meta = obj(status, 'metadata');
  const config = obj(info, 'config');
  const spec = obj(info, 'runtimeSpec');
  const process = obj(spec, 'process');
  const security = obj(obj(config, 'linux'), 'security_context');
  const resources = obj(obj(status, 'resources'), 'linux');
  const kube = kubeIdentity(status.labels, '', status.annotations);
  const argv = arr(process.args).filter((a): a is string => typeof a === 'string');
  const state = criContainerState(status.state);

  const env = addCriEnv(sink, id, config, process);
  const devices = arr(config.devices).map((d) => (isRecord(d) ? { PathOnHost: d.host_path } : null));
  const gpuVia = gpuRequestVia({ Devices: devices }, env);

  sink.add('containers', {
    ...emptyContainerRow(),
    id,
    name: nonEmpty(meta.name),
    engine: 'cri',
    image: nonEmpty(obj(status, 'image').image),
    image_id: nonEmpty(status.imageRef),
    created: criInstant(status.createdAt),
    status: state,
    running: state === null ? null : state === 'running' ? 1 : 0,
    pid: int(info.pid),
    exit_code: int(status.exitCode),
    oom_killed: status.reason === 'OOMKilled' ? 1 : state === null ? null : 0,
    restart_count: int(meta.attempt),
    started_at: criInstant(status.startedAt),
    finished_at: criInstant(status.finishedAt),
    error: nonEmpty(status.message),
    path: argv[0] ?? null,
    args: argv.length > 0 ? JSON.stringify(argv.slice(1)) : null,
    entrypoint: json(config.command),
    cmd: json(config.args),
    privileged: flag(security.privileged ?? info.privileged),
    runtime: nonEmpty(info.runtimeType),
    log_path: nonEmpty(status.logPath),
    cpu_quota: int(resources.cpuQuota),
    cpu_period: int(resources.cpuPeriod),
    cpu_shares: int(resources.cpuShares),
    memory_limit: int(resources.memoryLimitInBytes),
    graph_driver: nonEmpty(info.snapshotter),
    ...kube,
    k8s_attempt: int(meta.attempt) ?? kube.k8s_attempt,
    sandbox_id: nonEmpty(info.sandboxID) ?? kube.sandbox_id,
    k8s_type: 'container',
    gpu_requested: gpuVia ? 1 : 0,
    gpu_request_via: gpuVia,
  });

  for (const m of arr(status.mounts)) {
    if (!isRecord(m)) continue;
    sink.add('container_mounts', {
      container_id: id,
      type: 'bind',
      source: str(m.hostPath),
      destination: str(m.containerPath),
      mode: m.readonly === true ? 'ro' : '',
      rw: m.readonly === true ? 0 : 1,
      propagation: propagation(m.propagation),
      name: null,
      driver: null,
    });
  }
  addLabels(sink, id, status.labels);
  // dockershim kept pod annotations as labels named annotation.<key>; the same names serve both engines
  const annotations = obj(status, 'annotations');
  addLabels(sink, id, Object.fromEntries(Object.entries(annotations).map(([k, v]) => [`annotation.${k}`, v])));
  return true;
}

export const crictlInspectParser: TextParser = {
  kind: 'text',
  parse(text) {
    const sink = new RowSink();
    const { values, errors } = readJsonValues(text);
    for (const e of errors) sink.error(e.message, e.line);
    for (const { value, line } of values) {
      if (!isRecord(value) || !addCriContainer(sink, value)) sink.error('crictl inspect document without status.id', line);
    }
    if (values.length === 0 && errors.length > 0) throw new Error('crictl inspect output holds no JSON document');
    return sink.rows();
  },
};
