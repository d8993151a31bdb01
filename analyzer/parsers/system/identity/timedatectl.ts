/**
 * `timedatectl show` (systemd >= 239), or `timedatectl status` where `show` is missing:
 *
 *   Timezone=Asia/Shanghai              NTP=yes
 *   LocalRTC=no                         NTPSynchronized=yes
 *
 *   (status, systemd >= 239)                 (status, CentOS 7 / systemd 219)
 *                Time zone: Asia/Shanghai (CST, +0800)        Time zone: Asia/Shanghai (CST, +0800)
 *   System clock synchronized: yes                          NTP enabled: yes
 *                NTP service: active                   NTP synchronized: yes
 *
 * Ubuntu 18.04's status says "systemd-timesyncd.service active: yes" for the NTP service.
 */
import { FACT, type TextParser } from '../../types.js';
import { SYSTEM_FACT } from '../common/fact-keys.js';
import { splitLines } from '../common/lines.js';
import { RowSink } from '../common/rows.js';

interface ClockState {
  synchronized?: string;
  ntpService?: string;
  timezone?: string;
}

/** Reads one line of either format into the state; false when the line says nothing we use. */
function readLine(line: string, state: ClockState): boolean {
  const eq = line.indexOf('=');
  const colon = line.indexOf(':');
  // `show` lines have no blank before '=', status lines align their label with spaces
  if (eq > 0 && (colon < 0 || eq < colon) && !/\s/.test(line.slice(0, eq))) {
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key === 'NTPSynchronized') state.synchronized = value;
    else if (key === 'NTP') state.ntpService = value;
    else if (key === 'Timezone') state.timezone = value;
    else return false;
    return true;
  }
  if (colon <= 0) return false;
  const label = line.slice(0, colon).trim();
  const value = line.slice(colon + 1).trim();
  switch (label) {
    case 'System clock synchronized':
    case 'NTP synchronized':
      state.synchronized = value;
      return true;
    case 'NTP service':
    case 'NTP enabled':
    case 'Network time on':
    case 'systemd-timesyncd.service active':
      state.ntpService = value;
      return true;
    case 'Time zone':
      state.timezone = value.split(' ')[0] ?? '';
      return true;
    default:
      return false;
  }
}

function yesNo(value: string | undefined): 0 | 1 | null {
  if (value === 'yes') return 1;
  if (value === 'no') return 0;
  return null;
}

/** 'active' | 'inactive' for the yes/no spellings, otherwise as printed ('n/a' when no NTP service exists). */
function serviceState(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  if (value === 'yes') return 'active';
  if (value === 'no') return 'inactive';
  return value;
}

export const timedatectlParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const out = new RowSink();
    const lines = splitLines(text);
    const state: ClockState = {};
    let understood = 0;
    for (const line of lines) if (readLine(line, state)) understood++;
    if (understood === 0) {
      if (lines.every((l) => l.trim() === '')) {
        out.error('empty input');
        return out.rows();
      }
      throw new Error(`no clock state in timedatectl output: ${lines.find((l) => l.trim() !== '')?.slice(0, 200)}`);
    }
    const synchronized = yesNo(state.synchronized);
    if (state.synchronized !== undefined && synchronized === null) out.error(`unexpected synchronized value: ${state.synchronized}`);
    const ntpService = serviceState(state.ntpService);
    out.add('clock_sync', {
      source: ctx.source,
      synchronized,
      ntp_service: ntpService,
      leap_status: null,
      offset_seconds: null,
      stratum: null,
      reference: null,
      timezone: state.timezone || null,
    });
    if (synchronized !== null) out.fact(ctx.source, FACT.clockSynchronized, synchronized === 1 ? 'yes' : 'no');
    out.fact(ctx.source, SYSTEM_FACT.clockNtpService, ntpService);
    return out.rows();
  },
};
