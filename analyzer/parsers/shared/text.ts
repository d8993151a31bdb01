/**
 * Text helpers every parser group needs: files and command output arrive with CRLF endings
 * (files copied from Windows editors, tools run through some ssh wrappers), a UTF-8 byte order
 * mark, a final newline or none.
 */

/** Text without a UTF-8 byte order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Lines without terminators (CR stripped); the empty string after a final newline is dropped. */
export function splitLines(text: string): string[] {
  const body = stripBom(text);
  if (body === '') return [];
  const out = body.split('\n');
  if (out[out.length - 1] === '') out.pop();
  for (let i = 0; i < out.length; i++) {
    const line = out[i] as string;
    if (line.charCodeAt(line.length - 1) === 13) out[i] = line.slice(0, -1);
  }
  return out;
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
