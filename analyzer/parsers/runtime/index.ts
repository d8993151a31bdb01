import type { Parser } from '../types.js';
import { certsParser } from './certs.js';
import { cgroupCpuStatParser } from './cgroup-cpu-stat.js';
import { cniConfigParser } from './cni-config.js';
import { cniIpamParser } from './cni-ipam.js';
import { containerdConfigParser } from './containerd-config.js';
import { crictlInspectParser } from './crictl-inspect.js';
import { crictlPodsParser } from './crictl-pods.js';
import { crictlPsParser } from './crictl-ps.js';
import { daemonConfigParser } from './daemon-config.js';
import { devNvidiaParser } from './dev-nvidia.js';
import { dockerInfoParser } from './docker-info.js';
import { dockerInspectParser } from './docker-inspect.js';
import { dockerNetworkInspectParser } from './docker-network-inspect.js';
import { dockerPsParser } from './docker-ps.js';
import { dockerVersionParser } from './docker-version.js';
import { kubeVersionsParser } from './kube-versions.js';
import { flannelCniStateParser } from './flannel-cni-state.js';
import { flannelSubnetEnvParser } from './flannel-subnet-env.js';
import { kubeConfigsParser } from './kube-configs.js';
import { kubeconfigsParser } from './kubeconfigs.js';
import { nvidiaSmiParser } from './nvidia-smi.js';
import { overlay2DuParser } from './overlay2-du.js';
import { systemdUnitsParser } from './systemd-units.js';

/** Parsers of the runtime sources, by registry source name. */
export const PARSERS: Record<string, Parser> = {
  'docker-info': dockerInfoParser,
  'docker-version': dockerVersionParser,
  'kube-versions': kubeVersionsParser,
  'docker-ps': dockerPsParser,
  'docker-inspect': dockerInspectParser,
  'docker-network-inspect': dockerNetworkInspectParser,
  'docker-overlay2-du': overlay2DuParser,
  'crictl-pods': crictlPodsParser,
  'crictl-ps': crictlPsParser,
  'crictl-inspect': crictlInspectParser,
  'cgroup-cpu-stat': cgroupCpuStatParser,
  'nvidia-smi': nvidiaSmiParser,
  'dev-nvidia': devNvidiaParser,
  'docker-daemon-config': daemonConfigParser,
  'containerd-config': containerdConfigParser,
  'systemd-units': systemdUnitsParser,
  'kube-configs': kubeConfigsParser,
  kubeconfigs: kubeconfigsParser,
  certs: certsParser,
  'cni-config': cniConfigParser,
  'cni-ipam': cniIpamParser,
  'flannel-cni-state': flannelCniStateParser,
  'flannel-subnet-env': flannelSubnetEnvParser,
};
