/**
 * `ip -j rule show` (iproute2 >= 4.17). Verbatim:
 *
 *   [{"priority":0,"src":"all","table":"local"},{"priority":100,"src":"10.244.1.0","srclen":24,"table":"100"},
 *    {"priority":200,"src":"all","fwmark":"0x4000","fwmask":"0x4000","table":"100"},
 *    {"priority":400,"not":null,"src":"192.168.80.0","srclen":24,"oif":"eth0","table":"100"},
 *    {"priority":500,"src":"all","tos":"0x10","goto":32766},
 *    {"priority":600,"src":"172.17.0.0","srclen":16,"action":"blackhole"},
 *    {"priority":700,"src":"all","ipproto":"tcp","dport":8080,"table":"100"},
 *    {"priority":800,"src":"all","table":"main","suppress_prefixlen":0}]
 */
import type { ParseContext, Rows } from '../types.js';
import { readJsonArray } from './common/json-array.js';
import { hasKey, int, isObject, str, type JsonObject } from './common/json-value.js';
import { RowSink } from './common/row-sink.js';
import { newRule, ruleRow, type RuleRecord } from './rule-record.js';

function prefix(o: JsonObject, addrKey: string, lenKey: string): string | null {
  const addr = str(o, addrKey);
  if (addr === null) return null;
  const len = int(o, lenKey);
  return len === null ? addr : `${addr}/${len}`;
}

/** "sport": 8080, or a range {"start": 1000, "end": 2000} / "1000-2000" depending on the version. */
function portSelector(o: JsonObject, key: string): string | null {
  const v = o[key];
  if (isObject(v)) {
    const start = int(v, 'start');
    const end = int(v, 'end');
    return start === null ? null : end === null || end === start ? String(start) : `${start}-${end}`;
  }
  return str(o, key);
}

function ruleFrom(o: JsonObject): RuleRecord {
  const r = newRule(JSON.stringify(o));
  r.priority = int(o, 'priority');
  r.negate = hasKey(o, 'not');
  r.src = prefix(o, 'src', 'srclen');
  r.dst = prefix(o, 'dst', 'dstlen');
  r.tos = str(o, 'tos') ?? str(o, 'dsfield');
  const mark = str(o, 'fwmark');
  const mask = str(o, 'fwmask');
  r.fwmark = mark === null ? null : mask === null ? mark : `${mark}/${mask}`;
  r.iif = str(o, 'iif');
  r.oif = str(o, 'oif');
  r.ipproto = str(o, 'ipproto');
  r.sport = portSelector(o, 'sport');
  r.dport = portSelector(o, 'dport');
  const uidStart = str(o, 'uid_start');
  const uidEnd = str(o, 'uid_end');
  r.uidrange = uidStart === null ? null : `${uidStart}-${uidEnd ?? uidStart}`;
  r.table = str(o, 'table');
  r.gotoPriority = int(o, 'goto');
  r.suppressPrefixlength = int(o, 'suppress_prefixlen') ?? int(o, 'suppress_prefixlength');
  const action = str(o, 'action');
  if (action !== null) r.action = action;
  return r;
}

export function parseIpRuleJson(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  for (const item of readJsonArray(text, sink)) {
    if (!isObject(item) || int(item, 'priority') === null) {
      sink.error(null, `JSON element is not a rule with a priority: ${JSON.stringify(item).slice(0, 120)}`);
      continue;
    }
    sink.add('ip_rules', ruleRow(ruleFrom(item)));
  }
  return sink.finish();
}
