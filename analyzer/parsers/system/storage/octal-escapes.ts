/**
 * The kernel writes blanks, tabs, newlines and backslashes in /proc/mounts fields as octal
 * escapes: "/mnt/my\040disk" is "/mnt/my disk".
 */
export function decodeOctalEscapes(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
