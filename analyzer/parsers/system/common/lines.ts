/**
 * Line and number handling of the system parsers; splitting lines, base names and node paths are
 * the shared ones (analyzer/parsers/shared/text.ts).
 */
export { baseName, nodePathOf, splitLines } from '../../shared/text.js';

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
