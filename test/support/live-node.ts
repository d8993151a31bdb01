import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess, SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IPTABLES_RESTORE_INPUT } from './live-node-iptables.js';
import { plantSysroot } from './live-node-sysroot.js';
import type { PlantedSysroot } from './live-node-sysroot.js';

/**
 * A flannel (vxlan) + kube-proxy (iptables) node built inside network namespaces of our own:
 *   node namespace: lo, underlay0 (veth, 192.168.50.11/24, default route via .1), cni0 bridge
 *   10.244.1.1/24, the host end of a veth whose peer is eth0 in the pod namespace
 *   (10.244.1.5/24, default via 10.244.1.1), flannel.1 (vxlan id 1, dstport 8472, nolearning,
 *   local 192.168.50.11) with 10.244.1.0/32 and the route to the next node's pod subnet,
 *   an extra routing table (100) with a policy rule, kube-proxy's nat rules, namespaced sysctls;
 * plus a sysroot folder (see live-node-sysroot.ts). Nothing outside these namespaces and the
 * temp folder is touched; destroy() removes all of it and is safe to call twice.
 */
export interface LiveNode {
  /** The node's network namespace (run the collector in it with `ip netns exec`). */
  netns: string;
  podNetns: string;
  sysroot: PlantedSysroot;
  /** Scratch folder for outputs (removed by destroy). */
  work: string;
  planted: typeof PLANTED_NETWORK;
  /** UDP datagrams from the pod to the node's cni0 address for `seconds` (traffic for captures). */
  startPodTraffic(seconds: number): ChildProcess;
  /** Runs argv inside the node namespace. */
  run(argv: string[], options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string }): SpawnSyncReturns<string>;
  destroy(): void;
}

export const PLANTED_NETWORK = {
  bridge: 'cni0',
  vxlan: 'flannel.1',
  vxlanId: 1,
  vxlanPort: 8472,
  hostVeth: 'veth3f2a9c1d',
  podAddress: '10.244.1.5/24',
  remotePodSubnet: '10.244.2.0/24',
  remoteVtepMac: '5e:8e:4c:1a:2b:3c',
  remoteUnderlay: '192.168.50.12',
  extraTable: 100,
  extraTableRoute: '10.96.0.0/12',
  sysctls: { 'net.ipv4.ip_forward': '1', 'net.ipv4.tcp_keepalive_time': '7213', 'net.ipv4.conf.all.rp_filter': '2' },
} as const;

/** A pod sending one UDP datagram every 100 ms to 10.244.1.1:5353 for argv[1] seconds. */
const POD_TRAFFIC = `
const socket = require('node:dgram').createSocket('udp4');
const until = Date.now() + Number(process.argv[1]) * 1000;
const timer = setInterval(() => {
  if (Date.now() > until) { clearInterval(timer); socket.close(); return; }
  socket.send('nodesnap-live-node', 5353, '10.244.1.1');
}, 100);
`;

/** Tools the live-node tests drive; each is a Debian package CI installs. */
export const LIVE_NODE_TOOLS = ['ip', 'bridge', 'iptables', 'iptables-restore', 'iptables-save', 'sysctl', 'tcpdump', 'openssl', 'tar', 'gzip', 'sha256sum'];

function onPath(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v "$1" >/dev/null 2>&1`, 'sh', tool]).status === 0;
}

/** Why the live-node tests cannot run here, or null when they can. */
export function liveNodeSkipReason(extraTools: string[] = []): string | null {
  if (process.platform !== 'linux') return 'live-node tests need Linux network namespaces';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'live-node tests need root (ip netns, iptables)';
  const missing = [...LIVE_NODE_TOOLS, ...extraTools].filter((t) => !onPath(t));
  if (missing.length > 0) return `live-node tests need these tools: ${missing.join(', ')} (Debian: iproute2 iptables tcpdump openssl procps)`;
  return null;
}

function sh(argv: string[], input?: string): string {
  const [program, ...args] = argv;
  try {
    return execFileSync(program as string, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${argv.join(' ')}: ${e.stderr?.trim() || e.message}`);
  }
}

