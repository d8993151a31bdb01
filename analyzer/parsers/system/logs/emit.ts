/**
 * Turns the lines of one log section into log_lines rows: transport prefix first (journal,
 * dmesg, docker), then the application's own header (klog, logfmt...). A line without the
 * section's transport prefix continues the previous entry (multi-line messages, stack traces)
 * and inherits its time stamp and level.
 */
import type { Row } from '../../types.js';
import type { RowSink } from '../common/rows.js';
import { readPayload, type Level } from './payload.js';
import type { Section } from './sections.js';
import type { TimeContext, Transport, TransportReader } from './transport.js';

export interface SectionSpec {
  source: string;
  /** Reads the transport prefix; null when lines carry none (plain log files). */
  reader: TransportReader | null;
  time: TimeContext;
  /** Offset (minutes) for application stamps without a zone (klog); null when unknown. */
  payloadOffset: number | null;
  /** Called for every row added, with the transport fields (the kernel log looks for OOM kills). */
  onRow?: (row: Row, transport: Transport) => void;
}

/** journalctl's own lines: "-- Logs begin at ... --", "-- No entries --", "-- Reboot --", "-- Boot 4f2a... --". */
const JOURNAL_MARKER = /^-- .* --$/;
const BOOT_MARKER = /^-- (Reboot|Boot [0-9a-f]+) --$/;

export function emitSection(out: RowSink, lines: readonly string[], section: Section, spec: SectionSpec): void {
  let lastTimestamp: string | null = null;
  let lastLevel: Level = '';
  let lastProcess: string | null = null;
  let lastPid: number | null = null;
  for (let i = section.first; i < section.end; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    if (line.charCodeAt(0) === 45 /* - */ && JOURNAL_MARKER.test(line)) {
      // boots are worth a row (they explain gaps and restarts); the other markers are chatter
      if (BOOT_MARKER.test(line)) {
        out.add('log_lines', { source: spec.source, origin: section.origin, line_no: i + 1, timestamp: null, level: '', text: line, process: null, pid: null, since_boot_seconds: null });
      }
      continue;
    }

    let transport: Transport | null = spec.reader === null ? null : spec.reader(line, spec.time);
    let continuation = false;
    if (transport === null) {
      continuation = spec.reader !== null;
      transport = { timestamp: null, sinceBoot: null, process: null, pid: null, text: line };
    }
    const payload = continuation ? null : readPayload(transport.text, spec.time, spec.payloadOffset, transport.timestamp === null);
    let level: Level = payload?.level ?? '';
    let timestamp = transport.timestamp ?? payload?.timestamp ?? null;
    let process = transport.process;
    let pid = transport.pid;
    // a plain file's line without any header is a continuation too
    if (continuation || (spec.reader === null && level === '' && timestamp === null)) {
      timestamp = lastTimestamp;
      level = lastLevel;
      process = process ?? lastProcess;
      pid = pid ?? lastPid;
    }
    const row: Row = {
      source: spec.source,
      origin: section.origin,
      line_no: i + 1,
      timestamp,
      level,
      text: transport.text,
      process,
      pid,
      since_boot_seconds: transport.sinceBoot,
    };
    out.add('log_lines', row);
    spec.onRow?.(row, transport);
    lastTimestamp = timestamp;
    lastLevel = level;
    lastProcess = process;
    lastPid = pid;
  }
}
