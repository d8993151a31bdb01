import { col, type ColumnDef, type TableDef } from './types.js';

/*
 * Conventions of these tables: booleans are 0/1 (NULL when the source does not say); times are
 * ISO 8601 UTC text with milliseconds ('2021-05-10T09:43:56.000Z'), comparable as text with the
 * snapshot's collection time; `value` columns of flattened configs hold JSON text and
 * `value_text` the same value as plain text when it is a scalar.
 */

const containerId = col('container_id', 'TEXT', 'Full container id (64 hex digits), joins containers.id');

/** Columns of the flattened-config tables (daemon_config, containerd_config, kube_configs). */
function flatColumns(example: string): ColumnDef[] {
  return [
    col(
      'key',
      'TEXT',
      `Dotted path of the setting, e.g. ${example}. Objects are walked into; an array of objects is walked with [i] (default-address-pools[0].base); ` +
        'an array of plain values is one row; a key segment that is not a plain word is double-quoted (plugins."io.containerd.grpc.v1.cri".sandbox_image)',
    ),
    col('value', 'TEXT', 'The value as JSON text: "nvidia" (with quotes), 24, true, ["tcp://0.0.0.0:2375"], null; use json_each(value) on arrays'),
    col('value_text', 'TEXT', 'The value as plain text when it is a scalar (nvidia, 24, true), NULL for arrays, objects and null'),
  ];
}

