import { col, type TableDef } from './types.js';

/** Tables filled by the system parsers (analyzer/parsers/system/). */
export const TABLES: TableDef[] = [
  // ---- identity and clock --------------------------------------------------------------------
  {
    name: 'os_release',
    description:
      "Every assignment of /etc/os-release and /usr/lib/os-release, and the text of /etc/redhat-release (key 'RELEASE'). " +
      'node_facts carries os.id, os.version_id, os.pretty_name from /etc/os-release and os.redhat_release from /etc/redhat-release.',
    columns: [
      col('path', 'TEXT', 'File on the node: /etc/os-release, /usr/lib/os-release or /etc/redhat-release'),
      col('key', 'TEXT', "Variable name (ID, VERSION_ID, PRETTY_NAME, ID_LIKE...), or 'RELEASE' for redhat-release"),
      col('value', 'TEXT', 'Value with shell quoting removed'),
    ],
  },
  {
    name: 'clock_sync',
    description:
      "Clock synchronisation as timedatectl and chrony report it, one row per source that answered. The clock is unsynchronised when no row has synchronized = 1; " +
      "e.g. SELECT * FROM clock_sync WHERE synchronized = 0. The same verdict is the node fact clock.synchronized ('yes'|'no').",
    columns: [
      col('source', 'TEXT', "'timedatectl' or 'chronyc'"),
      col('synchronized', 'INTEGER', '1 when the system clock is synchronised (timedatectl NTPSynchronized / "System clock synchronized" / "NTP synchronized"; chrony leap status other than "Not synchronised"), 0 when not, NULL when not stated'),
      col('ntp_service', 'TEXT', "'active' or 'inactive' (timedatectl NTP service / NTP enabled), 'n/a' when no NTP service exists; chronyc rows say 'active' (chronyd answered)"),
      col('leap_status', 'TEXT', "chrony's Leap status: Normal, Insert second, Delete second, Not synchronised; NULL for timedatectl"),
      col('offset_seconds', 'REAL', "chrony's System time: seconds the system clock is AHEAD of NTP time (negative when behind); NULL for timedatectl"),
      col('stratum', 'INTEGER', 'chrony stratum (0 before the first sync)'),
      col('reference', 'TEXT', 'chrony reference: the server address with -n, or the reference id'),
      col('timezone', 'TEXT', 'Time zone timedatectl reports, e.g. Asia/Shanghai'),
    ],
  },

  // ---- kernel state ------------------------------------------------------------------------------
  {
    name: 'sysctls',
    description:
      "Kernel parameters from sysctl -a, one row per key. Vector values keep their tabs (net.ipv4.ip_local_port_range = '32768\\t60999'); " +
      "a multi-line value (repeated key lines) is joined with newlines. Example: SELECT int_value FROM sysctls WHERE key = 'net.ipv4.ip_forward'.",
    columns: [
      col('key', 'TEXT', 'Dotted parameter name, e.g. net.bridge.bridge-nf-call-iptables'),
      col('value', 'TEXT', 'Value exactly as printed (may be empty, may contain tabs)'),
      col('int_value', 'INTEGER', 'The value when it is one integer that fits 64 bits, else NULL'),
    ],
    indexes: [['key']],
  },
  {
    name: 'modules',
    description:
      "Evidence that a kernel module is present, one row per module per source of evidence (how). A module is present when ANY row names it: " +
      "EXISTS (SELECT 1 FROM modules m WHERE m.node_id = n.node_id AND m.name = 'ip_vs'). Names are normalised with '_' (dm-mod -> dm_mod). " +
      "how='loaded' (/proc/modules), 'sysfs' (/sys/module: loaded or built in with parameters), 'builtin' (modules.builtin), " +
      "'config' (the kernel config has the module's symbol =y, for the modules mapped in collector/registry/kernel-modules.ts; a built-in without parameters shows nowhere else). " +
      "Absence is only meaningful when proc-modules or sys-modules was collected.",
    columns: [
      col('name', 'TEXT', "Module name with '_' (nf_conntrack, br_netfilter, ip_vs, overlay)"),
      col('how', 'TEXT', "Evidence: 'loaded', 'sysfs', 'builtin' or 'config'"),
      col('size', 'INTEGER', "Memory size in bytes (how='loaded' only)"),
      col('refcount', 'INTEGER', "Reference count (how='loaded' only)"),
      col('used_by', 'TEXT', "Comma-separated modules using it, '' for none (how='loaded' only)"),
      col('state', 'TEXT', "Live, Loading or Unloading (how='loaded' only)"),
    ],
    indexes: [['name']],
  },
  {
    name: 'kernel_config',
    description: "Options the running kernel was built with, =y and =m only (from /proc/config.gz or /boot/config-$(uname -r)). Example: SELECT value FROM kernel_config WHERE symbol = 'CONFIG_IP_VS'.",
    columns: [
      col('symbol', 'TEXT', 'Config symbol, e.g. CONFIG_BRIDGE_NETFILTER'),
      col('value', 'TEXT', "'y' (built in) or 'm' (available as a module)"),
    ],
    indexes: [['symbol']],
  },
  {
    name: 'vmstat',
    description: "Virtual memory counters of /proc/vmstat. nr_kernel_stack is roughly the number of tasks (processes and threads), a proxy for PID use: compare with sysctls kernel.pid_max and kernel.threads-max.",
    columns: [
      col('key', 'TEXT', 'Counter name, e.g. nr_kernel_stack, oom_kill, pgmajfault'),
      col('value', 'INTEGER', 'Counter value'),
    ],
    indexes: [['key']],
  },
  {
    name: 'meminfo',
    description: "Memory and swap figures of /proc/meminfo. Example: SELECT kb FROM meminfo WHERE key = 'SwapTotal'.",
    columns: [
      col('key', 'TEXT', 'Field name without the colon: MemTotal, MemAvailable, SwapTotal, HugePages_Total...'),
      col('kb', 'INTEGER', 'Size in KiB for fields printed in kB; NULL for plain counts (HugePages_Total, HugePages_Free...)'),
      col('value', 'INTEGER', 'The number as printed (KiB or a count)'),
    ],
  },
  {
    name: 'loadavg',
    description: 'The /proc/loadavg line: load averages and scheduling entity counts. One row per node.',
    columns: [
      col('load1', 'REAL', '1-minute load average'),
      col('load5', 'REAL', '5-minute load average'),
      col('load15', 'REAL', '15-minute load average'),
      col('running', 'INTEGER', 'Runnable scheduling entities (threads) at collection'),
      col('total_tasks', 'INTEGER', 'Scheduling entities (processes and threads) that exist: compare with kernel.pid_max / kernel.threads-max'),
      col('last_pid', 'INTEGER', 'Most recently assigned PID'),
    ],
  },
  {
    name: 'pressure',
    description: "Pressure stall information (/proc/pressure/*, kernels >= 4.20 with PSI enabled). 'some': share of time at least one task stalled on the resource; 'full': all non-idle tasks stalled at once.",
    columns: [
      col('resource', 'TEXT', "'cpu', 'memory' or 'io'"),
      col('kind', 'TEXT', "'some' or 'full'"),
      col('avg10', 'REAL', 'Percent of time stalled over the last 10 s'),
      col('avg60', 'REAL', 'Percent of time stalled over the last 60 s'),
      col('avg300', 'REAL', 'Percent of time stalled over the last 300 s'),
      col('total_us', 'INTEGER', 'Total stall time since boot, microseconds'),
    ],
  },

  // ---- storage -----------------------------------------------------------------------------------
  {
    name: 'filesystems',
    description:
      "Filesystem sizes and use from df -PT, one row per mounted filesystem. The filesystem holding a path is the row with the longest mountpoint that prefixes it, e.g. for the docker root: " +
      "SELECT * FROM filesystems WHERE '/var/lib/docker' = mountpoint OR '/var/lib/docker' LIKE rtrim(mountpoint, '/') || '/%' ORDER BY length(mountpoint) DESC LIMIT 1.",
    columns: [
      col('device', 'TEXT', 'Filesystem source as df prints it (/dev/sda1, overlay, tmpfs, server:/export)'),
      col('fstype', 'TEXT', 'Filesystem type (ext4, xfs, overlay...); NULL when df printed no Type column'),
      col('size_kb', 'INTEGER', 'Size in KiB'),
      col('used_kb', 'INTEGER', 'Used KiB'),
      col('available_kb', 'INTEGER', 'KiB available to unprivileged users'),
      col('use_percent', 'INTEGER', "df's Capacity/Use% (used / (used + available), rounded up); NULL when df printed '-'"),
      col('mountpoint', 'TEXT', 'Mount point (blanks kept, octal escapes decoded)'),
    ],
    indexes: [['mountpoint']],
  },
  {
    name: 'inode_usage',
    description: "Inode use from df -PTi, one row per mounted filesystem. Filesystems without a fixed inode table (btrfs, some FUSE) have NULL counts.",
    columns: [
      col('device', 'TEXT', 'Filesystem source as df prints it'),
      col('fstype', 'TEXT', 'Filesystem type; NULL when df printed no Type column'),
      col('inodes', 'INTEGER', 'Total inodes'),
      col('used', 'INTEGER', 'Inodes in use'),
      col('free', 'INTEGER', 'Free inodes'),
      col('use_percent', 'INTEGER', "df's IUse%; NULL when df printed '-'"),
      col('mountpoint', 'TEXT', 'Mount point (blanks kept)'),
    ],
    indexes: [['mountpoint']],
  },
  {
    name: 'mounts',
    description: "Mounted filesystems from /proc/mounts, in mount order (a later row over the same mountpoint hides an earlier one).",
    columns: [
      col('device', 'TEXT', 'Mount source (octal escapes decoded)'),
      col('mountpoint', 'TEXT', 'Mount point (\\040 and other octal escapes decoded to the real characters)'),
      col('fstype', 'TEXT', 'Filesystem type (ext4, xfs, overlay, tmpfs, cgroup2, nfs4...)'),
      col('options', 'TEXT', 'Mount options as listed, comma-separated (rw,relatime,lowerdir=...)'),
      col('read_only', 'INTEGER', "1 when the options include 'ro'"),
    ],
    indexes: [['mountpoint']],
  },
  {
    name: 'block_devices',
    description: "Block devices from lsblk (JSON, or the -P form on old util-linux), partitions and device-mapper children flattened with their parent.",
    columns: [
      col('name', 'TEXT', 'Device name (sda, sda1, centos-root)'),
      col('kname', 'TEXT', 'Kernel name (sda, sda1, dm-0)'),
      col('parent', 'TEXT', 'Name of the parent device in the lsblk tree; NULL for top-level devices and for -P output (which has no tree)'),
      col('type', 'TEXT', 'disk, part, lvm, crypt, loop, rom...'),
      col('size_bytes', 'INTEGER', 'Size in bytes'),
      col('rotational', 'INTEGER', '1 for spinning disks, 0 for SSD/NVMe/virtual (as the kernel believes)'),
      col('scheduler', 'TEXT', 'Active I/O scheduler (mq-deadline, none, bfq, cfq, deadline...); NULL when not reported'),
      col('fstype', 'TEXT', 'Filesystem signature on the device (xfs, ext4, LVM2_member...)'),
      col('mountpoint', 'TEXT', 'Where it is mounted, if anywhere'),
      col('model', 'TEXT', 'Device model string'),
    ],
    indexes: [['name']],
  },
  {
    name: 'block_queue',
    description:
      "I/O queue settings from /sys/block/<dev>/queue. Each file read gives its own row: a scheduler row (scheduler, available set; rotational NULL) and a rotational row (rotational set; scheduler NULL). " +
      "One line per device: SELECT device, MAX(scheduler) AS scheduler, MAX(available) AS available, MAX(rotational) AS rotational FROM block_queue GROUP BY node_id, device.",
    columns: [
      col('device', 'TEXT', 'Kernel device name (sda, nvme0n1, vda, dm-0)'),
      col('scheduler', 'TEXT', 'Active scheduler: the bracketed entry of queue/scheduler ("none [mq-deadline] kyber" -> mq-deadline)'),
      col('available', 'TEXT', 'All schedulers the queue offers, space-separated, brackets removed'),
      col('rotational', 'INTEGER', 'queue/rotational: 1 spinning disk, 0 non-rotational'),
    ],
    indexes: [['device']],
  },

  // ---- processes ---------------------------------------------------------------------------------
  {
    name: 'processes',
    description:
      "Every process from ps at collection. Zombies have state 'Z'; threads counts NLWP (sum it for PID use). " +
      "container_id/pod_uid come from the cgroup paths (docker, containerd, CRI-O, kubepods, both cgroup drivers), so processes join containers on container_id. " +
      "Node components (kubelet, kube-proxy, dockerd...) are also listed in kube_components/component_flags with origin 'process'.",
    columns: [
      col('pid', 'INTEGER', 'Process id (in the collector\'s PID namespace: the host\'s when run on the host)'),
      col('ppid', 'INTEGER', 'Parent process id'),
      col('state', 'TEXT', 'First letter of STAT: R running, S sleeping, D uninterruptible (I/O), Z zombie, T stopped, I idle kernel thread'),
      col('stat', 'TEXT', 'Full STAT with modifiers (Ss, Sl, D<, Z+...)'),
      col('threads', 'INTEGER', 'Number of threads (NLWP)'),
      col('elapsed_seconds', 'INTEGER', 'Seconds since the process started'),
      col('start_time', 'TEXT', 'Start time, ISO 8601 UTC: ps lstart (node local time) shifted by the node UTC offset, or collectedAt minus elapsed_seconds when the offset is unknown'),
      col('user', 'TEXT', 'User name, or the numeric uid when it has no name (names over 32 characters end in +)'),
      col('cgroup', 'TEXT', "cgroup membership as ps prints it (v1: 'N:controllers:/path' entries comma-separated; v2: '0::/path'); NULL for kernel threads or when the fallback ps had no cgroup column"),
      col('container_id', 'TEXT', 'Full 64-hex id of the container the process runs in (docker, containerd, CRI-O), from the cgroup path; NULL on the host'),
      col('pod_uid', 'TEXT', 'Kubernetes pod UID from a kubepods cgroup path (dashes restored for the systemd driver; a static pod has its 32-hex config hash)'),
      col('comm', 'TEXT', "Program name: base name of argv[0] ('nginx' for 'nginx: worker process'); for kernel threads and zombies the name inside the brackets"),
      col('args', 'TEXT', 'Full command line (secrets already redacted by the collector); kernel threads print as [name], zombies as [name] <defunct>'),
    ],
    indexes: [['pid'], ['container_id'], ['comm']],
  },

  // ---- logs --------------------------------------------------------------------------------------
  {
    name: 'log_lines',
    description:
      "Lines of the kernel log, component journals (kubelet, kube-proxy, flanneld, docker, containerd), /var/log/kubernetes files and system container logs. " +
      "At most the LAST 20000 lines per origin are kept (the cut is recorded in parse_errors). Search text with LIKE, e.g. " +
      "SELECT origin, timestamp, text FROM log_lines WHERE source = 'log-containers' AND text LIKE '%dial tcp %:443: i/o timeout%'. " +
      "A line without its own prefix (multi-line messages) continues the previous one and inherits its timestamp and level.",
    columns: [
      col('source', 'TEXT', "Registry source: kernel-log, log-kubelet, log-kube-proxy, log-flanneld, log-docker, log-containerd, log-kubernetes-files, log-containers"),
      col('origin', 'TEXT', "Which log within the source: 'kernel', the systemd unit (kubelet, docker...), the file path (/var/log/kubernetes/kube-proxy.WARNING), or the container name (k8s_kube-proxy_kube-proxy-x7k2p_kube-system_<uid>_0)"),
      col('line_no', 'INTEGER', 'Line number in the collected member (1-based), to find the line in the snapshot'),
      col('timestamp', 'TEXT', "ISO 8601 UTC when derivable: from the journal/dmesg/docker prefix, else from the line's own stamp (logfmt time=, JSON ts; klog read at the node UTC offset for host files, UTC inside containers); NULL otherwise"),
      col('level', 'TEXT', "'debug', 'info', 'warning', 'error', 'fatal' from the line's own header (klog I/W/E/F, logfmt level=, JSON level, etcd capnslog, [ERROR]); '' when the line has none (kernel lines)"),
      col('text', 'TEXT', 'The message with the transport prefix (journal host/identifier, dmesg or docker stamp) removed; the application header (klog, logfmt) is kept'),
      col('process', 'TEXT', 'Syslog identifier of a journal line (kubelet, dockerd, kernel); NULL otherwise'),
      col('pid', 'INTEGER', 'PID of a journal line\'s process; NULL otherwise'),
      col('since_boot_seconds', 'REAL', 'Plain dmesg stamp: seconds since boot (timestamp is NULL then; boot time = collectedAt - uptime.seconds)'),
    ],
    indexes: [['source', 'origin'], ['level']],
  },
  {
    name: 'oom_kills',
    description:
      "Processes the kernel OOM killer killed, from the kernel log ('Killed process N (name)' lines, with the memory cgroup from the oom-kill:/Task in lines before them). " +
      "Join processes or containers on container_id to name the pod.",
    columns: [
      col('line_no', 'INTEGER', 'Line of the "Killed process" message in the kernel-log member'),
      col('timestamp', 'TEXT', 'ISO 8601 UTC of the kill when the log had wall-clock stamps'),
      col('since_boot_seconds', 'REAL', 'Seconds since boot of the kill (plain dmesg)'),
      col('pid', 'INTEGER', 'PID of the killed process'),
      col('process', 'TEXT', 'Name of the killed process (its comm)'),
      col('scope', 'TEXT', "'memcg' (a cgroup memory limit was hit: container limit) or 'global' (the node ran out of memory); NULL when the log did not say"),
      col('memcg', 'TEXT', 'Memory cgroup of the killed task, e.g. /kubepods/burstable/pod<uid>/<container id>'),
      col('container_id', 'TEXT', '64-hex container id from the memcg path'),
      col('pod_uid', 'TEXT', 'Pod UID from the memcg path'),
      col('anon_rss_kb', 'INTEGER', 'Anonymous memory of the task when killed, KiB'),
    ],
  },
];
