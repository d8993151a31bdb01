/**
 * Collects the rows one parser call produces, with `parse_errors` as the place for input that
 * could not be read, so each parser reads as "what goes where" rather than array bookkeeping.
 */
import type { Row, Rows } from '../types.js';

export class RowSink {
  private readonly tables: Rows = {};

  add(table: string, row: Row): void {
    (this.tables[table] ??= []).push(row);
  }

  /** A malformed part of the input; `line` is 1-based when the input has lines. */
  error(message: string, line?: number): void {
    this.add('parse_errors', line === undefined ? { message } : { line, message });
  }

  count(table: string): number {
    return this.tables[table]?.length ?? 0;
  }

  rows(): Rows {
    return this.tables;
  }
}

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

/** Text without a UTF-8 byte order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Lines of a text, with CRLF handled and the empty string after a final newline dropped. */
export function lines(text: string): string[] {
  const out = stripBom(text).split('\n');
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  for (let i = 0; i < out.length; i++) {
    const l = out[i] as string;
    if (l.endsWith('\r')) out[i] = l.slice(0, -1);
  }
  return out;
}

/** The node path of a file member: ctx.path, or the member minus its source folder. */
export function nodePath(ctx: { path?: string; member: string }): string {
  if (ctx.path) return ctx.path;
  const slash = ctx.member.indexOf('/');
  return slash < 0 ? ctx.member : ctx.member.slice(slash);
}

export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
