/**
 * Time stamps as the node's tools print them, all turned into ISO 8601 UTC with millisecond
 * precision (`Date.toISOString`), the form the snapshot's collectedAt has, so rules compare
 * them as text:
 *
 *   dmesg --time-format iso   2026-11-21T23:49:01,123456+00:00
 *   journalctl -o short-iso   2026-11-21T23:49:01+0800   (newer systemd: +08:00)
 *   docker logs --timestamps  2026-11-21T23:49:01.123456789Z
 *   ps lstart                 Sat Nov 21 23:49:01 2026   (local time, no zone)
 *   klog header               I1121 23:49:01.123456      (no year, no zone)
 */

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

/** Month index (0-11) of an English three-letter month name, or undefined. */
export function monthIndex(name: string): number | undefined {
  return MONTHS[name];
}

/** Minutes east of UTC of "+0800", "+08:00", "-05", "Z"; null when unreadable or empty. */
export function offsetMinutes(text: string): number | null {
  if (text === 'Z' || text === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? '0');
  if (minutes > 18 * 60) return null;
  return m[1] === '-' ? -minutes : minutes;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month0: number): number {
  if (month0 !== 1) return DAYS_IN_MONTH[month0] as number;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** Milliseconds of a fraction given as its digits ("123456789" -> 123). */
function fractionMs(fraction: string): number {
  if (fraction === '') return 0;
  return Number((fraction + '00').slice(0, 3));
}

function inRange(year: number, month0: number, day: number, hour: number, minute: number, second: number): boolean {
  return month0 >= 0 && month0 <= 11 && day >= 1 && day <= daysInMonth(year, month0) && hour <= 23 && minute <= 59 && second <= 60;
}

/**
 * ISO UTC of a wall-clock time at the given offset (minutes east of UTC); null when a field is
 * out of range (31 November is garbage, not 1 December). `fraction` is the digits after the
 * decimal point, of any length.
 */
export function isoFromParts(
  year: number,
  month0: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  fraction: string,
  offset: number,
): string | null {
  if (!inRange(year, month0, day, hour, minute, second)) return null;
  // a leap second (23:59:60) is kept inside its day
  const t = Date.UTC(year, month0, day, hour, minute, Math.min(second, 59), fractionMs(fraction)) - offset * 60_000;
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * ISO UTC of an RFC 3339-like stamp (comma or dot fraction, offset with or without a colon).
 * A stamp without a zone is read at `defaultOffset`; without one either, it is null.
 */
export function isoFromStamp(text: string, defaultOffset: number | null = null): string | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const offset = m[8] === undefined ? defaultOffset : offsetMinutes(m[8]);
  if (offset === null) return null;
  const year = Number(m[1]);
  const month0 = Number(m[2]) - 1;
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  const fraction = m[7] ?? '';
  if (offset === 0 && second < 60) {
    // UTC already (docker, containers): the ISO text is the stamp's own digits, no Date needed
    if (!inRange(year, month0, day, hour, minute, second)) return null;
    const ms = String(fractionMs(fraction)).padStart(3, '0');
    return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${ms}Z`;
  }
  return isoFromParts(year, month0, day, hour, minute, second, fraction, offset);
}

/**
 * The year of a stamp that has none (klog, syslog): the collection year, or the one before
 * when that would put the stamp more than a day after the collection (a log from December
 * read in January).
 */
export function yearOf(collectedAtMs: number, month0: number, day: number): number {
  const year = new Date(collectedAtMs).getUTCFullYear();
  const candidate = Date.UTC(year, month0, day);
  return candidate - collectedAtMs > 86_400_000 ? year - 1 : year;
}

/** Epoch milliseconds of the collection time, or null when unknown. */
export function collectedAtMs(collectedAt: string): number | null {
  if (collectedAt === '') return null;
  const t = Date.parse(collectedAt);
  return Number.isNaN(t) ? null : t;
}
