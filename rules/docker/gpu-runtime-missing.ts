/**
 * docker/gpu-runtime-missing: a node with NVIDIA GPUs whose docker has no NVIDIA runtime (or does
 * not use it where Kubernetes needs it as the default), and containers that want a GPU but run
 * under plain runc, where nothing gives them one.
 */
import type { Database } from 'better-sqlite3';
import type { RuleContext, RuleFinding, RuleMeta } from '../../analyzer/rules/types.js';
import { containerLabel, currentContainers, loadContainers, type ContainerRow } from '../../analyzer/rules/lib/docker-containers.js';

export const meta = {
  id: 'docker/gpu-runtime-missing',
  title: 'NVIDIA GPUs are present but docker has no NVIDIA runtime for them',
  severity: 'high',
  category: 'docker',
  description:
    "The node has NVIDIA GPUs (nvidia-smi, /dev/nvidia*, the nvidia kernel module) but dockerd has no nvidia runtime registered, or " +
    'it is registered but not the default while Kubernetes pods get their GPUs from the NVIDIA device plugin (which, with docker, ' +
    'only works when default-runtime is nvidia). Under plain runc, NVIDIA_VISIBLE_DEVICES is an ordinary variable: the container ' +
    'gets neither the /dev/nvidia* devices nor the driver libraries, and CUDA reports "no CUDA-capable device is detected" while ' +
    'nvidia-smi on the host shows the GPUs idle.',
  remediation:
    'Install the NVIDIA Container Toolkit and register its runtime with docker (as the default on Kubernetes nodes):\n' +
    '  nvidia-ctk runtime configure --runtime=docker --set-as-default\n' +
    'which writes to /etc/docker/daemon.json:\n' +
    '  { "default-runtime": "nvidia", "runtimes": { "nvidia": { "path": "nvidia-container-runtime", "args": [] } } }\n' +
    '  systemctl restart docker && docker info | grep -i runtime\n' +
    'Then request GPUs explicitly: docker run --gpus all ..., or resources.limits nvidia.com/gpu: 1 in the pod spec; verify with\n' +
    '  docker exec <container> nvidia-smi',
  references: [
    'https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html#configuring-docker',
    'https://github.com/NVIDIA/k8s-device-plugin#configure-docker',
    'https://docs.docker.com/engine/containers/resource_constraints/#gpu',
  ],
  sources: ['nvidia-smi|dev-nvidia|proc-modules', 'docker-info'],
  parameters: {},
} satisfies Omit<RuleMeta, 'file'>;

interface NodeGpus {
  evidence: string[];
  count: number;
  model: string | null;
}

function gpusByNode(db: Database): Map<number, NodeGpus> {
  const out = new Map<number, NodeGpus>();
  const get = (id: number) => {
    let g = out.get(id);
    if (!g) out.set(id, (g = { evidence: [], count: 0, model: null }));
    return g;
  };
  const smi = db
    .prepare('SELECT node_id, COUNT(*) AS n, MIN(name) AS model, MIN(driver_version) AS driver, GROUP_CONCAT(pci_bus_id, \', \') AS buses FROM gpus GROUP BY node_id')
    .all() as { node_id: number; n: number; model: string | null; driver: string | null; buses: string | null }[];
  for (const r of smi) {
    const g = get(r.node_id);
    g.count = r.n;
    g.model = r.model;
    g.evidence.push(`nvidia-smi: ${r.n} GPU(s), ${r.model ?? '?'}, driver ${r.driver ?? '?'} (${r.buses ?? ''})`);
  }
  const devs = db
    .prepare("SELECT node_id, COUNT(*) AS n, GROUP_CONCAT(path, ' ') AS paths FROM gpu_devices WHERE kind = 'gpu' GROUP BY node_id")
    .all() as { node_id: number; n: number; paths: string }[];
  for (const r of devs) {
    const g = get(r.node_id);
    g.count = Math.max(g.count, r.n);
    g.evidence.push(`/dev: ${r.paths}`);
  }
  // nvidia.ko refuses to load without a GPU it drives ("NVRM: No NVIDIA GPU found"), so a loaded module is a GPU too
  const mods = db.prepare("SELECT DISTINCT node_id FROM modules WHERE name = 'nvidia' AND how = 'loaded'").all() as { node_id: number }[];
  for (const r of mods) {
    get(r.node_id).evidence.push('/proc/modules: nvidia loaded');
  }
  return out;
}

interface DockerRuntimes {
  answered: boolean;
  defaultRuntime: string | null;
  names: string[];
  nvidia: string[];
  /** daemon.json settings about runtimes, as evidence and to tell "configured but not loaded". */
  configLines: string[];
  configuredNvidia: boolean;
}

