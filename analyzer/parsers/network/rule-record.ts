import type { Row } from '../types.js';
import { bit } from './common/flags.js';
import { tableName } from './route-record.js';

/** One policy routing rule (the columns of the ip_rules table). */
export interface RuleRecord {
  priority: number | null;
  negate: boolean;
  src: string | null;
  dst: string | null;
  tos: string | null;
  fwmark: string | null;
  iif: string | null;
  oif: string | null;
  ipproto: string | null;
  sport: string | null;
  dport: string | null;
  uidrange: string | null;
  action: string | null;
  table: string | null;
  gotoPriority: number | null;
  suppressPrefixlength: number | null;
  raw: string;
}

export function newRule(raw: string): RuleRecord {
  return {
    priority: null,
    negate: false,
    src: null,
    dst: null,
    tos: null,
    fwmark: null,
    iif: null,
    oif: null,
    ipproto: null,
    sport: null,
    dport: null,
    uidrange: null,
    action: null,
    table: null,
    gotoPriority: null,
    suppressPrefixlength: null,
    raw,
  };
}

export function ruleRow(r: RuleRecord): Row {
  const family = (r.src ?? '').includes(':') || (r.dst ?? '').includes(':') ? 'inet6' : 'inet';
  const action = r.action ?? (r.table !== null ? 'lookup' : r.gotoPriority !== null ? 'goto' : 'nop');
  return {
    priority: r.priority,
    family,
    negate: bit(r.negate),
    src: r.src ?? 'all',
    dst: r.dst,
    tos: r.tos,
    fwmark: r.fwmark,
    iif: r.iif,
    oif: r.oif,
    ipproto: r.ipproto,
    sport: r.sport,
    dport: r.dport,
    uidrange: r.uidrange,
    action,
    rt_table: r.table === null ? null : tableName(r.table),
    goto_priority: r.gotoPriority,
    suppress_prefixlength: r.suppressPrefixlength,
    raw: r.raw,
  };
}
