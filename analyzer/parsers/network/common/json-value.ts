/** JSON as parsed, and small typed readers for the objects `ip -j` and `bridge -j` print. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field; numbers are given as their decimal text. */
export function str(o: JsonObject, key: string): string | null {
  const v = o[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return null;
}

/** An integer field; numeric strings ("0x10" excluded) are accepted. */
export function int(o: JsonObject, key: string): number | null {
  const v = o[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return null;
}

export function bool(o: JsonObject, key: string): boolean | null {
  const v = o[key];
  return typeof v === 'boolean' ? v : null;
}

/** iproute2 prints some flags as keys with a null value (`"router": null`, `"not": null`). */
export function hasKey(o: JsonObject, key: string): boolean {
  return Object.hasOwn(o, key);
}

export function strList(o: JsonObject, key: string): string[] {
  const v = o[key];
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const item of v) if (typeof item === 'string') out.push(item);
  return out;
}

export function obj(o: JsonObject, key: string): JsonObject | null {
  const v = o[key];
  return isObject(v) ? v : null;
}
