/**
 * Member names come from untrusted archives: they may try to climb out (`..`), be absolute, or
 * carry NUL and terminal control characters. Nothing is ever written to disk, but a name is
 * shown to people and used as a key, so it is checked once here.
 */

export type MemberNameCheck = { ok: true; parts: string[] } | { ok: false; reason: string };

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** The name with control characters shown as \xNN, safe for a terminal line or a report cell. */
export function printableName(name: string): string {
  return name.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Splits a raw member name into path components, refusing names that could not come from a collector. */
export function checkMemberName(raw: string): MemberNameCheck {
  if (raw.includes('\u0000')) return { ok: false, reason: 'member name contains a NUL byte' };
  if (raw.startsWith('/')) return { ok: false, reason: 'member name is an absolute path' };
  if (/^[A-Za-z]:[\\/]/.test(raw)) return { ok: false, reason: 'member name is an absolute path' };
  const parts: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue; // "./a", "a//b" and a directory's trailing "/"
    if (part === '..') return { ok: false, reason: 'member name contains ".." (path traversal)' };
    parts.push(part);
  }
  if (parts.length === 0) return { ok: false, reason: 'member name is empty' };
  return { ok: true, parts };
}
