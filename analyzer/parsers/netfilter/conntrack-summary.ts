/**
 * Keeps a large conntrack table affordable: a node may track a quarter of a million flows, and
 * loading every one as a row costs more than the rest of its snapshot. conntrack_entries keeps
 * the first MAX_CONNTRACK_ENTRIES flows of the dump (conntrack lists them in hash-bucket order,
 * so in effect a sample); conntrack_summary counts EVERY flow, per protocol, state and original
 * destination. Input is the rows of conntrack-flow.ts, e.g. (one flow):
 *
 *   { l3proto: 'ipv4', l4proto: 'tcp', state: 'TIME_WAIT', orig_dst: '10.96.45.3', orig_dport: 80,
 *     reply_src: '10.244.1.7', assured: 1, unreplied: 0, dnat: 1, snat: 0, ... }
 *
 * The groups are bounded too (MAX_CONNTRACK_GROUPS): the flows of destinations met
 * after that are counted in one row per protocol and state whose orig_dst and orig_dport are NULL,
 * so the counts always add up to the whole table.
 */
import type { Row } from '../types.js';

/** Flows loaded as conntrack_entries rows (a typical node's whole table fits). */
export const MAX_CONNTRACK_ENTRIES = 20_000;
/** Distinct (protocol, state, destination, port) groups of conntrack_summary before the rest are folded. */
export const MAX_CONNTRACK_GROUPS = 10_000;

interface Group {
  l3proto: string | null;
  l4proto: string | null;
  state: string | null;
  orig_dst: string | null;
  orig_dport: number | null;
  flows: number;
  entries: number;
  assured: number;
  unreplied: number;
  dnat: number;
  snat: number;
}

function text(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function sameGroup(g: Group, l3proto: string | null, l4proto: string | null, state: string | null, dst: string | null, dport: number | null): boolean {
  return g.orig_dport === dport && g.orig_dst === dst && g.state === state && g.l4proto === l4proto && g.l3proto === l3proto;
}

export class ConntrackSummary {
  /** Groups by destination address (then a short list: a destination has few ports and states); '' holds the NULL one. */
  private readonly byDestination = new Map<string, Group[]>();
  /** Groups of the destinations beyond the limit, by protocol and state. */
  private readonly others: Group[] = [];
  /** Every group in the order met. */
  private readonly groups: Group[] = [];
  private groupCount = 0;

  constructor(private readonly maxGroups = MAX_CONNTRACK_GROUPS) {}

  /** Counts one flow; `kept`: it is also a conntrack_entries row. */
  add(row: Row, kept: boolean): void {
    const l3proto = text(row.l3proto);
    const l4proto = text(row.l4proto);
    const state = text(row.state);
    const dst = text(row.orig_dst);
    const dport = typeof row.orig_dport === 'number' ? row.orig_dport : null;
    let list = this.byDestination.get(dst ?? '');
    let group = list?.find((g) => sameGroup(g, l3proto, l4proto, state, dst, dport));
    if (group === undefined) {
      if (this.groupCount < this.maxGroups) {
        this.groupCount++;
        group = this.newGroup(l3proto, l4proto, state, dst, dport);
        if (list === undefined) this.byDestination.set(dst ?? '', (list = []));
        list.push(group);
      } else {
        group = this.others.find((g) => sameGroup(g, l3proto, l4proto, state, null, null));
        if (group === undefined) this.others.push((group = this.newGroup(l3proto, l4proto, state, null, null)));
      }
    }
    group.flows++;
    if (kept) group.entries++;
    if (row.assured === 1) group.assured++;
    if (row.unreplied === 1) group.unreplied++;
    if (row.dnat === 1) group.dnat++;
    if (row.snat === 1) group.snat++;
  }

  private newGroup(l3proto: string | null, l4proto: string | null, state: string | null, dst: string | null, dport: number | null): Group {
    const group: Group = { l3proto, l4proto, state, orig_dst: dst, orig_dport: dport, flows: 0, entries: 0, assured: 0, unreplied: 0, dnat: 0, snat: 0 };
    this.groups.push(group);
    return group;
  }

  /** One conntrack_summary row per group, in the order the groups were met. */
  rows(): Row[] {
    return this.groups.map((g) => ({ ...g }));
  }
}
