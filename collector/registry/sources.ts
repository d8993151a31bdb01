import type { SourceSpec } from './types.js';

const MiB = 1024 * 1024;

/**
 * Journal tail of one systemd unit; --since narrows it. With --sysroot the host's journal files are
 * read (`journalctl --root`), not the collector container's.
 */
function journalUnit(name: string, unit: string, description: string): SourceSpec {
  return {
    name,
    category: 'logs',
    description,
    items: [
      {
        kind: 'shell',
        id: 'journal',
        tools: ['journalctl'],
        ext: 'txt',
        maxBytes: 8 * MiB,
        script: `journalctl --no-pager -o short-iso -u ${unit} -n 5000 \${SYSROOT:+--root="$SYSROOT"} \${SINCE:+--since="-$SINCE"}`,
      },
    ],
  };
}

/**
 * Every source nodesnap collects. Order is collection order: cheap identity first, so that a
 * snapshot cut short by the size cap still says which node it came from.
 */
export const SOURCES: readonly SourceSpec[] = [
  // ---- identity and clock ------------------------------------------------------------------
  {
    name: 'uname',
    category: 'system',
    description: 'Kernel name, release, version and machine (uname -a)',
    items: [{ kind: 'command', id: 'uname', argv: ['uname', '-a'], ext: 'txt' }],
  },
  {
    name: 'os-release',
    category: 'system',
    description: 'Distribution identity (/etc/os-release)',
    items: [{ kind: 'files', id: 'os-release', root: 'host', patterns: ['/etc/os-release', '/usr/lib/os-release', '/etc/redhat-release'] }],
  },
  {
    name: 'hostname',
    category: 'system',
    description: 'Host name as the kernel reports it (hostname)',
    items: [{ kind: 'command', id: 'hostname', argv: ['hostname'], fallbacks: [['cat', '/proc/sys/kernel/hostname']], ext: 'txt' }],
  },
  {
    name: 'machine-id',
    category: 'system',
    description: 'systemd machine id (/etc/machine-id); cloned images share it',
    items: [{ kind: 'files', id: 'machine-id', root: 'host', patterns: ['/etc/machine-id'] }],
  },
  {
    name: 'timezone',
    category: 'system',
    description: 'Node clock: UTC offset, zone abbreviation, /etc/localtime target and /etc/timezone',
    items: [
      {
        kind: 'shell',
        id: 'timezone',
        tools: ['date'],
        ext: 'txt',
        script: [
          'echo "offset=$(date +%z)"',
          'echo "abbreviation=$(date +%Z)"',
          'echo "epoch=$(date +%s)"',
          'echo "localtime=$(readlink "$SYSROOT/etc/localtime" 2>/dev/null)"',
          'echo "timezone=$(cat "$SYSROOT/etc/timezone" 2>/dev/null)"',
        ].join('\n'),
      },
    ],
  },
  {
    name: 'uptime',
    category: 'system',
    description: 'Seconds since boot (/proc/uptime)',
    items: [{ kind: 'files', id: 'uptime', root: 'kernel', patterns: ['/proc/uptime'] }],
  },
  {
    name: 'timedatectl',
    category: 'system',
    description: 'Clock synchronisation state from systemd-timedated',
    items: [
      {
        kind: 'command',
        id: 'timedatectl',
        argv: ['timedatectl', 'show'],
        fallbacks: [['timedatectl', 'status']],
        ext: 'txt',
        timeoutSeconds: 10,
      },
    ],
  },
  {
    name: 'chronyc',
    category: 'system',
    description: 'chrony tracking state (leap status, offset)',
    items: [{ kind: 'command', id: 'tracking', argv: ['chronyc', '-n', 'tracking'], ext: 'txt', timeoutSeconds: 10 }],
  },

  // ---- kernel state --------------------------------------------------------------------------
  {
    name: 'sysctl',
    category: 'kernel',
    description: 'All kernel parameters (sysctl -a)',
    items: [{ kind: 'command', id: 'sysctl', argv: ['sysctl', '-a'], ext: 'txt' }],
  },
  {
    name: 'proc-modules',
    category: 'kernel',
    description: 'Loaded kernel modules (/proc/modules)',
    items: [{ kind: 'files', id: 'modules', root: 'kernel', patterns: ['/proc/modules'] }],
  },
  {
    name: 'sys-modules',
    category: 'kernel',
    description: 'Modules known to sysfs, built-in ones included (ls /sys/module)',
    items: [{ kind: 'command', id: 'sys-module', argv: ['ls', '-1', '/sys/module'], ext: 'txt' }],
  },
  {
    name: 'modules-builtin',
    category: 'kernel',
    description: 'Modules compiled into the running kernel (/lib/modules/$(uname -r)/modules.builtin, from the sysroot first)',
    items: [{ kind: 'shell', id: 'modules-builtin', tools: ['uname', 'cat'], ext: 'txt', script: 'f="$SYSROOT/lib/modules/$(uname -r)/modules.builtin"; [ -r "$f" ] || f="/lib/modules/$(uname -r)/modules.builtin"; cat "$f"' }],
  },
  {
    name: 'kernel-config',
    category: 'kernel',
    description: 'Options the running kernel was built with, =y and =m only (/proc/config.gz or /boot/config-*)',
    items: [
      {
        kind: 'shell',
        id: 'kernel-config',
        tools: ['grep'],
        ext: 'txt',
        script: '{ if [ -r /proc/config.gz ]; then gzip -dc /proc/config.gz; else cat "$SYSROOT/boot/config-$(uname -r)"; fi; } | grep -E "^CONFIG_[A-Z0-9_]+=(y|m)$"',
      },
    ],
  },
  {
    name: 'proc-vmstat',
    category: 'kernel',
    description: 'Virtual memory counters, nr_kernel_stack among them (/proc/vmstat)',
    items: [{ kind: 'files', id: 'vmstat', root: 'kernel', patterns: ['/proc/vmstat'] }],
  },
  {
    name: 'proc-meminfo',
    category: 'kernel',
    description: 'Memory and swap totals (/proc/meminfo)',
    items: [{ kind: 'files', id: 'meminfo', root: 'kernel', patterns: ['/proc/meminfo'] }],
  },
  {
    name: 'proc-loadavg',
    category: 'kernel',
    description: 'Load average and task counts (/proc/loadavg)',
    items: [{ kind: 'files', id: 'loadavg', root: 'kernel', patterns: ['/proc/loadavg'] }],
  },
  {
    name: 'proc-pressure',
    category: 'kernel',
    description: 'Pressure stall information for cpu, memory and io (/proc/pressure/*)',
    items: [{ kind: 'files', id: 'pressure', root: 'kernel', patterns: ['/proc/pressure/cpu', '/proc/pressure/memory', '/proc/pressure/io'] }],
  },
  {
    name: 'kernel-log',
    category: 'logs',
    description: 'Kernel ring buffer (dmesg, or journalctl -k), bounded',
    items: [
      {
        kind: 'command',
        id: 'dmesg',
        argv: ['dmesg', '--time-format', 'iso'],
        fallbacks: [['dmesg'], ['journalctl', '-k', '--no-pager', '-o', 'short-iso', '-n', '20000']],
        ext: 'txt',
        maxBytes: 8 * MiB,
      },
    ],
  },

  // ---- netfilter -----------------------------------------------------------------------------
  {
    name: 'iptables-version',
    category: 'netfilter',
    description: 'iptables version and backend (legacy or nf_tables)',
    items: [{ kind: 'command', id: 'version', argv: ['iptables', '-V'], ext: 'txt', timeoutSeconds: 10 }],
  },
  {
    name: 'iptables-save',
    category: 'netfilter',
    description: 'IPv4 rules with counters, through the default iptables backend (iptables-save -c)',
    items: [
      { kind: 'command', id: 'iptables-save', argv: ['iptables-save', '-c'], ext: 'txt', needsRoot: true, maxBytes: 128 * MiB, requiresAnyModule: ['ip_tables', 'nf_tables'] },
    ],
  },
  {
    name: 'ip6tables-save',
    category: 'netfilter',
    description: 'IPv6 rules with counters (ip6tables-save -c)',
    items: [
      { kind: 'command', id: 'ip6tables-save', argv: ['ip6tables-save', '-c'], ext: 'txt', needsRoot: true, maxBytes: 64 * MiB, requiresAnyModule: ['ip6_tables', 'nf_tables'] },
    ],
  },
  {
    name: 'iptables-legacy-save',
    category: 'netfilter',
    description: 'IPv4 rules held by the legacy (x_tables) backend, where the tool exists',
    items: [
      { kind: 'command', id: 'iptables-legacy-save', argv: ['iptables-legacy-save', '-c'], ext: 'txt', needsRoot: true, maxBytes: 128 * MiB, requiresModules: ['ip_tables'] },
    ],
  },
  {
    name: 'iptables-nft-save',
    category: 'netfilter',
    description: 'IPv4 rules held by the nf_tables backend, where the tool exists',
    items: [
      { kind: 'command', id: 'iptables-nft-save', argv: ['iptables-nft-save', '-c'], ext: 'txt', needsRoot: true, maxBytes: 128 * MiB, requiresModules: ['nf_tables'] },
    ],
  },
  {
    name: 'ipset',
    category: 'netfilter',
    description: 'IP sets (ipset save)',
    items: [{ kind: 'command', id: 'ipset', argv: ['ipset', 'save'], ext: 'txt', needsRoot: true, maxBytes: 64 * MiB, requiresModules: ['ip_set'] }],
  },
  {
    name: 'ipvsadm',
    category: 'netfilter',
    description: 'IPVS virtual services and real servers (ipvsadm -Ln --exact)',
    items: [{ kind: 'command', id: 'ipvsadm', argv: ['ipvsadm', '-Ln', '--exact'], ext: 'txt', needsRoot: true, maxBytes: 64 * MiB, requiresModules: ['ip_vs'] }],
  },
  {
    name: 'ipvsadm-stats',
    category: 'netfilter',
    description: 'IPVS per-service and per-destination counters (ipvsadm -Ln --stats --exact)',
    items: [{ kind: 'command', id: 'ipvsadm-stats', argv: ['ipvsadm', '-Ln', '--stats', '--exact'], ext: 'txt', needsRoot: true, maxBytes: 64 * MiB, requiresModules: ['ip_vs'] }],
  },
  {
    name: 'ipvsadm-timeout',
    category: 'netfilter',
    description: 'IPVS tcp, tcpfin and udp timeouts (ipvsadm -Ln --timeout)',
    items: [{ kind: 'command', id: 'ipvsadm-timeout', argv: ['ipvsadm', '-Ln', '--timeout'], ext: 'txt', needsRoot: true, requiresModules: ['ip_vs'] }],
  },
  {
    name: 'conntrack-stats',
    category: 'netfilter',
    description: 'Per-CPU conntrack statistics, invalid and drop counters among them (conntrack -S)',
    items: [
      { kind: 'command', id: 'conntrack-stats', argv: ['conntrack', '-S'], ext: 'txt', needsRoot: true, requiresModules: ['nf_conntrack', 'nf_conntrack_netlink'] },
    ],
  },
  {
    name: 'proc-conntrack-stat',
    category: 'netfilter',
    description: 'Per-CPU conntrack statistics from procfs, readable without ctnetlink (/proc/net/stat/nf_conntrack)',
    items: [{ kind: 'files', id: 'nf-conntrack-stat', root: 'kernel', patterns: ['/proc/net/stat/nf_conntrack'] }],
  },
  {
    name: 'conntrack-xml',
    category: 'netfilter',
    description: 'The connection tracking table as XML (conntrack -L -o xml), capped',
    items: [
      {
        kind: 'command',
        id: 'conntrack',
        argv: ['conntrack', '-L', '-o', 'xml'],
        ext: 'xml',
        needsRoot: true,
        timeoutSeconds: 60,
        maxBytes: 256 * MiB,
        requiresModules: ['nf_conntrack', 'nf_conntrack_netlink'],
      },
    ],
  },

  // ---- links, addresses, routes ----------------------------------------------------------------
  {
    name: 'ip-link',
    category: 'network',
    description: 'Network devices with driver details: vxlan, bridge, veth peers, MTU, state (ip -d link)',
    items: [{ kind: 'command', id: 'ip-link', argv: ['ip', '-d', '-j', 'link', 'show'], fallbacks: [['ip', '-d', 'link', 'show']], ext: 'txt' }],
  },
  {
    name: 'ip-addr',
    category: 'network',
    description: 'Addresses of every device (ip addr)',
    items: [{ kind: 'command', id: 'ip-addr', argv: ['ip', '-j', 'addr', 'show'], fallbacks: [['ip', 'addr', 'show']], ext: 'txt' }],
  },
  {
    name: 'ip-route',
    category: 'network',
    description: 'IPv4 and IPv6 routes of every table, local included (ip route show table all)',
    items: [
      { kind: 'command', id: 'ipv4', argv: ['ip', '-4', '-d', '-j', 'route', 'show', 'table', 'all'], fallbacks: [['ip', '-4', '-d', 'route', 'show', 'table', 'all']], ext: 'txt', maxBytes: 64 * MiB },
      { kind: 'command', id: 'ipv6', argv: ['ip', '-6', '-d', '-j', 'route', 'show', 'table', 'all'], fallbacks: [['ip', '-6', '-d', 'route', 'show', 'table', 'all']], ext: 'txt', maxBytes: 64 * MiB },
    ],
  },
  {
    name: 'ip-rule',
    category: 'network',
    description: 'Policy routing rules (ip rule)',
    items: [{ kind: 'command', id: 'ip-rule', argv: ['ip', '-j', 'rule', 'show'], fallbacks: [['ip', 'rule', 'show']], ext: 'txt' }],
  },
  {
    name: 'ip-neigh',
    category: 'network',
    description: 'Neighbour (ARP/NDP) table (ip neigh)',
    items: [{ kind: 'command', id: 'ip-neigh', argv: ['ip', '-j', 'neigh', 'show'], fallbacks: [['ip', 'neigh', 'show']], ext: 'txt' }],
  },
  {
    name: 'bridge-fdb',
    category: 'network',
    description: 'Bridge and vxlan forwarding database: flannel.1 peers (bridge fdb)',
    items: [{ kind: 'command', id: 'bridge-fdb', argv: ['bridge', '-j', 'fdb', 'show'], fallbacks: [['bridge', 'fdb', 'show']], ext: 'txt', maxBytes: 32 * MiB }],
  },
  {
    name: 'bridge-link',
    category: 'network',
    description: 'Bridge ports and their state (bridge link)',
    items: [{ kind: 'command', id: 'bridge-link', argv: ['bridge', '-j', 'link', 'show'], fallbacks: [['bridge', 'link', 'show']], ext: 'txt' }],
  },
  {
    name: 'ss-summary',
    category: 'network',
    description: 'Socket totals by state (ss -s)',
    items: [{ kind: 'command', id: 'ss-summary', argv: ['ss', '-s'], ext: 'txt' }],
  },
  {
    name: 'ss-listen',
    category: 'network',
    description: 'Listening TCP sockets with queues and owning processes (ss -ltnp)',
    items: [{ kind: 'command', id: 'ss-listen', argv: ['ss', '-ltnp'], fallbacks: [['ss', '-ltn']], ext: 'txt' }],
  },
  {
    name: 'ss-tcp',
    category: 'network',
    description: 'All TCP sockets with state and queues (ss -tan), capped',
    items: [{ kind: 'command', id: 'ss-tcp', argv: ['ss', '-tan'], ext: 'txt', maxBytes: 32 * MiB }],
  },
  {
    name: 'proc-net-netstat',
    category: 'network',
    description: 'TcpExt/IpExt counters: ListenOverflows, ListenDrops... (/proc/net/netstat)',
    items: [{ kind: 'files', id: 'netstat', root: 'kernel', patterns: ['/proc/net/netstat'] }],
  },
  {
    name: 'proc-net-snmp',
    category: 'network',
    description: 'Ip/Icmp/Tcp/Udp counters (/proc/net/snmp)',
    items: [{ kind: 'files', id: 'snmp', root: 'kernel', patterns: ['/proc/net/snmp'] }],
  },
  {
    name: 'resolv-conf',
    category: 'network',
    description: 'DNS resolver configuration (/etc/resolv.conf)',
    items: [{ kind: 'files', id: 'resolv-conf', root: 'host', patterns: ['/etc/resolv.conf'] }],
  },
  {
    name: 'hosts',
    category: 'network',
    description: 'Static host table (/etc/hosts)',
    items: [{ kind: 'files', id: 'hosts', root: 'host', patterns: ['/etc/hosts'] }],
  },

  // ---- storage -------------------------------------------------------------------------------
  {
    name: 'df',
    category: 'storage',
    description: 'Filesystem sizes and use (df -PT)',
    items: [{ kind: 'command', id: 'df', argv: ['df', '-PT'], ext: 'txt', timeoutSeconds: 15 }],
  },
  {
    name: 'df-inodes',
    category: 'storage',
    description: 'Filesystem inode use (df -PTi)',
    items: [{ kind: 'command', id: 'df-inodes', argv: ['df', '-PTi'], ext: 'txt', timeoutSeconds: 15 }],
  },
  {
    name: 'proc-mounts',
    category: 'storage',
    description: 'Mounted filesystems and options (/proc/mounts)',
    items: [{ kind: 'files', id: 'mounts', root: 'kernel', patterns: ['/proc/mounts'] }],
  },
  {
    name: 'lsblk',
    category: 'storage',
    description: 'Block devices: size, rotational, scheduler, mount point (lsblk)',
    items: [
      {
        kind: 'command',
        id: 'lsblk',
        argv: ['lsblk', '-J', '-b', '-o', 'NAME,KNAME,TYPE,SIZE,ROTA,SCHED,FSTYPE,MOUNTPOINT,MODEL'],
        fallbacks: [['lsblk', '-P', '-b', '-o', 'NAME,KNAME,TYPE,SIZE,ROTA,SCHED,FSTYPE,MOUNTPOINT,MODEL']],
        ext: 'txt',
      },
    ],
  },
  {
    name: 'block-queue',
    category: 'storage',
    description: 'I/O scheduler and rotational flag of every block device (/sys/block/*/queue)',
    items: [{ kind: 'files', id: 'queue', root: 'kernel', patterns: ['/sys/block/*/queue/scheduler', '/sys/block/*/queue/rotational'], maxFiles: 512 }],
  },

  // ---- processes -----------------------------------------------------------------------------
  {
    name: 'ps',
    category: 'process',
    description: 'Every process: pid, ppid, state, threads, start time, cgroup, arguments (ps -eo)',
    items: [
      {
        kind: 'command',
        id: 'ps',
        argv: ['ps', '-e', '-ww', '-o', 'pid,ppid,stat,nlwp,etimes,lstart,user:32,cgroup:4096,args'],
        fallbacks: [['ps', '-e', '-ww', '-o', 'pid,ppid,stat,nlwp,etimes,lstart,user:32,args']],
        ext: 'txt',
        maxBytes: 64 * MiB,
      },
    ],
  },

  // ---- container runtime ---------------------------------------------------------------------
  {
    name: 'docker-info',
    category: 'runtime',
    description: 'Docker daemon facts: storage driver, d_type, runtimes, cgroup driver, root dir',
    items: [{ kind: 'command', id: 'docker-info', argv: ['docker', 'info', '--format', '{{json .}}'], ext: 'json' }],
  },
  {
    name: 'docker-version',
    category: 'runtime',
    description: 'Docker client and server versions',
    items: [{ kind: 'command', id: 'docker-version', argv: ['docker', 'version', '--format', '{{json .}}'], ext: 'json' }],
  },
  {
    name: 'docker-ps',
    category: 'runtime',
    description: 'All containers, one JSON object a line (docker ps -a --no-trunc)',
    items: [{ kind: 'command', id: 'docker-ps', argv: ['docker', 'ps', '-a', '--no-trunc', '--format', '{{json .}}'], ext: 'json' }],
  },
  {
    name: 'docker-inspect',
    category: 'runtime',
    description: 'docker inspect of every container (environment values under secret-like keys redacted)',
    items: [
      {
        kind: 'shell',
        id: 'docker-inspect',
        tools: ['docker'],
        ext: 'json',
        timeoutSeconds: 120,
        maxBytes: 256 * MiB,
        script: 'ids=$(docker ps -aq --no-trunc) || exit $?\nif [ -n "$ids" ]; then docker inspect $ids; else echo "[]"; fi',
      },
    ],
  },
  {
    name: 'docker-network-inspect',
    category: 'runtime',
    description: 'docker network inspect of every network (subnets, bridges)',
    items: [
      {
        kind: 'shell',
        id: 'docker-network-inspect',
        tools: ['docker'],
        ext: 'json',
        script: 'ids=$(docker network ls -q) || exit $?\nif [ -n "$ids" ]; then docker network inspect $ids; else echo "[]"; fi',
      },
    ],
  },
  {
    name: 'docker-overlay2-du',
    category: 'storage',
    description: 'Largest overlay2 layer directories under the docker root, in KiB (du, time-bounded)',
    items: [
      {
        kind: 'shell',
        id: 'overlay2-du',
        tools: ['du', 'sort', 'head'],
        ext: 'txt',
        timeoutSeconds: 60,
        script: [
          'root=$(docker info --format "{{.DockerRootDir}}" 2>/dev/null)',
          'root=${root:-/var/lib/docker}',
          'dir="$SYSROOT$root/overlay2"',
          '[ -d "$dir" ] || { echo "no overlay2 directory at $root/overlay2" >&2; exit 1; }',
          'du -sk -x "$dir"/*/ 2>/dev/null | sort -rn | head -n 200 | sed "s#$SYSROOT##"',
        ].join('\n'),
      },
    ],
  },
  {
    name: 'crictl-pods',
    category: 'runtime',
    description: 'CRI pod sandboxes (crictl pods -o json)',
    items: [{ kind: 'command', id: 'crictl-pods', argv: ['crictl', 'pods', '-o', 'json'], ext: 'json', needsRoot: true }],
  },
  {
    name: 'crictl-ps',
    category: 'runtime',
    description: 'CRI containers (crictl ps -a -o json)',
    items: [{ kind: 'command', id: 'crictl-ps', argv: ['crictl', 'ps', '-a', '-o', 'json'], ext: 'json', needsRoot: true }],
  },
  {
    name: 'crictl-inspect',
    category: 'runtime',
    description: 'crictl inspect of every CRI container (concatenated JSON documents)',
    items: [
      {
        kind: 'shell',
        id: 'crictl-inspect',
        tools: ['crictl'],
        ext: 'json',
        needsRoot: true,
        timeoutSeconds: 120,
        maxBytes: 256 * MiB,
        script: 'ids=$(crictl ps -aq) || exit $?\nfor id in $ids; do crictl inspect "$id"; done',
      },
    ],
  },
  {
    name: 'cgroup-cpu-stat',
    category: 'runtime',
    description: 'CPU throttling counters of container cgroups (cpu.stat, cgroup v1 and v2)',
    items: [
      {
        kind: 'files',
        id: 'cpu-stat',
        root: 'kernel',
        patterns: [
          '/sys/fs/cgroup/cpu,cpuacct/docker/*/cpu.stat',
          '/sys/fs/cgroup/cpu/docker/*/cpu.stat',
          '/sys/fs/cgroup/system.slice/docker-*.scope/cpu.stat',
          '/sys/fs/cgroup/system.slice/containerd.service/*/cpu.stat',
        ],
        find: [
          { dir: '/sys/fs/cgroup/cpu,cpuacct/kubepods', maxDepth: 4, names: ['cpu.stat'] },
          { dir: '/sys/fs/cgroup/cpu/kubepods', maxDepth: 4, names: ['cpu.stat'] },
          { dir: '/sys/fs/cgroup/kubepods.slice', maxDepth: 4, names: ['cpu.stat'] },
        ],
        maxFiles: 2000,
      },
    ],
  },
  {
    name: 'nvidia-smi',
    category: 'gpu',
    description: 'NVIDIA GPUs, driver and CUDA versions (nvidia-smi -q -x)',
    items: [{ kind: 'command', id: 'nvidia-smi', argv: ['nvidia-smi', '-q', '-x'], ext: 'xml', timeoutSeconds: 60 }],
  },
  {
    name: 'dev-nvidia',
    category: 'gpu',
    description: 'NVIDIA device nodes present (/dev/nvidia*)',
    items: [{ kind: 'shell', id: 'dev-nvidia', tools: ['ls'], ext: 'txt', script: 'for f in /dev/nvidia*; do [ -e "$f" ] && echo "$f"; done; exit 0' }],
  },
  {
    name: 'docker-daemon-config',
    category: 'runtime',
    description: 'Docker daemon configuration (/etc/docker/daemon.json, /etc/sysconfig/docker)',
    items: [{ kind: 'files', id: 'daemon-json', root: 'host', patterns: ['/etc/docker/daemon.json', '/etc/sysconfig/docker', '/etc/default/docker'] }],
  },
  {
    name: 'containerd-config',
    category: 'runtime',
    description: 'containerd configuration (/etc/containerd/config.toml)',
    items: [{ kind: 'files', id: 'config-toml', root: 'host', patterns: ['/etc/containerd/config.toml'] }],
  },
  {
    name: 'systemd-units',
    category: 'runtime',
    description: 'Unit files and drop-ins of docker, containerd, kubelet, kube-proxy, flanneld, etcd (their ExecStart flags)',
    items: [
      {
        kind: 'files',
        id: 'units',
        root: 'host',
        patterns: [
          '/etc/systemd/system/*.service',
          '/etc/systemd/system/*.service.d/*.conf',
          '/usr/lib/systemd/system/docker.service',
          '/usr/lib/systemd/system/containerd.service',
          '/usr/lib/systemd/system/kubelet.service',
          '/lib/systemd/system/docker.service',
          '/lib/systemd/system/containerd.service',
          '/lib/systemd/system/kubelet.service',
        ],
        maxFiles: 200,
      },
    ],
  },

  // ---- kubernetes ----------------------------------------------------------------------------
  {
    name: 'kube-configs',
    category: 'kubernetes',
    description: 'Kubernetes component configs and static pod manifests (kubelet config.yaml, kube-proxy config, manifests, flag env files)',
    items: [
      {
        kind: 'files',
        id: 'configs',
        root: 'host',
        patterns: [
          '/etc/kubernetes/*.yaml',
          '/etc/kubernetes/*.yml',
          '/etc/kubernetes/*.env',
          '/etc/kubernetes/config',
          '/etc/kubernetes/kubelet',
          '/etc/kubernetes/proxy',
          '/etc/kubernetes/apiserver',
          '/etc/kubernetes/manifests/*',
          '/var/lib/kubelet/config.yaml',
          '/var/lib/kubelet/kubeadm-flags.env',
          '/etc/sysconfig/kubelet',
          '/etc/default/kubelet',
          '/var/lib/kube-proxy/config.conf',
          '/etc/kube-flannel/net-conf.json',
        ],
        maxFiles: 200,
      },
    ],
  },
  {
    name: 'kube-versions',
    category: 'kubernetes',
    description: 'Versions of the kubelet, kube-proxy and kubeadm binaries installed on the node (<binary> --version)',
    items: [
      {
        kind: 'shell',
        id: 'versions',
        tools: ['head'],
        ext: 'txt',
        timeoutSeconds: 15,
        script: [
          // the host's binaries first (DaemonSet with --sysroot), then PATH; --version only prints
          'for b in kubelet kube-proxy kubeadm; do',
          '  bin=""',
          '  for d in /usr/bin /usr/local/bin /opt/bin; do [ -x "$SYSROOT$d/$b" ] && { bin="$SYSROOT$d/$b"; break; }; done',
          '  [ -n "$bin" ] || bin=$(command -v "$b" 2>/dev/null) || continue',
          '  if [ "$b" = kubeadm ]; then v=$("$bin" version -o short 2>&1 | head -n 1); else v=$("$bin" --version 2>&1 | head -n 1); fi',
          '  echo "$b: $v"',
          'done; exit 0',
        ].join('\n'),
      },
    ],
  },
  {
    name: 'kubeconfigs',
    category: 'kubernetes',
    description: 'kubeconfig files (client-key-data and tokens redacted; embedded certificates kept)',
    items: [
      {
        kind: 'files',
        id: 'kubeconfigs',
        root: 'host',
        patterns: [
          '/etc/kubernetes/*.conf',
          '/etc/kubernetes/*.kubeconfig',
          '/var/lib/kubelet/kubeconfig',
          '/var/lib/kube-proxy/kubeconfig.conf',
          '/root/.kube/config',
        ],
        maxFiles: 50,
      },
    ],
  },
  {
    name: 'certs',
    category: 'certs',
    description: 'Certificates of kubernetes, etcd, kubelet and docker TLS (private key files are never read; key blocks are removed)',
    items: [
      {
        kind: 'files',
        id: 'certs',
        root: 'host',
        patterns: ['/etc/docker/*.pem', '/etc/docker/*.crt'],
        find: [
          { dir: '/etc/kubernetes', maxDepth: 4, names: ['*.crt', '*.pem', '*.cert'] },
          { dir: '/var/lib/kubelet/pki', maxDepth: 2, names: ['*.crt', '*.pem'] },
          { dir: '/etc/etcd', maxDepth: 3, names: ['*.crt', '*.pem'] },
          { dir: '/etc/ssl/etcd', maxDepth: 3, names: ['*.crt', '*.pem'] },
          { dir: '/etc/docker/certs.d', maxDepth: 3, names: ['*.crt', '*.cert', '*.pem'] },
        ],
        maxFiles: 500,
        maxBytes: 1 * MiB,
      },
    ],
  },

  // ---- CNI and flannel -----------------------------------------------------------------------
  {
    name: 'cni-config',
    category: 'cni',
    description: 'CNI network configurations (/etc/cni/net.d/*)',
    items: [{ kind: 'files', id: 'net-d', root: 'host', patterns: ['/etc/cni/net.d/*'], maxFiles: 100 }],
  },
  {
    name: 'cni-ipam',
    category: 'cni',
    description: 'host-local IPAM reservations: one file per IP naming the container (/var/lib/cni/networks/*/*)',
    items: [{ kind: 'files', id: 'networks', root: 'host', patterns: ['/var/lib/cni/networks/*/*'], maxFiles: 5000, maxBytes: 64 * 1024 }],
  },
  {
    name: 'flannel-cni-state',
    category: 'cni',
    description: 'flannel CNI per-container network state (/var/lib/cni/flannel/*)',
    items: [{ kind: 'files', id: 'flannel', root: 'host', patterns: ['/var/lib/cni/flannel/*'], maxFiles: 2000, maxBytes: 64 * 1024 }],
  },
  {
    name: 'flannel-subnet-env',
    category: 'cni',
    description: "flannel's lease for this node: FLANNEL_NETWORK, FLANNEL_SUBNET, FLANNEL_MTU (/run/flannel/subnet.env)",
    items: [{ kind: 'files', id: 'subnet-env', root: 'host', patterns: ['/run/flannel/subnet.env'] }],
  },
  {
    name: 'pod-netns',
    category: 'network',
    description: 'Per pod sandbox network namespace (bounded): addresses, routes and the host-side veth index of eth0',
    items: [
      {
        kind: 'shell',
        id: 'pod-netns',
        tools: ['docker', 'nsenter'],
        ext: 'txt',
        needsRoot: true,
        timeoutSeconds: 120,
        script: [
          'docker ps -q --no-trunc --filter name=k8s_POD_ | head -n 300 | while read -r id; do',
          '  pid=$(docker inspect --format "{{.State.Pid}}" "$id" 2>/dev/null)',
          '  name=$(docker inspect --format "{{.Name}}" "$id" 2>/dev/null)',
          '  [ -n "$pid" ] && [ "$pid" != 0 ] || continue',
          '  echo "=== sandbox $id pid=$pid name=$name"',
          '  echo "--- addr"; nsenter -t "$pid" -n ip -o addr show 2>&1',
          '  echo "--- route"; nsenter -t "$pid" -n ip route show 2>&1',
          '  echo "--- eth0-iflink"; nsenter -t "$pid" -n cat /sys/class/net/eth0/iflink 2>&1',
          'done',
        ].join('\n'),
      },
    ],
  },

  // ---- logs ----------------------------------------------------------------------------------
  journalUnit('log-kubelet', 'kubelet', 'kubelet journal tail'),
  journalUnit('log-kube-proxy', 'kube-proxy', 'kube-proxy journal tail (binary installs)'),
  journalUnit('log-flanneld', 'flanneld', 'flanneld journal tail (binary installs)'),
  journalUnit('log-docker', 'docker', 'dockerd journal tail'),
  journalUnit('log-containerd', 'containerd', 'containerd journal tail'),
  {
    name: 'log-kubernetes-files',
    category: 'logs',
    description: 'Tails of /var/log/kubernetes/*.log, klog *.WARNING/*.ERROR files and component log files',
    items: [
      {
        kind: 'shell',
        id: 'files',
        tools: ['tail'],
        ext: 'txt',
        maxBytes: 16 * MiB,
        script: 'for f in "$SYSROOT"/var/log/kubernetes/*.log "$SYSROOT"/var/log/kubernetes/*.WARNING "$SYSROOT"/var/log/kubernetes/*.ERROR "$SYSROOT"/var/log/kube-proxy.log "$SYSROOT"/var/log/flanneld.log; do [ -f "$f" ] || continue; echo "==> ${f#$SYSROOT} <=="; tail -n 2000 "$f"; done; exit 0',
      },
    ],
  },
  {
    name: 'log-containers',
    category: 'logs',
    description: 'Log tails of system containers: kube-proxy, flannel, apiserver, etcd, controller-manager, scheduler, coredns',
    items: [
      {
        kind: 'shell',
        id: 'containers',
        tools: ['docker'],
        ext: 'txt',
        timeoutSeconds: 60,
        maxBytes: 16 * MiB,
        script: [
          'docker ps -a --no-trunc --format "{{.ID}} {{.Names}}" | grep -E " k8s_(kube-proxy|kube-flannel|kube-apiserver|etcd|kube-controller-manager|kube-scheduler|coredns)_" | head -n 50 | while read -r id name; do',
          '  echo "==> $name <=="',
          '  docker logs --timestamps --tail 2000 ${SINCE:+--since "$SINCE"} "$id" 2>&1',
          'done; exit 0',
        ].join('\n'),
      },
    ],
  },

  // ---- captures (driven by --pcap / --attach) ------------------------------------------------
  {
    name: 'pcap',
    category: 'capture',
    description: 'Packet captures taken during collection (--pcap IFACE), classic pcap format, bounded',
    onDemand: true,
    items: [],
  },
  {
    name: 'attachments',
    category: 'capture',
    description: 'Files the user attached (--attach): existing captures or logs',
    onDemand: true,
    items: [],
  },
];

export function findSource(name: string): SourceSpec | undefined {
  return SOURCES.find((s) => s.name === name);
}

export const SOURCE_NAMES: readonly string[] = SOURCES.map((s) => s.name);
