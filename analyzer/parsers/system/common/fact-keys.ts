/**
 * node_facts keys the system parsers add besides the well-known FACT keys (types.ts). They are
 * context for people and rules; the loader does not summarise them into the nodes table.
 */
export const SYSTEM_FACT = {
  kernelName: 'kernel.name',
  unameNodename: 'uname.nodename',
  osName: 'os.name',
  osVersion: 'os.version',
  /** The text of /etc/redhat-release ("CentOS Linux release 7.9.2009 (Core)"); the only identity on CentOS 6. */
  redhatRelease: 'os.redhat_release',
  clockAbbreviation: 'clock.abbreviation',
  /** The node's clock (seconds since the epoch) when the timezone item ran: compare with collectedAt. */
  clockEpoch: 'clock.epoch',
  /** Target of the /etc/localtime symlink. */
  clockLocaltime: 'clock.localtime',
  /** Signed seconds the system clock is ahead (+) or behind (-) NTP time, from chrony. */
  clockOffsetSeconds: 'clock.offset_seconds',
  /** 'active' | 'inactive' from timedatectl (NTP service / NTP enabled). */
  clockNtpService: 'clock.ntp_service',
  uptimeIdleSeconds: 'uptime.idle_seconds',
} as const;
