/**
 * --since DURATION: how far back logs go. Accepted as <N>s, <N>m, <N>h or <N>d.
 * journalctl and docker disagree on the syntax (journalctl wants "-2h", docker wants a Go
 * duration without days), so the one value the user gives is rendered once per consumer.
 */
export interface SinceValue {
  /** What the user typed, recorded in the manifest. */
  text: string;
  /** Go duration (s, m or h; days become hours): the SINCE variable, for `docker logs --since`. */
  goDuration: string;
  /** systemd relative time ("-2h"): replaces `{since}` in a command's sinceArgs (journalctl --since). */
  systemdRelative: string;
}

const DURATION = /^([1-9][0-9]{0,6})([smhd])$/;

/** Parses a --since value; null when it is not a duration this collector accepts. */
export function parseSince(text: string): SinceValue | null {
  const match = DURATION.exec(text.trim());
  if (!match) return null;
  const amount = Number(match[1]);
  const unit = match[2] as 's' | 'm' | 'h' | 'd';
  const goDuration = unit === 'd' ? `${amount * 24}h` : `${amount}${unit}`;
  return { text: text.trim(), goDuration, systemdRelative: `-${goDuration}` };
}

/** argv with the item's sinceArgs appended, `{since}` replaced. */
export function withSinceArgs(argv: readonly string[], sinceArgs: readonly string[] | undefined, since: SinceValue | null): string[] {
  if (!since || !sinceArgs || sinceArgs.length === 0) return [...argv];
  return [...argv, ...sinceArgs.map((arg) => arg.split('{since}').join(since.systemdRelative))];
}