/** Builds the node. On any failure everything already made is removed before the error is thrown. */
export function createLiveNode(): LiveNode {
  const id = `${process.pid}-${randomBytes(3).toString('hex')}`;
  const netns = `nsnap-node-${id}`;
  const podNetns = `nsnap-pod-${id}`;
  const work = mkdtempSync(join(tmpdir(), 'nodesnap-live-'));
  let destroyed = false;
  const destroy = (): void => {
    if (destroyed) return;
    destroyed = true;
    for (const ns of [podNetns, netns]) spawnSync('ip', ['netns', 'delete', ns], { stdio: 'ignore' });
    rmSync(work, { recursive: true, force: true });
  };

  try {
    sh(['ip', 'netns', 'add', netns]);
    sh(['ip', 'netns', 'add', podNetns]);
    const n = (...args: string[]) => sh(['ip', '-n', netns, ...args]);
    const p = (...args: string[]) => sh(['ip', '-n', podNetns, ...args]);
    const inNode = (argv: string[], input?: string) => sh(['ip', 'netns', 'exec', netns, ...argv], input);
    const N = PLANTED_NETWORK;

    n('link', 'set', 'lo', 'up');
    // a veth pair as the underlay: this kernel may lack the dummy driver
    n('link', 'add', 'underlay0', 'type', 'veth', 'peer', 'name', 'underlay0-peer');
    n('link', 'set', 'underlay0-peer', 'up');
    n('addr', 'add', '192.168.50.11/24', 'dev', 'underlay0');
    n('link', 'set', 'underlay0', 'up');
    n('route', 'add', 'default', 'via', '192.168.50.1', 'dev', 'underlay0');

    n('link', 'add', N.bridge, 'type', 'bridge');
    n('addr', 'add', '10.244.1.1/24', 'dev', N.bridge);
    n('link', 'set', N.bridge, 'up');
    n('link', 'add', N.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', podNetns);
    n('link', 'set', N.hostVeth, 'master', N.bridge);
    n('link', 'set', N.hostVeth, 'up');
    p('link', 'set', 'lo', 'up');
    p('addr', 'add', N.podAddress, 'dev', 'eth0');
    p('link', 'set', 'eth0', 'up');
    p('route', 'add', 'default', 'via', '10.244.1.1', 'dev', 'eth0');

    n('link', 'add', N.vxlan, 'type', 'vxlan', 'id', String(N.vxlanId), 'dstport', String(N.vxlanPort), 'local', '192.168.50.11', 'dev', 'underlay0', 'nolearning');
    n('addr', 'add', '10.244.1.0/32', 'dev', N.vxlan);
    n('link', 'set', N.vxlan, 'up');
    n('route', 'add', N.remotePodSubnet, 'via', '10.244.2.0', 'dev', N.vxlan, 'onlink');
    n('neigh', 'add', '10.244.2.0', 'lladdr', N.remoteVtepMac, 'dev', N.vxlan, 'nud', 'permanent');
    inNode(['bridge', 'fdb', 'append', N.remoteVtepMac, 'dev', N.vxlan, 'dst', N.remoteUnderlay]);

    n('route', 'add', N.extraTableRoute, 'dev', N.bridge, 'table', String(N.extraTable));
    n('rule', 'add', 'from', '10.244.1.0/24', 'lookup', String(N.extraTable), 'priority', '1000');

    inNode(['iptables-restore'], IPTABLES_RESTORE_INPUT);
    for (const [key, value] of Object.entries(N.sysctls)) inNode(['sysctl', '-q', '-w', `${key}=${value}`]);

    const sysroot = plantSysroot(join(work, 'sysroot'), join(work, 'openssl'));

    return {
      netns,
      podNetns,
      sysroot,
      work,
      planted: PLANTED_NETWORK,
      startPodTraffic: (seconds) =>
        spawn('ip', ['netns', 'exec', podNetns, process.execPath, '-e', POD_TRAFFIC, String(seconds)], { stdio: 'ignore' }),
      run: (argv, options = {}) =>
        spawnSync('ip', ['netns', 'exec', netns, ...argv], {
          encoding: 'utf8',
          env: options.env ?? process.env,
          timeout: options.timeoutMs ?? 300_000,
          input: options.input,
          maxBuffer: 64 * 1024 * 1024,
        }),
      destroy,
    };
  } catch (err) {
    destroy();
    throw err;
  }
}
