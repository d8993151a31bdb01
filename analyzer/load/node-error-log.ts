import type { NodeRows } from '../db/node-rows.js';
import type { ErrorKind, ErrorRecord } from './error-record.js';

/**
 * Records the errors of one node: an `errors` row each, and the caller's callback (the CLI prints
 * a stderr line). Malformed-line reports of one member are capped so a garbage file of a million
 * lines does not become a million rows; the rest is counted in one summary row.
 */
export class NodeErrorLog {
  /** Set by anything but a malformed-line report: the node is then 'partial'. */
  degraded = false;
  count = 0;
  private readonly lineReports = new Map<string, number>();

  constructor(
    private readonly rows: NodeRows,
    private readonly input: string,
    public nodeName: string,
    private readonly onError: ((e: ErrorRecord) => void) | undefined,
    private readonly lineReportsPerMember: number,
  ) {}

  record(kind: ErrorKind, member: string | null, message: string, line: number | null = null): void {
    this.degraded = true;
    this.write({ input: this.input, node: this.nodeName, member, kind, message, line });
  }

  /** A parser's `parse_errors` row: the member was parsed, one line of it was not. */
  malformedLine(member: string, message: string, line: number | null): void {
    const seen = (this.lineReports.get(member) ?? 0) + 1;
    this.lineReports.set(member, seen);
    if (seen <= this.lineReportsPerMember) this.write({ input: this.input, node: this.nodeName, member, kind: 'parse', message, line });
  }

  /** Called when a member is done: one row tells how many malformed-line reports were left out. */
  endMember(member: string): void {
    const seen = this.lineReports.get(member) ?? 0;
    if (seen > this.lineReportsPerMember) {
      const more = seen - this.lineReportsPerMember;
      this.write({ input: this.input, node: this.nodeName, member, kind: 'parse', message: `${more} more malformed line(s) not recorded`, line: null });
    }
    this.lineReports.delete(member);
  }

  private write(e: ErrorRecord): void {
    this.count++;
    this.rows.addRecord('errors', { input: e.input, node: e.node, member: e.member, kind: e.kind, message: e.message, line: e.line });
    if (this.onError) {
      try {
        this.onError(e);
      } catch {
        // a failing callback must not lose the node
      }
    }
  }
}
