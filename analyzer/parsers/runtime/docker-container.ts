/**
 * One container of `docker inspect` (Docker 18.09 to 27) into the containers table and its
 * child tables. Fields missing in one version or another (HostConfig.Init, DeviceRequests since
 * 19.03, GraphDriver.Data null with the containerd image store) become NULL, never errors.
 */
import { addEnvList } from './container-env.js';
import { kubeIdentity } from './kube-names.js';
import { arr, flag, int, isRecord, json, nonEmpty, obj, str, type RowSink } from './rows.js';
import { isoUtc } from './timestamps.js';
import type { Row } from '../types.js';

/** Every containers column, NULL unless a parser knows better (docker and CRI fill different ones). */
export function emptyContainerRow(): Row {
  return {
    id: null, name: null, engine: null, image: null, image_id: null, created: null,
    status: null, running: null, paused: null, restarting: null, pid: null, exit_code: null,
    oom_killed: null, restart_count: null, started_at: null, finished_at: null, error: null,
    health_status: null, path: null, args: null, entrypoint: null, cmd: null, user: null,
    hostname: null, init: null, privileged: null, network_mode: null, pid_mode: null,
    ipc_mode: null, runtime: null, cgroup_parent: null, log_type: null, log_max_size: null,
    log_max_file: null, log_path: null, restart_policy: null, restart_max_retries: null,
    readonly_rootfs: null, memory_limit: null, nano_cpus: null, cpu_quota: null, cpu_period: null,
    cpu_shares: null, graph_driver: null, upper_dir: null, merged_dir: null, work_dir: null,
    overlay_layer_id: null, sandbox_key: null, pod_name: null, pod_namespace: null, pod_uid: null,
    k8s_container_name: null, k8s_type: null, sandbox_id: null, k8s_attempt: null,
    gpu_requested: null, gpu_request_via: null,
  };
}

/** The overlay2 layer directory name of an UpperDir like /var/lib/docker/overlay2/<id>/diff. */
export function overlayLayerId(upperDir: string | null): string | null {
  if (!upperDir) return null;
  const parts = upperDir.split('/').filter((p) => p !== '');
  const i = parts.lastIndexOf('overlay2');
  return i >= 0 && i + 1 < parts.length ? (parts[i + 1] ?? null) : null;
}

/**
 * How the container asks for a GPU, or null: `--gpus` (DeviceRequests, Docker 19.03+), NVIDIA
 * device nodes passed in (the Kubernetes device plugin), or NVIDIA_VISIBLE_DEVICES (nvidia runtime).
 */
export function gpuRequestVia(hostConfig: Record<string, unknown>, env: Map<string, string | null>): string | null {
  const via: string[] = [];
  for (const req of arr(hostConfig.DeviceRequests)) {
    if (!isRecord(req)) continue;
    const caps = arr(req.Capabilities).flatMap((c) => arr(c));
    if (req.Driver === 'nvidia' || caps.includes('gpu')) {
      via.push('device-requests');
      break;
    }
  }
  if (arr(hostConfig.Devices).some((d) => isRecord(d) && typeof d.PathOnHost === 'string' && /^\/dev\/nvidia\d+$/.test(d.PathOnHost))) via.push('devices');
  const visible = env.get('NVIDIA_VISIBLE_DEVICES');
  if (visible && visible !== 'void' && visible !== 'none' && visible !== '') via.push('env');
  return via.length > 0 ? via.join(',') : null;
}

