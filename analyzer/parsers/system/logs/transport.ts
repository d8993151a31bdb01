/**
 * The prefix the log transport puts before an application's own line:
 *
 *   dmesg --time-format iso   2026-11-21T23:49:01,123456+00:00 nf_conntrack: table full, dropping packet
 *   dmesg                     [3456789.000123] nf_conntrack: table full, dropping packet
 *   journalctl -o short-iso   2026-11-21T23:49:01+0800 node-1 kubelet[1234]: E1121 23:49:01.889617    1234 ...
 *   journalctl -o short       Nov 21 23:49:01 node-1 kubelet[1234]: ...      (also /var/log/messages)
 *   docker logs --timestamps  2026-11-21T23:49:01.123456789Z I1121 23:49:01.123456       1 main.go:520] ...
 */
import { isoFromParts, isoFromStamp, monthIndex, yearOf } from '../common/clock.js';

export interface Transport {
  timestamp: string | null;
  /** Seconds since boot (plain dmesg). */
  sinceBoot: number | null;
  /** Syslog identifier of a journal line ("kubelet", "kernel"). */
  process: string | null;
  pid: number | null;
  /** The application's line, prefix removed. */
  text: string;
}

export interface TimeContext {
  /** Epoch ms of the collection, or null. */
  collected: number | null;
  /** The node's UTC offset in minutes, or null. */
  offset: number | null;
}

export type TransportReader = (line: string, time: TimeContext) => Transport | null;

const DMESG_ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2},\d+[+-]\d{2}:\d{2}) (.*)$/;
const DMESG_PLAIN = /^\[\s*(\d+\.\d+)\] ?(.*)$/;
const JOURNAL_ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:[+-]\d{2}:?\d{2}|Z)) (\S+) ([^\s:[]+)(?:\[(\d+)\])?: ?(.*)$/;
const SYSLOG_SHORT = /^([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\S+) ([^\s:[]+)(?:\[(\d+)\])?: ?(.*)$/;

function plain(text: string): Transport {
  return { timestamp: null, sinceBoot: null, process: null, pid: null, text };
}

function journalIso(line: string): Transport | null {
  const m = JOURNAL_ISO.exec(line);
  if (!m) return null;
  return { timestamp: isoFromStamp(m[1] as string), sinceBoot: null, process: m[3] as string, pid: m[4] ? Number(m[4]) : null, text: m[5] as string };
}

function syslogShort(line: string, time: TimeContext): Transport | null {
  const m = SYSLOG_SHORT.exec(line);
  if (!m) return null;
  const month = monthIndex(m[1] as string);
  if (month === undefined) return null;
  const day = Number((m[2] as string).trim());
  let timestamp: string | null = null;
  if (time.collected !== null && time.offset !== null) {
    timestamp = isoFromParts(yearOf(time.collected, month, day), month, day, Number(m[3]), Number(m[4]), Number(m[5]), '', time.offset);
  }
  return { timestamp, sinceBoot: null, process: m[7] as string, pid: m[8] ? Number(m[8]) : null, text: m[9] as string };
}

/** A journal line in short-iso, or the classic syslog form. */
export const readJournal: TransportReader = (line, time) => {
  const c = line.charCodeAt(0);
  if (c >= 48 && c <= 57) return journalIso(line);
  return syslogShort(line, time);
};

/** A kernel log line in any of dmesg's or journalctl -k's forms. */
export const readKernel: TransportReader = (line, time) => {
  const c = line.charCodeAt(0);
  if (c === 91 /* [ */) {
    const m = DMESG_PLAIN.exec(line);
    if (m) return { timestamp: null, sinceBoot: Number(m[1]), process: null, pid: null, text: m[2] as string };
    return null;
  }
  if (c >= 48 && c <= 57) {
    // dmesg's stamp has a comma fraction, journalctl's short-iso none: "host ident:" could follow either
    const m = DMESG_ISO.exec(line);
    if (m) return { timestamp: isoFromStamp(m[1] as string), sinceBoot: null, process: null, pid: null, text: m[2] as string };
    return journalIso(line);
  }
  return syslogShort(line, time);
};

/** A `docker logs --timestamps` line: the stamp is everything before the first blank. */
export const readDockerTimestamp: TransportReader = (line) => {
  const c = line.charCodeAt(0);
  if (c < 48 || c > 57 || line.charCodeAt(10) !== 84 /* T */) return null;
  const space = line.indexOf(' ');
  const timestamp = isoFromStamp(space < 0 ? line : line.slice(0, space));
  if (timestamp === null) return null;
  return { ...plain(space < 0 ? '' : line.slice(space + 1)), timestamp };
};