function dockerRuntimes(db: Database, nodeId: number): DockerRuntimes {
  const info = db.prepare('SELECT server_version, default_runtime FROM docker_info WHERE node_id = ?').get(nodeId) as
    | { server_version: string | null; default_runtime: string | null }
    | undefined;
  const rows = db.prepare('SELECT name, path, is_default FROM docker_runtimes WHERE node_id = ? ORDER BY name').all(nodeId) as { name: string; path: string | null; is_default: number | null }[];
  const config = db
    .prepare("SELECT path, key, value FROM daemon_config WHERE node_id = ? AND (key = 'default-runtime' OR key LIKE 'runtimes.%') ORDER BY key")
    .all(nodeId) as { path: string; key: string; value: string }[];
  const isNvidia = (s: string | null) => !!s && /nvidia/i.test(s);
  return {
    answered: !!info?.server_version,
    defaultRuntime: info?.default_runtime ?? null,
    names: rows.map((r) => r.name),
    nvidia: rows.filter((r) => isNvidia(r.name) || isNvidia(r.path)).map((r) => r.name),
    configLines: config.map((c) => `${c.path}: ${c.key} = ${c.value}`),
    configuredNvidia: config.some((c) => isNvidia(c.key) || isNvidia(c.value)),
  };
}

const wantsGpu = (c: ContainerRow) => c.gpu_requested === 1;

/** A container that asks for GPUs in a way runc does not honour, and why. */
function unservedGpuRequest(c: ContainerRow, env: ReadonlyMap<string, string | null>): string | null {
  if (!wantsGpu(c) || /nvidia/i.test(c.runtime ?? '')) return null;
  const via = (c.gpu_request_via ?? '').split(',').filter(Boolean);
  // docker --gpus goes through docker's own NVIDIA hook, not the runtime
  if (via.includes('device-requests')) return null;
  const visible = env.get('NVIDIA_VISIBLE_DEVICES');
  if (via.includes('devices')) return `it is given /dev/nvidia* devices but runs under ${c.runtime ?? 'runc'}, which injects no driver libraries`;
  return `its only GPU request is NVIDIA_VISIBLE_DEVICES=${visible ?? '(set)'}, which ${c.runtime ?? 'runc'} ignores: no --gpus, no nvidia.com/gpu device, so it has no GPU`;
}

export function run(ctx: RuleContext): RuleFinding[] {
  const { db } = ctx;
  const gpus = gpusByNode(db);
  const containers = currentContainers(loadContainers(db, ctx.nodeIds));
  const envRows = db.prepare("SELECT node_id, container_id, key, value FROM container_env WHERE key LIKE 'NVIDIA_%' OR key = 'CUDA_VERSION'").all() as {
    node_id: number;
    container_id: string;
    key: string;
    value: string | null;
  }[];
  const envOf = (c: ContainerRow) => new Map(envRows.filter((e) => e.node_id === c.node_id && e.container_id === c.id).map((e) => [e.key, e.value] as const));

  const out: RuleFinding[] = [];
  for (const nodeId of ctx.nodeIds) {
    const g = gpus.get(nodeId);
    if (!g) continue;
    const rt = dockerRuntimes(db, nodeId);
    if (!rt.answered) continue; // docker was down: its runtimes are unknown
    const onNode = containers.filter((c) => c.node_id === nodeId);
    const gpuWord = g.count ? `${g.count} NVIDIA GPU(s)${g.model ? ` (${g.model})` : ''}` : 'NVIDIA GPUs (the nvidia driver is loaded)';
    const runtimeEvidence = [
      `docker info: Runtimes: ${rt.names.join(' ') || '(none)'}; Default Runtime: ${rt.defaultRuntime ?? '?'}`,
      ...(rt.configLines.length ? rt.configLines : ['/etc/docker/daemon.json: no "runtimes" and no "default-runtime"']),
    ];
    const k8sPods = onNode.some((c) => c.k8s_type === 'container');
    if (rt.nvidia.length === 0) {
      out.push({
        node_id: nodeId,
        resource: 'dockerd runtimes',
        message:
          `The node has ${gpuWord} but dockerd has no nvidia runtime (runtimes: ${rt.names.join(', ') || 'none'}; default ${rt.defaultRuntime ?? '?'})` +
          (rt.configuredNvidia ? ': daemon.json configures one but the running daemon has not loaded it (restart docker)' : ': no container on this node can use the GPUs'),
        evidence: [...g.evidence, ...runtimeEvidence].join('\n'),
      });
    } else if (k8sPods && !/nvidia/i.test(rt.defaultRuntime ?? '')) {
      out.push({
        node_id: nodeId,
        resource: 'dockerd default-runtime',
        message: `The node has ${gpuWord} and the ${rt.nvidia.join(', ')} runtime is registered, but the default runtime is ${rt.defaultRuntime ?? '?'}: pods get GPUs from the device plugin only when default-runtime is nvidia`,
        evidence: [...g.evidence, ...runtimeEvidence].join('\n'),
      });
    }
    for (const c of onNode) {
      const why = unservedGpuRequest(c, envOf(c));
      if (!why) continue;
      const label = containerLabel(c);
      out.push({
        node_id: nodeId,
        resource: label.resource,
        message: `${label.phrase} (image ${c.image ?? '?'}) wants a GPU but ${why}`,
        evidence: [
          `HostConfig.Runtime: ${c.runtime ?? '?'}`,
          `GPU request: ${c.gpu_request_via ?? 'none'} (HostConfig.DeviceRequests: ${(c.gpu_request_via ?? '').includes('device-requests') ? 'set' : 'none'})`,
          ...[...envOf(c)].map(([k, v]) => `Env: ${k}=${v ?? '(value not kept)'}`),
          ...g.evidence,
        ].join('\n'),
      });
    }
  }
  return out;
}
