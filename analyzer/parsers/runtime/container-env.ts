/**
 * Container environment as key rows. Values are never stored, except for a short allow-list of
 * keys whose values are settings rather than data (time zone, locale, GPU selection), which
 * rules need (docker/container-timezone-mismatch, docker/gpu-runtime-missing). The collector has
 * already replaced values under secret-like keys by `<REDACTED>`; `redacted` records that.
 *
 *   "Env": ["PATH=/usr/local/sbin:/usr/bin", "TZ=Asia/Shanghai", "MYSQL_ROOT_PASSWORD=<REDACTED>", "NO_VALUE"]
 */
import type { RowSink } from './rows.js';

export const REDACTED_MARKER = '<REDACTED>';

/** Keys whose values are kept. */
export const ENV_VALUE_ALLOW_LIST: ReadonlySet<string> = new Set([
  'TZ',
  'LANG',
  'LC_ALL',
  'NVIDIA_VISIBLE_DEVICES',
  'NVIDIA_DRIVER_CAPABILITIES',
  'NVIDIA_REQUIRE_CUDA',
  'CUDA_VERSION',
  'KUBERNETES_SERVICE_HOST',
  'KUBERNETES_SERVICE_PORT',
]);

export function isRedacted(value: string): boolean {
  return value.includes(REDACTED_MARKER);
}

export function addEnvRow(sink: RowSink, containerId: string, key: string, value: string | null): void {
  const redacted = value !== null && isRedacted(value);
  sink.add('container_env', {
    container_id: containerId,
    key,
    has_value: value !== null && value !== '' ? 1 : 0,
    redacted: redacted ? 1 : 0,
    value: value !== null && !redacted && ENV_VALUE_ALLOW_LIST.has(key) ? value : null,
  });
}

/** `KEY=value` strings (docker Config.Env, an OCI spec's process.env). */
export function addEnvList(sink: RowSink, containerId: string, env: unknown): Map<string, string | null> {
  const seen = new Map<string, string | null>();
  if (!Array.isArray(env)) return seen;
  for (const entry of env) {
    if (typeof entry !== 'string' || entry === '') continue;
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    const value = eq < 0 ? null : entry.slice(eq + 1);
    seen.set(key, value);
    addEnvRow(sink, containerId, key, value);
  }
  return seen;
}
