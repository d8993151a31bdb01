/**
 * `docker info --format '{{json .}}'` (Docker 18.09 to 27). Since 20.10 the client adds
 * ClientInfo and, with the daemon down, ServerErrors.
 *
 *   {"ID":"6TQE:...","Containers":24,"ContainersRunning":12,"Driver":"overlay2",
 *    "DriverStatus":[["Backing Filesystem","xfs"],["Supports d_type","false"],["Native Overlay Diff","true"]],
 *    "CgroupDriver":"cgroupfs","LoggingDriver":"json-file","DockerRootDir":"/data/lib/docker",
 *    "RegistryConfig":{"InsecureRegistryCIDRs":["127.0.0.0/8"],"IndexConfigs":{"registry.nscloud:5000":{"Secure":false,...}}},
 *    "Runtimes":{"nvidia":{"path":"/usr/bin/nvidia-container-runtime"},"runc":{"path":"runc"}},"DefaultRuntime":"nvidia",
 *    "ServerVersion":"18.09.7","Warnings":null, ...}
 */
import { FACT, type TextParser } from '../types.js';
import { arr, flag, int, isRecord, nonEmpty, obj, RowSink, str } from './rows.js';
import { readSingleObject } from './single-json.js';

/** Every daemon trusts loopback registries (Docker 28 adds ::1/128); listing them would make every node look insecure. */
const BUILTIN_INSECURE_CIDRS = new Set(['127.0.0.0/8', '::1/128']);

function driverStatus(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of arr(value)) {
    const [k, v] = arr(pair);
    if (typeof k === 'string') out[k] = str(v) ?? '';
  }
  return out;
}

function insecureRegistries(registry: Record<string, unknown>): string[] {
  const found = arr(registry.InsecureRegistryCIDRs).filter((c): c is string => typeof c === 'string' && !BUILTIN_INSECURE_CIDRS.has(c));
  for (const [name, cfg] of Object.entries(obj(registry, 'IndexConfigs'))) {
    if (isRecord(cfg) && cfg.Secure === false) found.push(name);
  }
  return found;
}

function boolText(value: string | undefined): 0 | 1 | null {
  return value === 'true' ? 1 : value === 'false' ? 0 : null;
}

const nonEmptyList = (v: unknown) => (arr(v).length > 0 ? JSON.stringify(v) : null);

export const dockerInfoParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const sink = new RowSink();
    const info = readSingleObject(text, sink, 'docker info');
    if (!info) return sink.rows();
    const status = driverStatus(info.DriverStatus);
    const registry = obj(info, 'RegistryConfig');
    const runtimes = obj(info, 'Runtimes');
    const defaultRuntime = nonEmpty(info.DefaultRuntime);
    const serverVersion = nonEmpty(info.ServerVersion);

    sink.add('docker_info', {
      server_version: serverVersion,
      storage_driver: nonEmpty(info.Driver),
      backing_filesystem: status['Backing Filesystem'] ?? null,
      supports_d_type: boolText(status['Supports d_type']),
      driver_status: Object.keys(status).length > 0 ? JSON.stringify(status) : null,
      docker_root_dir: nonEmpty(info.DockerRootDir),
      cgroup_driver: nonEmpty(info.CgroupDriver),
      cgroup_version: nonEmpty(info.CgroupVersion),
      logging_driver: nonEmpty(info.LoggingDriver),
      default_runtime: defaultRuntime,
      runtimes: Object.keys(runtimes).length > 0 ? JSON.stringify(Object.keys(runtimes).sort()) : null,
      kernel_version: nonEmpty(info.KernelVersion),
      operating_system: nonEmpty(info.OperatingSystem),
      architecture: nonEmpty(info.Architecture),
      ncpu: int(info.NCPU),
      mem_total: int(info.MemTotal),
      containers: int(info.Containers),
      containers_running: int(info.ContainersRunning),
      containers_paused: int(info.ContainersPaused),
      containers_stopped: int(info.ContainersStopped),
      images: int(info.Images),
      name: nonEmpty(info.Name),
      live_restore: flag(info.LiveRestoreEnabled),
      ipv4_forwarding: flag(info.IPv4Forwarding),
      bridge_nf_iptables: flag(info.BridgeNfIptables),
      insecure_registries: JSON.stringify(insecureRegistries(registry)),
      registry_mirrors: nonEmptyList(registry.Mirrors),
      security_options: nonEmptyList(info.SecurityOptions),
      warnings: nonEmptyList(info.Warnings),
      http_proxy: nonEmpty(info.HttpProxy),
      https_proxy: nonEmpty(info.HttpsProxy),
      no_proxy: nonEmpty(info.NoProxy),
      init_binary: nonEmpty(info.InitBinary),
      server_errors: nonEmptyList(info.ServerErrors),
      raw: JSON.stringify(info),
    });
    for (const [name, rt] of Object.entries(runtimes)) {
      sink.add('docker_runtimes', { name, path: isRecord(rt) ? nonEmpty(rt.path) : null, is_default: name === defaultRuntime ? 1 : 0 });
    }
    const fact = (key: string, value: string | null) => {
      if (value !== null) sink.add('node_facts', { source: ctx.source, key, value });
    };
    fact(FACT.dockerVersion, serverVersion);
    if (serverVersion !== null) {
      fact('runtime.docker.storage_driver', nonEmpty(info.Driver));
      fact('runtime.docker.cgroup_driver', nonEmpty(info.CgroupDriver));
      fact('runtime.docker.default_runtime', defaultRuntime);
      fact('runtime.docker.root_dir', nonEmpty(info.DockerRootDir));
    }
    return sink.rows();
  },
};
