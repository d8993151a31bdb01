import type { SqlValue } from '../db/node-rows.js';
import type { ParseContext } from '../parsers/types.js';
import type { ErrorKind } from './error-record.js';

/**
 * Messages between the loader and its parse thread (parse-worker-entry.ts). The loader reads the
 * archive and writes the database; the parse thread runs the parsers of one large node's members,
 * one member at a time in the order they were sent, and sends back rows ready for INSERT.
 */

/** Given to the parse thread at start. */
export interface ParseWorkerSetup {
  /** URL of a module exporting `registry: AnalyzerRegistry`; absent: the real parsers. */
  registryModule?: string;
}

export type ToParseWorker =
  /** A member to parse: its text follows in one 'text' message, or its bytes in 'chunk' messages and an 'end'. */
  | { type: 'begin'; id: number; source: string; ctx: ParseContext }
  | { type: 'text'; id: number; bytes: Uint8Array }
  | { type: 'chunk'; id: number; bytes: Uint8Array }
  /** No more bytes; `broken`: the archive failed midway (the parser's failure is then not its own). */
  | { type: 'end'; id: number; broken: boolean };

export type FromParseWorker =
  | { type: 'ready' }
  /** `count` rows of `table`, its columns in schema order (node_id excluded), row after row. */
  | { type: 'rows'; id: number; table: string; count: number; params: SqlValue[] }
  | { type: 'error'; id: number; kind: ErrorKind; message: string }
  /** A parse_errors row of the parser (a malformed line). */
  | { type: 'line'; id: number; message: string; line: number | null }
  /** Bytes of the member the parser has taken (flow control). */
  | { type: 'consumed'; id: number; bytes: number }
  | { type: 'done'; id: number; rows: number; parsed: 0 | 1 | null; failure: string | null; facts: [string, string][] };
