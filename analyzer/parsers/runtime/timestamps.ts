/**
 * Time formats of the runtime tools, all turned into ISO 8601 UTC (`toISOString`, millisecond
 * precision) so rules compare them with the snapshot's collection time as text:
 *
 *   docker inspect   "2019-03-01T08:42:23.123456789Z"   (never started: "0001-01-01T00:00:00Z")
 *   docker ps        "2019-03-01 16:42:23 +0800 CST"
 *   crictl -o json   "1689753090312964435"              (nanoseconds since the epoch, as a string)
 */

/** RFC 3339 text (any offset) to ISO UTC; Go's zero time and garbage become null. */
export function isoUtc(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  if (value.startsWith('0001-01-01')) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

const DOCKER_PS_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.\d+)? ([+-])(\d{2})(\d{2})(?: \S+)?$/;

/** `docker ps` CreatedAt ("2019-03-01 16:42:23 +0800 CST") to ISO UTC. */
export function dockerPsTime(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = DOCKER_PS_TIME.exec(value.trim());
  if (!m) return isoUtc(value);
  return isoUtc(`${m[1]}T${m[2]}${m[3]}${m[4]}:${m[5]}`);
}

/** crictl timestamps: nanoseconds since the epoch (number or digit string), or RFC 3339 text. */
export function criTime(value: unknown): string | null {
  if (typeof value === 'number' && value > 0) return new Date(Math.floor(value / 1e6)).toISOString();
  if (typeof value === 'string' && /^\d+$/.test(value)) {
    if (/^0+$/.test(value)) return null;
    // the value does not fit a double exactly; milliseconds are what we keep anyway
    const ms = value.length > 6 ? Number(value.slice(0, -6)) : 0;
    return new Date(ms).toISOString();
  }
  return isoUtc(value);
}
