/** Device flags as printed between angle brackets: `<BROADCAST,MULTICAST,UP,LOWER_UP>`. */
export function flagsOf(token: string): string[] {
  const inner = token.startsWith('<') ? token.slice(1, token.endsWith('>') ? -1 : undefined) : token;
  return inner === '' ? [] : inner.split(',');
}

export function bit(on: boolean): number {
  return on ? 1 : 0;
}

/** Comma-joined list, or null when empty. */
export function listOrNull(items: readonly string[]): string | null {
  return items.length === 0 ? null : items.join(',');
}

/** A decimal integer token, or null. */
export function intOrNull(token: string | undefined): number | null {
  if (token === undefined || token === '') return null;
  let i = token.charCodeAt(0) === 45 ? 1 : 0;
  if (i === token.length) return null;
  for (; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  return Number(token);
}
