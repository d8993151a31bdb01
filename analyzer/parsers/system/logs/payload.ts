/**
 * Level and time stamp of an application's own log line, in the formats node components use:
 *
 *   klog (kubelet, kube-proxy, flanneld, apiserver)  E0510 17:43:56.892945  790992 reflector.go:178] Failed to list ...
 *   logrus logfmt (dockerd, containerd)               time="2026-11-21T23:49:01.123456789+08:00" level=error msg="..."
 *   zap JSON (etcd >= 3.4)                            {"level":"warn","ts":"2026-11-21T15:49:01.123Z","msg":"..."}
 *   capnslog (etcd 3.3)                               2026-11-21 15:49:01.123456 W | etcdserver: ...
 *   bracketed (coredns)                               [ERROR] plugin/errors: 2 example.com. A: read udp ...
 *   Go log                                            2026/11/21 23:49:01 ...
 *
 * klog, capnslog and Go log stamps have no zone (klog not even a year): they are read at the
 * offset the caller gives (the node's for host files), and only when the transport has no stamp.
 */
import { isoFromParts, isoFromStamp, yearOf } from '../common/clock.js';
import type { TimeContext } from './transport.js';

export type Level = 'debug' | 'info' | 'warning' | 'error' | 'fatal' | '';

export interface Payload {
  level: Level;
  timestamp: string | null;
}

const LEVEL_WORDS: Readonly<Record<string, Level>> = {
  trace: 'debug',
  debug: 'debug',
  dbug: 'debug',
  info: 'info',
  notice: 'info',
  warn: 'warning',
  warning: 'warning',
  error: 'error',
  err: 'error',
  fatal: 'fatal',
  panic: 'fatal',
  dpanic: 'fatal',
  crit: 'fatal',
  critical: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
};

export function levelOfWord(word: string): Level {
  return LEVEL_WORDS[word.toLowerCase()] ?? '';
}

const KLOG_LEVEL: Readonly<Record<string, Level>> = { I: 'info', W: 'warning', E: 'error', F: 'fatal' };
const CAPNSLOG_LEVEL: Readonly<Record<string, Level>> = { D: 'debug', I: 'info', N: 'info', W: 'warning', E: 'error', C: 'fatal' };

const KLOG = /^([IWEF])(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{1,9})\s+\d+ [^\]\s]*\]/;
const CAPNSLOG = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?) ([DINWEC]) \| /;
const BRACKETED = /^\[(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|PANIC|CRIT|CRITICAL)\]/;
const GO_LOG = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? /;
const LOGFMT_LEVEL = /(?:^|\s)(?:level|lvl)=("?)([A-Za-z]+)\1(?=\s|$)/;
const LOGFMT_TIME = /(?:^|\s)(?:time|ts)=(?:"([^"]*)"|(\S+))/;

const NONE: Payload = { level: '', timestamp: null };

function klog(text: string, time: TimeContext, zoneOffset: number | null, wantTimestamp: boolean): Payload | null {
  const m = KLOG.exec(text);
  if (!m) return null;
  let timestamp: string | null = null;
  if (wantTimestamp && time.collected !== null && zoneOffset !== null) {
    const month = Number(m[2]) - 1;
    const day = Number(m[3]);
    timestamp = isoFromParts(yearOf(time.collected, month, day), month, day, Number(m[4]), Number(m[5]), Number(m[6]), m[7] as string, zoneOffset);
  }
  return { level: KLOG_LEVEL[m[1] as string] ?? '', timestamp };
}

function json(text: string): Payload | null {
  if (!text.includes('"level"') && !text.includes('"severity"') && !text.includes('"lvl"')) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null) return null;
  const rec = doc as Record<string, unknown>;
  const word = rec.level ?? rec.severity ?? rec.lvl;
  const level = typeof word === 'string' ? levelOfWord(word) : '';
  const ts = rec.ts ?? rec.time ?? rec.timestamp;
  let timestamp: string | null = null;
  if (typeof ts === 'string') timestamp = isoFromStamp(ts);
  // zap's default encoder writes epoch seconds as a float
  else if (typeof ts === 'number' && ts > 1e9 && ts < 1e11) timestamp = new Date(Math.round(ts * 1000)).toISOString();
  return { level, timestamp };
}

/**
 * The level and time stamp the line itself carries; `zoneOffset` is the offset (minutes) for
 * stamps without a zone, null when it is unknown. With `wantTimestamp` false (the transport had
 * one) klog stamps are not computed: they are the costly kind and would not be used.
 */
export function readPayload(text: string, time: TimeContext, zoneOffset: number | null, wantTimestamp = true): Payload {
  const c = text.charAt(0);
  if (c === 'I' || c === 'W' || c === 'E' || c === 'F') {
    const k = klog(text, time, zoneOffset, wantTimestamp);
    if (k) return k;
  }
  if (c === '{') return json(text) ?? NONE;
  if (c === '[') {
    const m = BRACKETED.exec(text);
    if (m) return { level: levelOfWord(m[1] as string), timestamp: null };
  }
  if (c >= '0' && c <= '9') {
    const cap = CAPNSLOG.exec(text);
    if (cap) return { level: CAPNSLOG_LEVEL[cap[2] as string] ?? '', timestamp: isoFromStamp(cap[1] as string, zoneOffset) };
    const go = GO_LOG.exec(text);
    if (go) {
      const timestamp =
        zoneOffset === null ? null : isoFromParts(Number(go[1]), Number(go[2]) - 1, Number(go[3]), Number(go[4]), Number(go[5]), Number(go[6]), go[7] ?? '', zoneOffset);
      const rest = text.slice(go[0].length);
      const lv = LOGFMT_LEVEL.exec(rest);
      return { level: lv ? levelOfWord(lv[2] as string) : '', timestamp };
    }
  }
  if (text.includes('level=') || text.includes('lvl=')) {
    const lv = LOGFMT_LEVEL.exec(text);
    if (lv) {
      const tm = LOGFMT_TIME.exec(text);
      return { level: levelOfWord(lv[2] as string), timestamp: tm ? isoFromStamp(tm[1] ?? tm[2] ?? '', zoneOffset) : null };
    }
  }
  return NONE;
}
