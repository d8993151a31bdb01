/**
 * Helpers of the runtime parsers: reading JSON values of docker, crictl and kubeconfigs into
 * columns; the row collector and text helpers are the shared ones, re-exported.
 */
export { RowSink } from '../shared/row-sink.js';
export { baseName, nodePathOf, splitLines, stripBom } from '../shared/text.js';

/** 0/1 for booleans, null for anything that is not a boolean. */
export function flag(value: unknown): 0 | 1 | null {
  return value === true ? 1 : value === false ? 0 : null;
}

export function str(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return null;
}

/** A string that is empty becomes null (docker and crictl print "" for unset fields). */
export function nonEmpty(value: unknown): string | null {
  const s = str(value);
  return s === null || s === '' ? null : s;
}

export function int(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return null;
}

/** JSON text of a value, or null when it is absent (undefined/null). */
export function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `key`, or an empty one: docker and crictl omit or null whole sections freely. */
export function obj(value: unknown, key: string): Record<string, unknown> {
  if (!isRecord(value)) return {};
  const v = value[key];
  return isRecord(v) ? v : {};
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