function addMounts(sink: RowSink, id: string, c: Record<string, unknown>, hostConfig: Record<string, unknown>): void {
  const mounts = arr(c.Mounts);
  if (mounts.length > 0) {
    for (const m of mounts) {
      if (!isRecord(m)) continue;
      sink.add('container_mounts', {
        container_id: id,
        type: nonEmpty(m.Type),
        source: str(m.Source),
        destination: str(m.Destination),
        mode: str(m.Mode),
        rw: flag(m.RW),
        propagation: nonEmpty(m.Propagation),
        name: nonEmpty(m.Name),
        driver: nonEmpty(m.Driver),
      });
    }
    return;
  }
  // containers created before `Mounts` was filled still list their bind mounts as src:dst[:opts]
  for (const b of arr(hostConfig.Binds)) {
    if (typeof b !== 'string') continue;
    const [source = '', destination = '', mode = ''] = b.split(':');
    sink.add('container_mounts', {
      container_id: id,
      type: source.startsWith('/') ? 'bind' : 'volume',
      source,
      destination,
      mode,
      rw: mode.split(',').includes('ro') ? 0 : 1,
      propagation: null,
      name: source.startsWith('/') ? null : source,
      driver: null,
    });
  }
}

function addPorts(sink: RowSink, id: string, ports: unknown, origin: 'published' | 'binding'): void {
  if (!isRecord(ports)) return;
  for (const [spec, bindings] of Object.entries(ports)) {
    const [port = '', protocol = 'tcp'] = spec.split('/');
    const list = arr(bindings);
    if (list.length === 0) {
      sink.add('container_ports', { container_id: id, origin, container_port: int(port), protocol, host_ip: null, host_port: null });
      continue;
    }
    for (const b of list) {
      if (!isRecord(b)) continue;
      sink.add('container_ports', {
        container_id: id,
        origin,
        container_port: int(port),
        protocol,
        host_ip: nonEmpty(b.HostIp),
        host_port: int(b.HostPort),
      });
    }
  }
}

function addNetworks(sink: RowSink, id: string, settings: Record<string, unknown>): void {
  const networks = obj(settings, 'Networks');
  const names = Object.keys(networks);
  for (const name of names) {
    const n = networks[name];
    if (!isRecord(n)) continue;
    sink.add('container_networks', {
      container_id: id,
      network: name,
      network_id: nonEmpty(n.NetworkID),
      endpoint_id: nonEmpty(n.EndpointID),
      ip: nonEmpty(n.IPAddress),
      prefixlen: nonEmpty(n.IPAddress) ? int(n.IPPrefixLen) : null,
      gateway: nonEmpty(n.Gateway),
      mac: nonEmpty(n.MacAddress),
      ipv6: nonEmpty(n.GlobalIPv6Address),
      ipv6_prefixlen: nonEmpty(n.GlobalIPv6Address) ? int(n.GlobalIPv6PrefixLen) : null,
    });
  }
  // very old daemons only had the top-level address of the default bridge
  if (names.length === 0 && nonEmpty(settings.IPAddress)) {
    sink.add('container_networks', {
      container_id: id,
      network: 'bridge',
      network_id: null,
      endpoint_id: nonEmpty(settings.EndpointID),
      ip: nonEmpty(settings.IPAddress),
      prefixlen: int(settings.IPPrefixLen),
      gateway: nonEmpty(settings.Gateway),
      mac: nonEmpty(settings.MacAddress),
      ipv6: nonEmpty(settings.GlobalIPv6Address),
      ipv6_prefixlen: nonEmpty(settings.GlobalIPv6Address) ? int(settings.GlobalIPv6PrefixLen) : null,
    });
  }
}

export function addLabels(sink: RowSink, id: string, labels: unknown): void {
  if (!isRecord(labels)) return;
  for (const [key, value] of Object.entries(labels)) sink.add('container_labels', { container_id: id, key, value: str(value) });
}

/** A sandbox is its own sandbox; a pod container names its sandbox by label, or by joining its network namespace. */
function sandboxIdOf(id: string, type: string | null, labelled: string | null, networkMode: string | null): string | null {
  if (type === 'podsandbox') return id;
  if (labelled !== null || type !== 'container') return labelled;
  return networkMode?.startsWith('container:') ? networkMode.slice('container:'.length) : null;
}

