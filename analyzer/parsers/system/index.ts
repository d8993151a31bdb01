import type { Parser } from '../types.js';
import { chronycParser } from './identity/chronyc.js';
import { hostnameParser } from './identity/hostname.js';
import { machineIdParser } from './identity/machine-id.js';
import { osReleaseParser } from './identity/os-release.js';
import { timedatectlParser } from './identity/timedatectl.js';
import { timezoneParser } from './identity/timezone.js';
import { unameParser } from './identity/uname.js';
import { uptimeParser } from './identity/uptime.js';
import { kernelConfigParser } from './kernel/kernel-config.js';
import { modulesBuiltinParser } from './kernel/modules-builtin.js';
import { procLoadavgParser } from './kernel/proc-loadavg.js';
import { procMeminfoParser } from './kernel/proc-meminfo.js';
import { procModulesParser } from './kernel/proc-modules.js';
import { procPressureParser } from './kernel/proc-pressure.js';
import { procVmstatParser } from './kernel/proc-vmstat.js';
import { sysModulesParser } from './kernel/sys-modules.js';
import { sysctlParser } from './kernel/sysctl.js';
import { containerLogsParser } from './logs/container-logs.js';
import { journalParser } from './logs/journal.js';
import { kernelLogParser } from './logs/kernel-log.js';
import { logFilesParser } from './logs/log-files.js';
import { psParser } from './process/ps.js';
import { blockQueueParser } from './storage/block-queue.js';
import { dfParser } from './storage/df.js';
import { lsblkParser } from './storage/lsblk.js';
import { procMountsParser } from './storage/proc-mounts.js';

/** Parsers of the system sources, by registry source name. */
export const PARSERS: Record<string, Parser> = {
  // identity and clock
  uname: unameParser,
  'os-release': osReleaseParser,
  hostname: hostnameParser,
  'machine-id': machineIdParser,
  timezone: timezoneParser,
  uptime: uptimeParser,
  timedatectl: timedatectlParser,
  chronyc: chronycParser,
  // kernel state
  sysctl: sysctlParser,
  'proc-modules': procModulesParser,
  'sys-modules': sysModulesParser,
  'modules-builtin': modulesBuiltinParser,
  'kernel-config': kernelConfigParser,
  'proc-vmstat': procVmstatParser,
  'proc-meminfo': procMeminfoParser,
  'proc-loadavg': procLoadavgParser,
  'proc-pressure': procPressureParser,
  // storage
  df: dfParser,
  'df-inodes': dfParser,
  'proc-mounts': procMountsParser,
  lsblk: lsblkParser,
  'block-queue': blockQueueParser,
  // processes
  ps: psParser,
  // logs
  'kernel-log': kernelLogParser,
  'log-kubelet': journalParser('kubelet'),
  'log-kube-proxy': journalParser('kube-proxy'),
  'log-flanneld': journalParser('flanneld'),
  'log-docker': journalParser('docker'),
  'log-containerd': journalParser('containerd'),
  'log-kubernetes-files': logFilesParser,
  'log-containers': containerLogsParser,
};