/** Tables filled by the runtime parsers (analyzer/parsers/runtime/). */
export const TABLES: TableDef[] = [
  // ---- docker daemon ---------------------------------------------------------------------------
  {
    name: 'docker_info',
    description:
      "One row from `docker info --format '{{json .}}'` (Docker 18.09 to 27): storage driver and its backing filesystem, d_type, cgroup driver, runtimes, registries. " +
      "docker/overlay-without-dtype: WHERE storage_driver LIKE 'overlay%' AND supports_d_type = 0. When the daemon was down only server_errors is filled.",
    columns: [
      col('server_version', 'TEXT', 'Docker engine version, e.g. 18.09.7, 27.2.0 (NULL when the daemon did not answer)'),
      col('storage_driver', 'TEXT', 'Storage driver: overlay2, overlay (legacy), devicemapper, btrfs, zfs, overlayfs (containerd image store)...'),
      col('backing_filesystem', 'TEXT', "DriverStatus 'Backing Filesystem': xfs, extfs, btrfs..."),
      col('supports_d_type', 'INTEGER', "DriverStatus 'Supports d_type': 1 true, 0 false (xfs formatted with ftype=0), NULL when not reported"),
      col('driver_status', 'TEXT', "All DriverStatus pairs as a JSON object, e.g. {\"Backing Filesystem\":\"xfs\",\"Data loop file\":\"/var/lib/docker/devicemapper/devicemapper/data\"} (loop-lvm when 'Data loop file' is present)"),
      col('docker_root_dir', 'TEXT', 'DockerRootDir (data-root), e.g. /var/lib/docker or /data/lib/docker'),
      col('cgroup_driver', 'TEXT', 'cgroupfs or systemd'),
      col('cgroup_version', 'TEXT', "'1' or '2' (Docker 20.10+; NULL before)"),
      col('logging_driver', 'TEXT', 'Default log driver: json-file, journald, local...'),
      col('default_runtime', 'TEXT', 'Default OCI runtime, e.g. runc or nvidia'),
      col('runtimes', 'TEXT', 'JSON array of configured runtime names, sorted (see docker_runtimes)'),
      col('kernel_version', 'TEXT', 'Kernel release the daemon reports'),
      col('operating_system', 'TEXT', 'e.g. CentOS Linux 7 (Core)'),
      col('architecture', 'TEXT', 'e.g. x86_64'),
      col('ncpu', 'INTEGER', 'CPUs the daemon sees'),
      col('mem_total', 'INTEGER', 'Memory the daemon sees, bytes'),
      col('containers', 'INTEGER', 'Containers of all states'),
      col('containers_running', 'INTEGER', 'Running containers'),
      col('containers_paused', 'INTEGER', 'Paused containers'),
      col('containers_stopped', 'INTEGER', 'Stopped containers'),
      col('images', 'INTEGER', 'Images'),
      col('name', 'TEXT', 'Host name the daemon reports'),
      col('live_restore', 'INTEGER', 'live-restore enabled'),
      col('ipv4_forwarding', 'INTEGER', 'net.ipv4.ip_forward as the daemon saw it'),
      col('bridge_nf_iptables', 'INTEGER', 'net.bridge.bridge-nf-call-iptables as the daemon saw it (0 also produces a WARNING)'),
      col('insecure_registries', 'TEXT', "JSON array of registries pulled over plain HTTP or unverified TLS: InsecureRegistryCIDRs plus IndexConfigs with Secure=false. Docker's built-in 127.0.0.0/8 is left out, so '[]' means none configured"),
      col('registry_mirrors', 'TEXT', 'JSON array of registry mirrors, NULL when none'),
      col('security_options', 'TEXT', 'JSON array, e.g. ["name=seccomp,profile=default","name=selinux"]'),
      col('warnings', 'TEXT', 'JSON array of the daemon warnings (e.g. "WARNING: bridge-nf-call-iptables is disabled"), NULL when none'),
      col('http_proxy', 'TEXT', 'HTTP proxy of the daemon'),
      col('https_proxy', 'TEXT', 'HTTPS proxy of the daemon'),
      col('no_proxy', 'TEXT', 'NO_PROXY of the daemon'),
      col('init_binary', 'TEXT', 'Init binary used by --init (docker-init)'),
      col('server_errors', 'TEXT', 'JSON array of errors reaching the daemon (Docker 20.10+ clients), e.g. ["Cannot connect to the Docker daemon ..."]'),
      col('raw', 'TEXT', 'The whole docker info JSON, for fields not given a column (json_extract(raw, \'$.Swarm.LocalNodeState\'))'),
    ],
  },
  {
    name: 'docker_runtimes',
    description: "OCI runtimes registered with dockerd (docker info Runtimes). docker/gpu-runtime-missing: GPUs present but no row with name = 'nvidia'.",
    columns: [
      col('name', 'TEXT', 'Runtime name: runc, io.containerd.runc.v2, nvidia...'),
      col('path', 'TEXT', 'Binary path, e.g. /usr/bin/nvidia-container-runtime'),
      col('is_default', 'INTEGER', '1 for the default runtime'),
    ],
  },
  {
    name: 'daemon_config',
    description:
      "Settings of /etc/docker/daemon.json (key = dotted JSON path) and of /etc/sysconfig/docker and /etc/default/docker (key = variable name, e.g. OPTIONS). " +
      "Flags inside variables are also component_flags rows (component dockerd, origin env-file). Example: SELECT value FROM daemon_config WHERE key = 'hosts'.",
    columns: [col('path', 'TEXT', 'File on the node'), ...flatColumns('log-opts.max-size, runtimes.nvidia.path, hosts')],
    indexes: [['key']],
  },
  {
    name: 'daemon_config_files',
    description: 'Each docker daemon configuration file read, and whether it parsed. dockerd refuses to start with a malformed daemon.json: WHERE valid = 0.',
    columns: [
      col('path', 'TEXT', 'File on the node'),
      col('format', 'TEXT', "'json' (daemon.json) or 'env' (sysconfig/default files)"),
      col('valid', 'INTEGER', '1 when the file parsed (an empty daemon.json is valid), 0 when not'),
      col('error', 'TEXT', 'Why it did not parse'),
    ],
  },
  {
    name: 'containerd_config',
    description: "Settings of /etc/containerd/config.toml. Example: SELECT value_text FROM containerd_config WHERE key LIKE '%.runtimes.runc.options.SystemdCgroup'.",
    columns: [col('path', 'TEXT', 'File on the node'), ...flatColumns('plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options.SystemdCgroup')],
    indexes: [['key']],
  },
  {
    name: 'containerd_config_files',
    description: 'Each containerd configuration file read, and whether it parsed as TOML.',
    columns: [
      col('path', 'TEXT', 'File on the node'),
      col('version', 'INTEGER', 'Config schema version (1, 2 or 3; a file without `version` is version 1); NULL when it did not parse'),
      col('valid', 'INTEGER', '1 when the file parsed, 0 when not'),
      col('error', 'TEXT', 'Why it did not parse'),
    ],
  },

  // ---- containers ------------------------------------------------------------------------------
  {
    name: 'containers',
    description:
      "Every container from `docker inspect` (engine 'docker', Docker 18.09 to 27) and from `crictl inspect` (engine 'cri'). " +
      "When crictl talks to dockershim the same container appears once per engine: filter on engine or group by id. " +
      "Pod sandboxes (pause containers) have k8s_type 'podsandbox'. Containers listed by docker ps / crictl ps but not inspected are in docker_ps / cri_containers.",
    columns: [
      col('id', 'TEXT', 'Full container id (64 hex digits)'),
      col('name', 'TEXT', 'Name without the leading / (dockershim: k8s_<container>_<pod>_<namespace>_<uid>_<attempt>; CRI: the container name)'),
      col('engine', 'TEXT', "'docker' or 'cri'"),
      col('image', 'TEXT', 'Image as requested (docker Config.Image, e.g. nginx:1.27; CRI status.image)'),
      col('image_id', 'TEXT', 'Image id or reference (sha256:... / registry/name@sha256:...)'),
      col('created', 'TEXT', 'Creation time'),
      col('status', 'TEXT', 'created, running, paused, restarting, removing, exited, dead (CRI: created, running, exited, unknown)'),
      col('running', 'INTEGER', 'State.Running'),
      col('paused', 'INTEGER', 'State.Paused (docker only)'),
      col('restarting', 'INTEGER', 'State.Restarting (docker only)'),
      col('pid', 'INTEGER', 'Host PID of the container process, 0 when not running'),
      col('exit_code', 'INTEGER', 'Last exit code (137 = killed by SIGKILL, often the OOM killer)'),
      col('oom_killed', 'INTEGER', 'State.OOMKilled (CRI: reason OOMKilled)'),
      col('restart_count', 'INTEGER', 'Restarts by the docker daemon (top-level RestartCount; the kubelet starts a NEW container per restart, see k8s_attempt); CRI: metadata.attempt'),
      col('started_at', 'TEXT', 'Last start time, NULL when never started'),
      col('finished_at', 'TEXT', 'Last exit time, NULL when it has not exited'),
      col('error', 'TEXT', 'State.Error (docker) or status.message (CRI)'),
      col('health_status', 'TEXT', 'Healthcheck status: starting, healthy, unhealthy (docker only)'),
      col('path', 'TEXT', 'Executable of PID 1 (docker Path; CRI: first word of runtimeSpec.process.args)'),
      col('args', 'TEXT', 'JSON array of the arguments of PID 1 after path, e.g. ["-c","nohup java -jar app.jar & tail -f /etc/hosts"]'),
      col('entrypoint', 'TEXT', 'JSON array: docker Config.Entrypoint; CRI config.command'),
      col('cmd', 'TEXT', 'JSON array: docker Config.Cmd; CRI config.args'),
      col('user', 'TEXT', 'Config.User'),
      col('hostname', 'TEXT', 'Config.Hostname'),
      col('init', 'INTEGER', "HostConfig.Init (docker --init): 1, 0, or NULL when unset, in which case dockerd's own `init` setting applies (daemon_config key 'init')"),
      col('privileged', 'INTEGER', 'HostConfig.Privileged (CRI: security_context.privileged)'),
      col('network_mode', 'TEXT', 'HostConfig.NetworkMode: bridge, host, none, default, <network name>, container:<id> (pod containers join their sandbox this way)'),
      col('pid_mode', 'TEXT', "HostConfig.PidMode: '' (own namespace), host, container:<id>"),
      col('ipc_mode', 'TEXT', 'HostConfig.IpcMode'),
      col('runtime', 'TEXT', 'OCI runtime: runc, nvidia... (CRI: runtimeType, e.g. io.containerd.runc.v2)'),
      col('cgroup_parent', 'TEXT', 'HostConfig.CgroupParent, e.g. /kubepods/burstable/pod<uid>'),
      col('log_type', 'TEXT', 'HostConfig.LogConfig.Type: json-file, journald, local, none...'),
      col('log_max_size', 'TEXT', "LogConfig.Config max-size, e.g. 100m; NULL when unset on the container (daemon_config 'log-opts.max-size' may still set it)"),
      col('log_max_file', 'TEXT', 'LogConfig.Config max-file'),
      col('log_path', 'TEXT', 'Log file on the node (docker LogPath; CRI logPath)'),
      col('restart_policy', 'TEXT', "RestartPolicy.Name: no, always, unless-stopped, on-failure ('' for kubelet-managed)"),
      col('restart_max_retries', 'INTEGER', 'RestartPolicy.MaximumRetryCount'),
      col('readonly_rootfs', 'INTEGER', 'HostConfig.ReadonlyRootfs'),
      col('memory_limit', 'INTEGER', 'Memory limit in bytes, 0 = unlimited'),
      col('nano_cpus', 'INTEGER', 'CPU limit in 1e-9 CPUs (docker --cpus), 0 = unset'),
      col('cpu_quota', 'INTEGER', 'CFS quota in microseconds per cpu_period (-1 or 0 = unlimited)'),
      col('cpu_period', 'INTEGER', 'CFS period in microseconds'),
      col('cpu_shares', 'INTEGER', 'CPU shares'),
      col('graph_driver', 'TEXT', 'GraphDriver.Name (overlay2...; CRI: the snapshotter, e.g. overlayfs)'),
      col('upper_dir', 'TEXT', 'GraphDriver.Data.UpperDir: the writable layer on the node, e.g. /var/lib/docker/overlay2/<layer>/diff'),
      col('merged_dir', 'TEXT', 'GraphDriver.Data.MergedDir'),
      col('work_dir', 'TEXT', 'GraphDriver.Data.WorkDir'),
      col('overlay_layer_id', 'TEXT', 'The overlay2 directory name of upper_dir; joins overlay2_usage.layer_id to find which container fills the disk'),
      col('sandbox_key', 'TEXT', 'NetworkSettings.SandboxKey: the network namespace path (/var/run/docker/netns/...)'),
      col('pod_name', 'TEXT', 'Kubernetes pod name (label io.kubernetes.pod.name, else the dockershim name)'),
      col('pod_namespace', 'TEXT', 'Kubernetes namespace'),
      col('pod_uid', 'TEXT', 'Kubernetes pod uid'),
      col('k8s_container_name', 'TEXT', 'Container name in the pod spec (NULL for sandboxes)'),
      col('k8s_type', 'TEXT', "'podsandbox' (pause container), 'container' (a pod's container), NULL when not a Kubernetes container"),
      col('sandbox_id', 'TEXT', "The pod sandbox this container belongs to (label io.kubernetes.sandbox.id, CRI info.sandboxID, or the id in network_mode container:<id>); a sandbox's own id for sandboxes"),
      col('k8s_attempt', 'INTEGER', 'Kubelet restart attempt: the last _<n> of a dockershim name, annotation io.kubernetes.container.restartCount, CRI metadata.attempt'),
      col('gpu_requested', 'INTEGER', '1 when the container asks for NVIDIA GPUs (see gpu_request_via), else 0'),
      col('gpu_request_via', 'TEXT', "Comma list of how: 'device-requests' (docker --gpus, HostConfig.DeviceRequests), 'devices' (/dev/nvidiaN passed in, the device plugin way), 'env' (NVIDIA_VISIBLE_DEVICES set, read by the nvidia runtime)"),
    ],
    indexes: [['id'], ['pod_uid'], ['sandbox_id']],
  },
  {
    name: 'container_mounts',
    description: "Mounts of each container (docker Mounts, or HostConfig.Binds for old containers; CRI status.mounts). docker/socket-mounted-in-container: source LIKE '%/docker.sock' OR source LIKE '%/containerd.sock'.",
    columns: [
      containerId,
      col('type', 'TEXT', 'bind, volume, tmpfs (CRI mounts are binds)'),
      col('source', 'TEXT', 'Path on the node'),
      col('destination', 'TEXT', 'Path in the container'),
      col('mode', 'TEXT', "Mount mode text, e.g. 'ro', 'z', ''"),
      col('rw', 'INTEGER', '1 writable, 0 read-only'),
      col('propagation', 'TEXT', 'rprivate, rshared, rslave... (CRI: private, host_to_container, bidirectional)'),
      col('name', 'TEXT', 'Volume name for named volumes'),
      col('driver', 'TEXT', 'Volume driver for named volumes'),
    ],
    indexes: [['container_id']],
  },
  {
    name: 'container_ports',
    description: "Published ports of docker containers: origin 'published' (NetworkSettings.Ports, what is bound now) and 'binding' (HostConfig.PortBindings, what was asked).",
    columns: [
      containerId,
      col('origin', 'TEXT', "'published' or 'binding'"),
      col('container_port', 'INTEGER', 'Port inside the container'),
      col('protocol', 'TEXT', 'tcp, udp or sctp'),
      col('host_ip', 'TEXT', "Host address bound (0.0.0.0, ::); NULL when exposed but not published or bound to all ('')"),
      col('host_port', 'INTEGER', 'Host port; NULL when exposed only'),
    ],
    indexes: [['container_id']],
  },
  {
    name: 'container_networks',
    description: 'Networks each docker container is attached to (NetworkSettings.Networks), with its address on each.',
    columns: [
      containerId,
      col('network', 'TEXT', 'Network name: bridge, host, none, or a user network'),
      col('network_id', 'TEXT', 'Network id, joins docker_networks.id'),
      col('endpoint_id', 'TEXT', 'Endpoint id'),
      col('ip', 'TEXT', 'IPv4 address, NULL when none (stopped, host or none network)'),
      col('prefixlen', 'INTEGER', 'IPv4 prefix length'),
      col('gateway', 'TEXT', 'IPv4 gateway'),
      col('mac', 'TEXT', 'MAC address'),
      col('ipv6', 'TEXT', 'Global IPv6 address'),
      col('ipv6_prefixlen', 'INTEGER', 'IPv6 prefix length'),
    ],
    indexes: [['container_id']],
  },
  {
    name: 'container_env',
    description:
      'Environment variable NAMES of each container. Values are not stored, except for an allow-list of settings: TZ, LANG, LC_ALL, NVIDIA_VISIBLE_DEVICES, ' +
      "NVIDIA_DRIVER_CAPABILITIES, NVIDIA_REQUIRE_CUDA, CUDA_VERSION, KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT. docker/secret-in-env: key looks secret AND (redacted = 1 OR has_value = 1).",
    columns: [
      containerId,
      col('key', 'TEXT', 'Variable name'),
      col('has_value', 'INTEGER', "1 when the variable has a non-empty value (KEY=x), 0 for KEY= or a bare KEY"),
      col('redacted', 'INTEGER', '1 when the collector replaced the value by <REDACTED> (a secret-like key with a literal value)'),
      col('value', 'TEXT', 'The value, only for allow-listed keys (see the table description), else NULL'),
    ],
    indexes: [['container_id'], ['key']],
  },
  {
    name: 'container_labels',
    description:
      'Labels of each container (docker Config.Labels; CRI status.labels plus status.annotations under annotation.<key>, the names dockershim used): ' +
      "compose project, io.kubernetes.* identity, annotation.io.kubernetes.container.ports (the pod's ports with hostPort, JSON).",
    columns: [containerId, col('key', 'TEXT', 'Label name, e.g. io.kubernetes.pod.name, com.docker.compose.project'), col('value', 'TEXT', 'Label value')],
    indexes: [['container_id'], ['key']],
  },
  {
    name: 'docker_ps',
    description:
      "`docker ps -a --no-trunc` lines: every container the daemon listed, with the Kubernetes parts of dockershim names. A row whose id is not in containers " +
      "was removed between ps and inspect, or could not be inspected. docker/restart-loop can use k8s_attempt here too.",
    columns: [
      col('id', 'TEXT', 'Full container id'),
      col('name', 'TEXT', 'First name'),
      col('image', 'TEXT', 'Image (name, or short id when the image was re-tagged)'),
      col('command', 'TEXT', 'Command as docker ps quotes it, e.g. "/bin/sh -c \'...\'"'),
      col('created_at', 'TEXT', 'Creation time (converted from "2019-03-01 16:42:23 +0800 CST")'),
      col('running_for', 'TEXT', 'Human age, e.g. "30 hours ago"'),
      col('status', 'TEXT', 'Status text, e.g. "Up 12 days", "Exited (137) 2 hours ago"'),
      col('state', 'TEXT', 'running, exited, created, restarting, paused, removing, dead (from State, or derived from Status on old clients)'),
      col('exit_code', 'INTEGER', 'Exit code from an "Exited (n)" status'),
      col('ports', 'TEXT', 'Ports text, e.g. "0.0.0.0:9000->9000/tcp, :::9000->9000/tcp"'),
      col('networks', 'TEXT', 'Comma list of networks'),
      col('mounts', 'TEXT', 'Comma list of mount sources (truncated by docker)'),
      col('size', 'TEXT', 'Size text (0B unless --size)'),
      col('labels', 'TEXT', 'Labels as docker prints them: k=v,k=v (ambiguous when values hold commas; container_labels is exact)'),
      col('pod_name', 'TEXT', 'Pod name from a k8s_ name'),
      col('pod_namespace', 'TEXT', 'Namespace from a k8s_ name'),
      col('pod_uid', 'TEXT', 'Pod uid from a k8s_ name'),
      col('k8s_container_name', 'TEXT', 'Container name from a k8s_ name (NULL for sandboxes)'),
      col('k8s_type', 'TEXT', "'podsandbox' for k8s_POD_ names, 'container' for other k8s_ names, else NULL"),
      col('k8s_attempt', 'INTEGER', 'The attempt suffix of a k8s_ name (k8s_operation_..._760 -> 760)'),
    ],
    indexes: [['id']],
  },
  {
    name: 'docker_networks',
    description: 'Docker networks (docker network inspect). route/docker-bridge-overlap compares their subnets (all of them in docker_network_subnets) with host routes and pod CIDRs.',
    columns: [
      col('id', 'TEXT', 'Network id'),
      col('name', 'TEXT', 'Network name: bridge, host, none, or user-defined'),
      col('driver', 'TEXT', 'bridge, host, null, overlay, macvlan, ipvlan'),
      col('scope', 'TEXT', 'local, swarm, global'),
      col('created', 'TEXT', 'Creation time'),
      col('internal', 'INTEGER', 'Internal (no outside access)'),
      col('attachable', 'INTEGER', 'Attachable'),
      col('ipv6_enabled', 'INTEGER', 'EnableIPv6'),
      col('bridge_name', 'TEXT', 'Linux bridge of a bridge network: com.docker.network.bridge.name, docker0 for the default bridge, else br-<first 12 hex of id>'),
      col('mtu', 'INTEGER', 'com.docker.network.driver.mtu'),
      col('ip_masquerade', 'INTEGER', 'com.docker.network.bridge.enable_ip_masquerade'),
      col('icc', 'INTEGER', 'com.docker.network.bridge.enable_icc'),
      col('subnet', 'TEXT', 'First IPv4 subnet of IPAM.Config'),
      col('gateway', 'TEXT', 'Gateway of that subnet'),
      col('containers', 'INTEGER', 'Containers attached'),
    ],
  },
  {
    name: 'docker_network_subnets',
    description: 'Every IPAM subnet of every docker network.',
    columns: [
      col('network_id', 'TEXT', 'Network id, joins docker_networks.id'),
      col('network', 'TEXT', 'Network name'),
      col('subnet', 'TEXT', 'Subnet CIDR'),
      col('gateway', 'TEXT', 'Gateway address'),
      col('ip_range', 'TEXT', 'IPRange containers are given addresses from, when narrower than the subnet'),
      col('family', 'TEXT', "'inet' or 'inet6'"),
    ],
  },
  {
    name: 'overlay2_usage',
    description:
      'Largest directories under <docker root>/overlay2 (du -sk, 200 at most), for docker/disk-pressure: ' +
      'SELECT u.kib, c.name, c.pod_name FROM overlay2_usage u LEFT JOIN containers c ON c.node_id = u.node_id AND c.overlay_layer_id = u.layer_id ORDER BY u.kib DESC.',
    columns: [
      col('dir', 'TEXT', 'Directory on the node, without the trailing /'),
      col('layer_id', 'TEXT', "Layer directory name without '-init' (joins containers.overlay_layer_id); NULL for the 'l' link directory"),
      col('is_init', 'INTEGER', "1 for a container's <id>-init layer"),
      col('kib', 'INTEGER', 'Disk use in KiB (du -k; one filesystem, -x)'),
    ],
    indexes: [['layer_id']],
  },

  // ---- CRI -------------------------------------------------------------------------------------
  {
    name: 'cri_pods',
    description: 'Pod sandboxes the CRI runtime reports (crictl pods -o json).',
    columns: [
      col('id', 'TEXT', 'Sandbox id (joins containers.sandbox_id and ipam_reservations.container_id)'),
      col('name', 'TEXT', 'Pod name'),
      col('namespace', 'TEXT', 'Pod namespace'),
      col('uid', 'TEXT', 'Pod uid'),
      col('attempt', 'INTEGER', 'Sandbox attempt (incremented each time the kubelet recreates the sandbox)'),
      col('state', 'TEXT', "'ready' or 'notready'"),
      col('created_at', 'TEXT', 'Creation time'),
      col('runtime_handler', 'TEXT', 'RuntimeClass handler, NULL for the default'),
      col('labels', 'TEXT', 'Labels as a JSON object'),
    ],
  },
  {
    name: 'cri_containers',
    description: 'Containers the CRI runtime lists (crictl ps -a -o json); details are in containers (engine cri).',
    columns: [
      col('id', 'TEXT', 'Container id'),
      col('pod_sandbox_id', 'TEXT', 'Sandbox id, joins cri_pods.id'),
      col('name', 'TEXT', 'Container name'),
      col('attempt', 'INTEGER', 'Restart attempt'),
      col('image', 'TEXT', 'Image (often an image id)'),
      col('image_ref', 'TEXT', 'Image reference'),
      col('state', 'TEXT', 'created, running, exited, unknown'),
      col('created_at', 'TEXT', 'Creation time'),
      col('pod_name', 'TEXT', 'Pod name label'),
      col('pod_namespace', 'TEXT', 'Pod namespace label'),
      col('pod_uid', 'TEXT', 'Pod uid label'),
    ],
  },
  {
    name: 'cgroup_cpu_stats',
    description:
      "CPU throttling counters of container and pod cgroups (cpu.stat, v1 and v2). docker/cpu-throttled: WHERE level = 'container' AND throttled_ratio >= 0.2. " +
      'Counters are cumulative since the cgroup was created.',
    columns: [
      col('path', 'TEXT', 'cpu.stat file on the node'),
      col('cgroup', 'TEXT', 'The cgroup directory (path without /cpu.stat)'),
      col('container_id', 'TEXT', 'Container id named by the path (docker-<id>.scope, cri-containerd-<id>.scope, <id>), joins containers.id'),
      col('pod_uid', 'TEXT', 'Pod uid named by the path (pod<uid>, kubepods-...-pod<uid_with_underscores>.slice), with dashes'),
      col('qos_class', 'TEXT', 'burstable, besteffort or guaranteed, for kubepods cgroups'),
      col('level', 'TEXT', "'container', 'pod', 'qos' or 'other'"),
      col('cgroup_version', 'INTEGER', '1 or 2'),
      col('nr_periods', 'INTEGER', 'Enforcement periods elapsed'),
      col('nr_throttled', 'INTEGER', 'Periods in which the cgroup was throttled'),
      col('throttled_usec', 'INTEGER', 'Total time throttled, microseconds (v1 throttled_time ns / 1000)'),
      col('usage_usec', 'INTEGER', 'CPU time used, microseconds (v2 only)'),
      col('throttled_ratio', 'REAL', 'nr_throttled / nr_periods, NULL when no period elapsed'),
    ],
    indexes: [['container_id']],
  },

  // ---- GPU -------------------------------------------------------------------------------------
  {
    name: 'gpus',
    description: 'NVIDIA GPUs (nvidia-smi -q -x). docker/gpu-runtime-missing joins this with docker_runtimes and containers.gpu_requested.',
    columns: [
      col('gpu_index', 'INTEGER', 'Minor number (/dev/nvidia<N>), else the position in the output'),
      col('pci_bus_id', 'TEXT', 'PCI bus id, e.g. 00000000:00:1E.0'),
      col('uuid', 'TEXT', 'GPU UUID'),
      col('name', 'TEXT', 'Product name, e.g. Tesla T4'),
      col('driver_version', 'TEXT', 'Driver version, e.g. 535.104.05'),
      col('cuda_version', 'TEXT', 'Highest CUDA version the driver supports (NULL on drivers before 410)'),
      col('memory_total_mib', 'INTEGER', 'Framebuffer memory total, MiB'),
      col('memory_used_mib', 'INTEGER', 'Framebuffer memory used, MiB'),
      col('utilization_pct', 'INTEGER', 'GPU utilization, percent'),
      col('memory_utilization_pct', 'INTEGER', 'Memory utilization, percent'),
      col('temperature_c', 'INTEGER', 'GPU temperature, Celsius'),
      col('power_draw_w', 'REAL', 'Power draw, watts'),
      col('persistence_mode', 'INTEGER', 'Persistence mode enabled'),
      col('compute_mode', 'TEXT', 'Default, Exclusive_Process, Prohibited'),
    ],
  },
  {
    name: 'gpu_processes',
    description: 'Processes using each GPU (nvidia-smi processes); join processes on pid to find the container.',
    columns: [
      col('gpu_index', 'INTEGER', 'gpus.gpu_index'),
      col('gpu_uuid', 'TEXT', 'gpus.uuid'),
      col('pid', 'INTEGER', 'Host PID'),
      col('type', 'TEXT', 'C (compute), G (graphics), C+G'),
      col('process_name', 'TEXT', 'Process name'),
      col('used_memory_mib', 'INTEGER', 'GPU memory used, MiB'),
    ],
  },
  {
    name: 'gpu_devices',
    description: 'NVIDIA device nodes present under /dev. GPUs exist when a kind = \'gpu\' row exists, even if nvidia-smi failed.',
    columns: [
      col('path', 'TEXT', 'Device path, e.g. /dev/nvidia0'),
      col('name', 'TEXT', 'Device name, e.g. nvidia0, nvidiactl'),
      col('kind', 'TEXT', "'gpu' (nvidiaN), 'control' (nvidiactl), 'uvm', 'modeset', 'caps', 'other'"),
      col('gpu_index', 'INTEGER', 'N of /dev/nvidiaN'),
    ],
  },

  // ---- systemd and Kubernetes configuration ----------------------------------------------------
  {
    name: 'systemd_units',
    description:
      "Every setting of the collected unit files and drop-ins (docker, containerd, kubelet, kube-proxy, flanneld, etcd...). Continuation lines are joined. " +
      "A drop-in's empty ExecStart= resets the command. Known components' last ExecStart is also in kube_components (origin 'unit').",
    columns: [
      col('path', 'TEXT', 'File on the node'),
      col('unit', 'TEXT', 'Unit the file configures, e.g. kubelet.service (a drop-in names its .d directory)'),
      col('dropin', 'INTEGER', '1 for a drop-in (<unit>.d/*.conf)'),
      col('section', 'TEXT', 'Section: Unit, Service, Install'),
      col('key', 'TEXT', 'Setting, e.g. ExecStart, Environment, EnvironmentFile, LimitNOFILE'),
      col('value', 'TEXT', 'Value as written (quotes kept)'),
      col('line', 'INTEGER', 'Line the setting starts on'),
    ],
    indexes: [['unit']],
  },
  {
    name: 'kube_configs',
    description:
      "Settings of Kubernetes configuration files: kubelet config.yaml, kube-proxy config, static pod manifests, kubeadm configs, ConfigMaps found in files " +
      "(and the documents inside their data), and flag env files (kind 'EnvFile', key = variable). Example: SELECT value_text FROM kube_configs WHERE kind = 'KubeletConfiguration' AND key = 'maxPods'.",
    columns: [
      col('path', 'TEXT', 'File on the node'),
      col('doc_index', 'INTEGER', 'Document number in a multi-document YAML file, from 0'),
      col('kind', 'TEXT', 'Document kind: KubeletConfiguration, KubeProxyConfiguration, Pod, ClusterConfiguration, ConfigMap, EnvFile...'),
      col('component', 'TEXT', "Component it configures: kubelet, kube-proxy, kube-apiserver, etcd (static pods: the first container's name), kubeadm; NULL when unknown"),
      ...flatColumns('iptables.masqueradeAll, spec.containers[0].command, evictionHard."memory.available"'),
    ],
    indexes: [['key']],
  },
  {
    name: 'kube_config_files',
    description:
      'Each document of the kube-configs and kubeconfigs sources, and whether it parsed. k8s/kube-proxy-config-invalid: ' +
      "WHERE (kind = 'KubeProxyConfiguration' OR component = 'kube-proxy' OR path LIKE '%proxy%') AND valid = 0, together with kube_config_unknown_fields.",
    columns: [
      col('path', 'TEXT', 'File on the node'),
      col('doc_index', 'INTEGER', 'Document number, from 0'),
      col('kind', 'TEXT', "Document kind; 'EnvFile' for variable files, 'FlannelNetConf' for net-conf.json, 'Config' for kubeconfigs; NULL when it did not parse"),
      col('api_version', 'TEXT', 'apiVersion, e.g. kubeproxy.config.k8s.io/v1alpha1'),
      col('component', 'TEXT', 'Component it configures, as in kube_configs'),
      col('config_map', 'TEXT', "'<configmap>/<data key>' for a document read out of a ConfigMap in the file (kube-proxy/config.conf), else NULL"),
      col('valid', 'INTEGER', '1 when it parsed, 0 when not (YAML/JSON error, or not a mapping)'),
      col('error', 'TEXT', 'Why it did not parse'),
    ],
  },
  {
    name: 'kube_config_unknown_fields',
    description:
      'Fields of a KubeProxyConfiguration (kubeproxy.config.k8s.io/v1alpha1) that kube-proxy does not know, checked against every field the type has had: ' +
      "a misspelt field is ignored or rejected (\"found unknown field: masqueradeAl\", incident 003). Other kinds are not checked.",
    columns: [
      col('path', 'TEXT', 'File on the node'),
      col('doc_index', 'INTEGER', 'Document number, from 0'),
      col('kind', 'TEXT', 'Document kind'),
      col('field', 'TEXT', 'Dotted path of the unknown field, e.g. iptables.masqueradeAl'),
      col('suggestion', 'TEXT', 'The known field at that level closest in spelling, e.g. masqueradeAll; NULL when none is close'),
    ],
  },
  {
    name: 'flannel_net_conf',
    description: "flannel's network config: /etc/kube-flannel/net-conf.json, or the net-conf.json of a kube-flannel-cfg ConfigMap in a manifest file. route/host-gw-nexthop-not-onlink reads backend_type.",
    columns: [
      col('path', 'TEXT', 'File on the node'),
      col('config_map', 'TEXT', "'<configmap>/net-conf.json' when read out of a ConfigMap, else NULL"),
      col('network', 'TEXT', 'Cluster pod network, e.g. 10.244.0.0/16'),
      col('subnet_len', 'INTEGER', 'SubnetLen (per-node subnet size; default 24)'),
      col('backend_type', 'TEXT', 'Backend.Type: vxlan, host-gw, udp, wireguard, ipip...'),
      col('vni', 'INTEGER', 'Backend.VNI (vxlan; default 1)'),
      col('port', 'INTEGER', 'Backend.Port (vxlan; default 8472)'),
      col('direct_routing', 'INTEGER', 'Backend.DirectRouting (vxlan: host-gw routes for nodes on the same subnet)'),
      col('enable_ipv6', 'INTEGER', 'EnableIPv6'),
      col('ipv6_network', 'TEXT', 'IPv6Network'),
      col('raw', 'TEXT', 'The whole document as JSON'),
    ],
  },
  {
    name: 'kubeconfigs',
    description:
      'kubeconfig files, one row per context (a file without contexts gives a row per cluster and per user). Embedded certificates are in certs ' +
      "(certs.source_field names the kubeconfig field); client keys and tokens were redacted at collection.",
    columns: [
      col('path', 'TEXT', 'File on the node'),
      col('context', 'TEXT', 'Context name'),
      col('current', 'INTEGER', '1 for the current-context'),
      col('cluster', 'TEXT', 'Cluster name'),
      col('server', 'TEXT', 'API server URL, e.g. https://192.168.3.113:6443'),
      col('namespace', 'TEXT', 'Context namespace'),
      col('user', 'TEXT', 'User name'),
      col('auth', 'TEXT', "How the user authenticates: 'client-cert', 'token', 'exec', 'auth-provider', 'basic', 'none'"),
      col('insecure_skip_tls_verify', 'INTEGER', 'Cluster insecure-skip-tls-verify'),
      col('certificate_authority', 'TEXT', 'CA file path (certificate-authority)'),
      col('ca_data', 'INTEGER', '1 when the CA is embedded (certificate-authority-data)'),
      col('client_certificate', 'TEXT', 'Client certificate file path (client-certificate)'),
      col('client_cert_data', 'INTEGER', '1 when the client certificate is embedded (client-certificate-data)'),
    ],
  },

  // ---- certificates ----------------------------------------------------------------------------
  {
    name: 'certs',
    description:
      "X.509 certificates from certificate files (source_field 'file') and from kubeconfigs (source_field e.g. users[kubelet].client-certificate-data). " +
      "cert/expired: WHERE not_after < <collection time>. Verify a signature with node:crypto: new X509Certificate(Buffer.from(der_base64, 'base64')).verify(issuer.publicKey).",
    columns: [
      col('member', 'TEXT', 'Snapshot member the certificate was read from (joins files.member for the file mtime)'),
      col('path', 'TEXT', 'File on the node'),
      col('source_field', 'TEXT', "'file', or the kubeconfig field: clusters[<name>].certificate-authority-data, users[<name>].client-certificate-data"),
      col('bundle_index', 'INTEGER', 'Position of the certificate in its file or field, from 0 (bundles hold several)'),
      col('subject', 'TEXT', 'Subject, e.g. "O=system:masters, CN=kubernetes-admin" (attributes in certificate order)'),
      col('subject_cn', 'TEXT', 'Subject common name'),
      col('issuer', 'TEXT', 'Issuer, same form as subject'),
      col('issuer_cn', 'TEXT', 'Issuer common name'),
      col('serial', 'TEXT', 'Serial number, upper-case hex'),
      col('not_before', 'TEXT', 'Start of validity'),
      col('not_after', 'TEXT', 'End of validity'),
      col('sans', 'TEXT', 'Subject alternative names as one text: "DNS:kubernetes, DNS:kubernetes.default, IP Address:10.96.0.1" (one per row in cert_sans)'),
      col('key_type', 'TEXT', 'Public key type: rsa, rsa-pss, ec, ed25519, ed448, dsa'),
      col('key_bits', 'INTEGER', 'Key size: RSA modulus bits, EC curve bits (256, 384, 521), 256 for Ed25519'),
      col('key_curve', 'TEXT', 'EC curve, e.g. prime256v1, secp384r1'),
      col('signature_algorithm', 'TEXT', 'Signature algorithm as openssl names it (sha256WithRSAEncryption, sha1WithRSAEncryption, ecdsa-with-SHA256, ED25519, SM2-with-SM3...), or the OID when unknown'),
      col('signature_hash', 'TEXT', 'Digest of the signature: md5, sha1, sha256, sha384, sha512, sm3; NULL for Ed25519/RSA-PSS. cert/weak: signature_hash IN (\'md5\',\'sha1\') OR (key_type = \'rsa\' AND key_bits < 2048)'),
      col('is_ca', 'INTEGER', 'Basic constraints CA:TRUE'),
      col('self_signed', 'INTEGER', '1 when the certificate names itself as issuer and its own key verifies its signature'),
      col('ext_key_usage', 'TEXT', 'Extended key usages, comma list: serverAuth,clientAuth'),
      col('fingerprint_sha256', 'TEXT', 'SHA-256 fingerprint, upper-case hex with colons (openssl x509 -fingerprint -sha256)'),
      col('subject_key_id', 'TEXT', 'Subject key identifier, upper-case hex with colons'),
      col('authority_key_id', 'TEXT', "Authority key identifier (keyid); equals the issuer's subject_key_id"),
      col('der_base64', 'TEXT', 'The certificate, DER in base64'),
    ],
    indexes: [['path'], ['subject_key_id']],
  },
  {
    name: 'cert_sans',
    description: "One row per subject alternative name of every certificate. cert/apiserver-san-missing: the apiserver cert has no row with type 'IP Address' AND value = '10.96.0.1'.",
    columns: [
      col('member', 'TEXT', 'certs.member'),
      col('path', 'TEXT', 'certs.path'),
      col('source_field', 'TEXT', 'certs.source_field'),
      col('bundle_index', 'INTEGER', 'certs.bundle_index'),
      col('fingerprint_sha256', 'TEXT', 'certs.fingerprint_sha256'),
      col('type', 'TEXT', "'DNS', 'IP Address', 'URI', 'email'..."),
      col('value', 'TEXT', 'The name or address, e.g. kubernetes.default, 10.96.0.1, 0:0:0:0:0:0:0:1'),
    ],
    indexes: [['value']],
  },
  {
    name: 'cert_files',
    description: 'Each certificate file read: its format and how many certificates it held. A file of the certs source holding no certificate and no key marker is valid = 0.',
    columns: [
      col('member', 'TEXT', 'Snapshot member'),
      col('path', 'TEXT', 'File on the node'),
      col('format', 'TEXT', "'pem', 'der' or 'unknown'"),
      col('certificates', 'INTEGER', 'Certificates read'),
      col('private_key_redacted', 'INTEGER', '1 when the file held a private key (replaced by <REDACTED PRIVATE KEY> at collection)'),
      col('other_blocks', 'TEXT', 'Comma list of PEM blocks that are not certificates (PUBLIC KEY, X509 CRL...)'),
      col('valid', 'INTEGER', '1 when everything in the file was read (a key-only file is valid with 0 certificates)'),
      col('error', 'TEXT', 'First problem met'),
    ],
  },

  // ---- CNI and flannel -------------------------------------------------------------------------
  {
    name: 'cni_configs',
    description:
      'Files of /etc/cni/net.d. The runtime loads files ending .conf, .conflist or .json (is_candidate = 1) in name order and uses the first that loads ' +
      '(dockershim/libcni skip invalid ones; containerd fails on them). The active network: ' +
      'SELECT * FROM cni_configs WHERE is_candidate = 1 AND valid = 1 ORDER BY file_name LIMIT 1 (per node). cni/config-invalid: no candidate at all, or a candidate with valid = 0.',
    columns: [
      col('path', 'TEXT', 'File on the node'),
      col('file_name', 'TEXT', 'Base name; the runtime orders files by it (byte order, as SQLite BINARY collation)'),
      col('is_candidate', 'INTEGER', '1 when the name ends .conf, .conflist or .json'),
      col('is_conflist', 'INTEGER', '1 for .conflist (a list of plugins); other files are read as one plugin'),
      col('valid', 'INTEGER', '1 when it would load: JSON object, a conflist with a non-empty plugins list, every plugin with a type'),
      col('error', 'TEXT', 'Why it would not load'),
      col('name', 'TEXT', 'Network name'),
      col('cni_version', 'TEXT', 'cniVersion'),
      col('plugin_types', 'TEXT', 'Comma list of plugin types in order, e.g. flannel,portmap'),
      col('plugin_count', 'INTEGER', 'Number of plugins'),
    ],
  },
  {
    name: 'cni_plugins',
    description: "Plugins of each CNI config (position 0 for a single-plugin .conf). cni/hostport-without-portmap: the active config has no row with type = 'portmap'.",
    columns: [
      col('path', 'TEXT', 'cni_configs.path'),
      col('position', 'INTEGER', 'Position in the plugin chain, from 0'),
      col('type', 'TEXT', 'Plugin type: bridge, flannel, portmap, calico, host-local, loopback...'),
      col('bridge', 'TEXT', 'Bridge device (bridge plugin), e.g. cni0'),
      col('is_gateway', 'INTEGER', 'isGateway (bridge gets the gateway address)'),
      col('is_default_gateway', 'INTEGER', 'isDefaultGateway'),
      col('ip_masq', 'INTEGER', 'ipMasq'),
      col('hairpin_mode', 'INTEGER', 'hairpinMode'),
      col('mtu', 'INTEGER', 'mtu'),
      col('ipam_type', 'TEXT', 'ipam.type, e.g. host-local'),
      col('ipam_subnet', 'TEXT', 'ipam.subnet, or the first subnet of ipam.ranges'),
      col('ipam_ranges', 'TEXT', 'ipam.ranges as JSON'),
      col('ipam_routes', 'TEXT', 'ipam.routes as JSON'),
      col('delegate', 'TEXT', "flannel's delegate object as JSON (settings it passes to the bridge plugin)"),
      col('capabilities', 'TEXT', 'capabilities as JSON, e.g. {"portMappings":true}'),
      col('config', 'TEXT', "The plugin's whole configuration as JSON"),
    ],
  },
  {
    name: 'ipam_reservations',
    description:
      'host-local IPAM reservations (/var/lib/cni/networks/<network>/<ip>): which sandbox holds which pod IP. cni/ipam-leaked-ips: container_id matches no containers.id (sandbox) ' +
      'nor cri_pods.id; cni/duplicate-pod-ip: the same ip in two networks or nodes.',
    columns: [
      col('network', 'TEXT', 'CNI network name (directory), e.g. cbr0'),
      col('ip', 'TEXT', 'Reserved address (the file name)'),
      col('container_id', 'TEXT', 'Sandbox container id written in the file; NULL when the file is empty'),
      col('ifname', 'TEXT', 'Interface in the pod (second line, CNI plugins 0.8.6+), e.g. eth0'),
      col('path', 'TEXT', 'File on the node'),
    ],
    indexes: [['container_id']],
  },
  {
    name: 'ipam_last_reserved',
    description: 'The last address host-local handed out per range set (last_reserved_ip.<n>).',
    columns: [
      col('network', 'TEXT', 'CNI network name'),
      col('range_index', 'INTEGER', 'Range set index (the n of last_reserved_ip.n)'),
      col('ip', 'TEXT', 'Last reserved address'),
      col('path', 'TEXT', 'File on the node'),
    ],
  },
  {
    name: 'flannel_cni_state',
    description: "The bridge configuration flannel's CNI plugin delegated for each container (/var/lib/cni/flannel/<container id>); ipam_subnet shows the node subnet at the time the pod was created.",
    columns: [
      col('path', 'TEXT', 'File on the node'),
      col('container_id', 'TEXT', 'Sandbox container id (the file name)'),
      col('valid', 'INTEGER', '1 when the file is a JSON object'),
      col('error', 'TEXT', 'Why it did not parse'),
      col('name', 'TEXT', 'Network name'),
      col('cni_version', 'TEXT', 'cniVersion'),
      col('type', 'TEXT', 'Delegated plugin type, normally bridge'),
      col('bridge', 'TEXT', 'Bridge name when set (default cni0)'),
      col('is_gateway', 'INTEGER', 'isGateway'),
      col('is_default_gateway', 'INTEGER', 'isDefaultGateway'),
      col('ip_masq', 'INTEGER', 'ipMasq'),
      col('hairpin_mode', 'INTEGER', 'hairpinMode'),
      col('mtu', 'INTEGER', 'MTU given to the pod interface'),
      col('ipam_type', 'TEXT', 'ipam.type'),
      col('ipam_subnet', 'TEXT', 'ipam.subnet: the node pod subnet, e.g. 10.244.2.0/24'),
      col('ipam_ranges', 'TEXT', 'ipam.ranges as JSON'),
      col('ipam_routes', 'TEXT', 'ipam.routes as JSON'),
    ],
  },
  {
    name: 'flannel_env',
    description: "flannel's lease for this node (/run/flannel/subnet.env). cni/cni0-subnet-mismatch compares cni0's address with subnet; route/vxlan-mtu-mismatch compares mtu.",
    columns: [
      col('path', 'TEXT', 'File on the node'),
      col('network', 'TEXT', 'FLANNEL_NETWORK: the cluster pod network, e.g. 10.244.0.0/16'),
      col('subnet', 'TEXT', "FLANNEL_SUBNET: this node's gateway address and prefix, e.g. 10.244.1.1/24"),
      col('mtu', 'INTEGER', 'FLANNEL_MTU (1450 for vxlan, 1500 for host-gw on a 1500 underlay)'),
      col('ipmasq', 'INTEGER', 'FLANNEL_IPMASQ'),
      col('ipv6_network', 'TEXT', 'FLANNEL_IPV6_NETWORK'),
      col('ipv6_subnet', 'TEXT', 'FLANNEL_IPV6_SUBNET'),
    ],
  },
];