/** Adds the rows of one inspected container; returns false when it has no Id. */
export function addDockerContainer(sink: RowSink, c: Record<string, unknown>): boolean {
  const id = nonEmpty(c.Id);
  if (id === null) return false;
  const state = obj(c, 'State');
  const config = obj(c, 'Config');
  const hostConfig = obj(c, 'HostConfig');
  const graph = obj(c, 'GraphDriver');
  const graphData = obj(graph, 'Data');
  const settings = obj(c, 'NetworkSettings');
  const logConfig = obj(hostConfig, 'LogConfig');
  const logOpts = obj(logConfig, 'Config');
  const restart = obj(hostConfig, 'RestartPolicy');
  const name = (str(c.Name) ?? '').replace(/^\//, '');
  const env = addEnvList(sink, id, config.Env);
  const kube = kubeIdentity(config.Labels, name);
  const upperDir = nonEmpty(graphData.UpperDir);
  const gpuVia = gpuRequestVia(hostConfig, env);
  const health = obj(state, 'Health');

  sink.add('containers', {
    ...emptyContainerRow(),
    id,
    name,
    engine: 'docker',
    image: nonEmpty(config.Image),
    image_id: nonEmpty(c.Image),
    created: isoUtc(c.Created),
    status: nonEmpty(state.Status),
    running: flag(state.Running),
    paused: flag(state.Paused),
    restarting: flag(state.Restarting),
    pid: int(state.Pid),
    exit_code: int(state.ExitCode),
    oom_killed: flag(state.OOMKilled),
    restart_count: int(c.RestartCount),
    started_at: isoUtc(state.StartedAt),
    finished_at: isoUtc(state.FinishedAt),
    error: nonEmpty(state.Error),
    health_status: nonEmpty(health.Status),
    path: nonEmpty(c.Path),
    args: json(c.Args),
    entrypoint: json(config.Entrypoint),
    cmd: json(config.Cmd),
    user: nonEmpty(config.User),
    hostname: nonEmpty(config.Hostname),
    init: flag(hostConfig.Init),
    privileged: flag(hostConfig.Privileged),
    network_mode: nonEmpty(hostConfig.NetworkMode),
    pid_mode: nonEmpty(hostConfig.PidMode),
    ipc_mode: nonEmpty(hostConfig.IpcMode),
    runtime: nonEmpty(hostConfig.Runtime),
    cgroup_parent: nonEmpty(hostConfig.CgroupParent),
    log_type: nonEmpty(logConfig.Type),
    log_max_size: nonEmpty(logOpts['max-size']),
    log_max_file: nonEmpty(logOpts['max-file']),
    log_path: nonEmpty(c.LogPath),
    restart_policy: nonEmpty(restart.Name),
    restart_max_retries: int(restart.MaximumRetryCount),
    readonly_rootfs: flag(hostConfig.ReadonlyRootfs),
    memory_limit: int(hostConfig.Memory),
    nano_cpus: int(hostConfig.NanoCpus),
    cpu_quota: int(hostConfig.CpuQuota),
    cpu_period: int(hostConfig.CpuPeriod),
    cpu_shares: int(hostConfig.CpuShares),
    graph_driver: nonEmpty(graph.Name) ?? nonEmpty(c.Driver),
    upper_dir: upperDir,
    merged_dir: nonEmpty(graphData.MergedDir),
    work_dir: nonEmpty(graphData.WorkDir),
    overlay_layer_id: overlayLayerId(upperDir),
    sandbox_key: nonEmpty(settings.SandboxKey),
    ...kube,
    sandbox_id: sandboxIdOf(id, kube.k8s_type, kube.sandbox_id, nonEmpty(hostConfig.NetworkMode)),
    gpu_requested: gpuVia ? 1 : 0,
    gpu_request_via: gpuVia,
  });
  addMounts(sink, id, c, hostConfig);
  addPorts(sink, id, settings.Ports, 'published');
  addPorts(sink, id, hostConfig.PortBindings, 'binding');
  addNetworks(sink, id, settings);
  addLabels(sink, id, config.Labels);
  return true;
}
