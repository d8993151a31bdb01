/** Reads a member that holds one JSON object (docker info/version, crictl pods), tolerating a BOM and CRLF. */
import { readJsonValues } from './json-values.js';
import { isRecord, type RowSink } from './rows.js';

/**
 * The first JSON object of the text; anything unreadable goes to parse_errors. Throws when the
 * text holds no object at all, so the loader records the member as unparsable.
 */
export function readSingleObject(text: string, sink: RowSink, what: string): Record<string, unknown> | null {
  if (text.trim() === '') return null;
  const { values, errors } = readJsonValues(text);
  for (const e of errors) sink.error(e.message, e.line);
  const first = values.find((v) => isRecord(v.value));
  if (!first) throw new Error(`${what}: no JSON object in the output`);
  return first.value as Record<string, unknown>;
}
