/**
 * Line handling shared by the system parsers: CRLF endings (files copied from Windows editors,
 * tools run through some ssh wrappers), a UTF-8 byte order mark, a final newline or none.
 */

/** Lines without terminators; the empty string after a final newline is dropped. */
export function splitLines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body === '') return [];
  const out = body.split('\n');
  if (out[out.length - 1] === '') out.pop();
  for (let i = 0; i < out.length; i++) {
    const line = out[i] as string;
    if (line.charCodeAt(line.length - 1) === 13) out[i] = line.slice(0, -1);
  }
  return out;
}

export function isBlank(text: string): boolean {
  return text.trim() === '';
}

/** Whitespace-separated words (spaces and tabs). */
export function words(line: string): string[] {
  const trimmed = line.trim();
  return trimmed === '' ? [] : trimmed.split(/[ \t]+/);
}

/** A decimal integer, or null; values beyond 2^53 stay exact as bigint. */
export function integer(text: string | undefined): number | bigint | null {
  if (text === undefined || !/^-?\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

/** A decimal number (integer or fraction), or null. */
export function decimal(text: string | undefined): number | null {
  if (text === undefined || !/^[-+]?(\d+\.?\d*|\.\d+)$/.test(text)) return null;
  return Number(text);
}

/** The last path segment. */
export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** The node path of a file member: ctx.path, or the member minus its source folder. */
export function nodePathOf(ctx: { path?: string; member: string }): string {
  if (ctx.path) return ctx.path;
  const slash = ctx.member.indexOf('/');
  return slash < 0 ? ctx.member : ctx.member.slice(slash);
}
