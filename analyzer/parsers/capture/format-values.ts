/** Text forms of what captures hold: addresses (RFC 5952 for IPv6) and timestamps. */

export function formatAddress(buf: Buffer, offset: number, length: number): string {
  if (length === 4) return `${buf[offset]}.${buf[offset + 1]}.${buf[offset + 2]}.${buf[offset + 3]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((buf[offset + i]! << 8) | buf[offset + i + 1]!);
  // the longest run of two or more zero groups (the first one on a tie) becomes "::"
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

/** ISO 8601 UTC with microseconds from microseconds since the epoch; null when unknown or out of range. */
export function isoFromMicros(us: number): string | null {
  if (!Number.isFinite(us)) return null;
  const ms = Math.floor(us / 1000);
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return null;
  const micros = String(us - ms * 1000).padStart(3, '0');
  return `${date.toISOString().slice(0, 23)}${micros}Z`;
}

/** Unix seconds from microseconds; null when unknown. */
export function secondsFromMicros(us: number): number | null {
  return Number.isFinite(us) ? us / 1e6 : null;
}
