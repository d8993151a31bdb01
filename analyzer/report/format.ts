/** Number, date and duration wording shared by the HTML, Markdown and JUnit outputs. */

const DAY_MS = 86_400_000;

/** 1234567 -> "1,234,567" (fixed locale: the report must not depend on the machine rendering it). */
export function formatCount(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 0.9412 -> "94%", 0.00012 -> "<1%"; one decimal between 99 and 100 so "full" is not overstated. */
export function formatPercent(ratio: number): string {
  const pct = ratio * 100;
  if (pct > 0 && pct < 1) return '<1%';
  if (pct > 99 && pct < 100) return `${(Math.floor(pct * 10) / 10).toFixed(1)}%`;
  return `${Math.round(pct)}%`;
}

/** ISO time -> "2026-11-20 08:15 UTC"; other text is returned as is. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Whole days from `from` to `to` (negative when `to` is earlier); null when either does not parse. */
export function daysBetween(from: string | null | undefined, to: string | null | undefined): number | null {
  if (!from || !to) return null;
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (Number.isNaN(a) || Number.isNaN(b)) return null;
  return Math.floor((b - a) / DAY_MS);
}

/** 12 -> "in 12 days", -3 -> "expired 3 days ago", 0 -> "today". */
export function formatDaysLeft(days: number): string {
  if (days === 0) return 'expires today';
  if (days < 0) return `expired ${formatCount(-days)} day${days === -1 ? '' : 's'} ago`;
  if (days >= 730) return `in ${Math.floor(days / 365)} years`;
  return `in ${formatCount(days)} day${days === 1 ? '' : 's'}`;
}

/** KiB -> "48.2 GiB". */
export function formatKib(kib: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = kib;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** "a, b, c and 4 more" */
export function listSome(items: readonly string[], max: number): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
