/**
 * What every log parser does with a member: split it into lines, take its sections (the whole
 * member under one origin, or the `==> name <==` parts of a concatenated tail), cut each to its
 * last MAX_LINES_PER_ORIGIN lines and emit them as log_lines. The parsers differ only in the
 * transport prefix they read and the zone of application stamps.
 */
import type { ParseContext, Rows } from '../../types.js';
import { collectedAtMs, offsetMinutes } from '../common/clock.js';
import { splitLines } from '../common/lines.js';
import { RowSink } from '../common/rows.js';
import { emitSection, type SectionSpec } from './emit.js';
import { boundSection, MAX_LINES_PER_ORIGIN, tailSections } from './sections.js';
import type { TransportReader } from './transport.js';

export interface LogMember {
  /** The whole member is one origin of this name; null: it holds `==> name <==` sections. */
  origin: string | null;
  /** Reads the transport prefix; null when lines carry none (plain log files). */
  reader: TransportReader | null;
  /** Zone of application stamps that carry none (klog): the node's ('node'), UTC (0), or unknown (null). */
  payloadZone: 'node' | 0 | null;
  /** Made once per member with its sink: sees every row added (the kernel log looks for OOM kills). */
  watch?: (out: RowSink) => NonNullable<SectionSpec['onRow']>;
}

export function logMemberRows(text: string, ctx: ParseContext, member: LogMember): Rows {
  const out = new RowSink();
  const lines = splitLines(text);
  const time = { collected: collectedAtMs(ctx.collectedAt), offset: offsetMinutes(ctx.utcOffset) };
  const spec: SectionSpec = { source: ctx.source, reader: member.reader, time, payloadOffset: member.payloadZone === 'node' ? time.offset : member.payloadZone };
  if (member.watch) spec.onRow = member.watch(out);
  const sections = member.origin === null ? tailSections(lines) : [{ origin: member.origin, first: 0, end: lines.length }];
  for (const section of sections) emitSection(out, lines, boundSection(section, MAX_LINES_PER_ORIGIN, out), spec);
  return out.rows();
}
