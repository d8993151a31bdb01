import { printableName } from '../archive/member-name.js';

export type ErrorKind = 'input' | 'archive' | 'integrity' | 'parse' | 'limit';

/** One row of the `errors` table, as the loader reports it (and the rule engine reads it). */
export interface ErrorRecord {
  input: string;
  node: string;
  member: string | null;
  kind: ErrorKind;
  message: string;
  line: number | null;
}

/** One stderr line naming input, node and member; control characters are escaped (names come from untrusted archives). */
export function formatErrorLine(e: ErrorRecord): string {
  const where = e.member === null ? '' : ` ${printableName(e.member)}${e.line === null ? '' : `:${e.line}`}`;
  return `nodesnap: ${e.kind} error: ${printableName(e.input)} [${printableName(e.node)}]${where}: ${printableName(e.message)}`;
}
