import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ConfinedRoot } from './sysroot-fs.js';

export interface HostIdentity {
  hostname: string;
  machineId: string | null;
  utcOffset: string;
  timezone: string | null;
  root: boolean;
}

/** The node's identity and clock as the header records them; host files are read under the sysroot. */
export function hostIdentity(host: ConfinedRoot, at: Date): HostIdentity {
  return {
    hostname: hostname(),
    machineId: readTrimmed(host.hostPath('/etc/machine-id')),
    utcOffset: utcOffset(at),
    timezone: timezoneName(host),
    root: typeof process.geteuid === 'function' && process.geteuid() === 0,
  };
}

/** "+0800" for a clock eight hours ahead of UTC, "-0330" for Newfoundland. */
export function utcOffset(at: Date): string {
  const minutes = -at.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
}

/** Zone name from the /etc/localtime link (".../zoneinfo/Asia/Shanghai"), else /etc/timezone. */
function timezoneName(host: ConfinedRoot): string | null {
  try {
    const target = readlinkSync(host.hostPath('/etc/localtime'));
    const at = target.indexOf('zoneinfo/');
    if (at >= 0) return target.slice(at + 'zoneinfo/'.length);
  } catch {
    // not a link (a copied zone file) or absent
  }
  return readTrimmed(host.hostPath('/etc/timezone'));
}

function readTrimmed(path: string): string | null {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return text.length > 0 ? text : null;
  } catch {
    return null;
  }
}
