import { col, type TableDef } from './types.js';

/** Tables the loader itself fills (not any one parser's). */
export const CORE_TABLES: TableDef[] = [
  {
    name: 'node_facts',
    description: 'Identity and version facts of a node, as key/value pairs from several sources (uname, os-release, docker version...). The nodes table summarises the well-known keys.',
    columns: [
      col('source', 'TEXT', 'Source the fact came from'),
      col('key', 'TEXT', 'Fact key, e.g. kernel.release, os.pretty_name, runtime.docker.version'),
      col('value', 'TEXT', 'Fact value as text'),
    ],
    indexes: [['key']],
  },
  {
    name: 'kube_components',
    description: 'Kubernetes and runtime components found on the node (kubelet, kube-proxy, kube-apiserver, kube-controller-manager, kube-scheduler, etcd, flanneld, dockerd, containerd): from running processes, static pod manifests and unit files.',
    columns: [
      col('component', 'TEXT', 'Component name: kubelet, kube-proxy, kube-apiserver, kube-controller-manager, kube-scheduler, etcd, flanneld, dockerd, containerd'),
      col('origin', 'TEXT', "Where it was seen: 'process', 'manifest' (static pod), 'unit' (systemd unit), 'env-file'"),
      col('pid', 'INTEGER', 'Process id when origin is process, else NULL'),
      col('path', 'TEXT', 'File it was read from (manifest, unit, env file), else NULL'),
      col('config_path', 'TEXT', 'Value of its --config / --kubeconfig style config file flag, when given'),
      col('args', 'TEXT', 'Full command line as collected (secrets already redacted by the collector)'),
    ],
    indexes: [['component']],
  },
  {
    name: 'component_flags',
    description: 'Command-line flags of the components in kube_components, one row per flag (--flag=value, --flag value and bare --flag all normalised).',
    columns: [
      col('component', 'TEXT', 'Component name as in kube_components'),
      col('origin', 'TEXT', "Same as kube_components.origin"),
      col('pid', 'INTEGER', 'Process id when origin is process, else NULL'),
      col('path', 'TEXT', 'File the flags came from, else NULL'),
      col('flag', 'TEXT', 'Flag name without leading dashes, e.g. tls-cert-file'),
      col('value', 'TEXT', "Flag value; 'true' for a bare boolean flag"),
    ],
    // pid: rules read the flags of one process at a time (20,000 processes on a large node)
    indexes: [['component', 'flag'], ['pid']],
  },
];
