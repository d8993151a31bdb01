/**
 * Flattens a parsed config document (daemon.json, containerd's TOML, kubelet YAML) into
 * key/value rows a SQL rule can look up by path:
 *
 *   {"log-opts": {"max-size": "10m"}, "hosts": ["unix:///var/run/docker.sock"],
 *    "default-address-pools": [{"base": "172.80.0.0/16", "size": 24}]}
 *   ->  log-opts.max-size                  "10m"
 *       hosts                              ["unix:///var/run/docker.sock"]
 *       default-address-pools[0].base      "172.80.0.0/16"
 *       default-address-pools[0].size      24
 *
 * Objects are walked into; an array of scalars stays one row holding its JSON (so
 * `json_each(value)` lists it); an array holding objects is walked with [i] indexes. A key
 * segment that is not a plain word is double-quoted, as TOML writes it:
 * plugins."io.containerd.grpc.v1.cri".containerd.snapshotter.
 */
import { isRecord } from './rows.js';

export interface FlatEntry {
  key: string;
  /** JSON text of the value. */
  value: string;
  /** The value as plain text when it is a scalar (strings unquoted), else null. */
  text: string | null;
}

const PLAIN_SEGMENT = /^[A-Za-z0-9_-]+$/;

export function keySegment(name: string): string {
  return PLAIN_SEGMENT.test(name) ? name : JSON.stringify(name);
}

function toJson(value: unknown): string {
  // TOML dates and bigints are not JSON values; write them as strings
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null';
}

function scalarText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  return null;
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object' || value instanceof Date;
}

export function flatten(root: unknown, maxEntries = 20_000): FlatEntry[] {
  const out: FlatEntry[] = [];
  const walk = (value: unknown, key: string): void => {
    if (out.length >= maxEntries) return;
    if (isRecord(value) && !(value instanceof Date)) {
      const keys = Object.keys(value);
      if (keys.length === 0 && key !== '') out.push({ key, value: '{}', text: null });
      for (const k of keys) walk(value[k], key === '' ? keySegment(k) : `${key}.${keySegment(k)}`);
      return;
    }
    if (Array.isArray(value) && value.some((v) => !isScalar(v))) {
      value.forEach((v, i) => walk(v, `${key}[${i}]`));
      return;
    }
    out.push({ key, value: toJson(value), text: scalarText(value) });
  };
  walk(root, '');
  return out;
}
