/**
 * `ip rule show` text (iproute 3.10 on CentOS 7, or any iproute2 without -j). Verbatim (6.1):
 *
 *   0:	from all lookup local
 *   100:	from 10.244.1.0/24 lookup 100
 *   200:	from all fwmark 0x4000/0x4000 lookup 100
 *   300:	from all to 10.0.0.0/8 iif cni0 lookup main
 *   400:	not from 192.168.80.0/24 oif eth0 lookup 100
 *   500:	from all tos 0x10 goto 32766
 *   600:	from 172.17.0.0/16 blackhole
 *   700:	from all ipproto tcp dport 8080 lookup 100
 *   800:	from all lookup main suppress_prefixlength 0
 *   32766:	from all lookup main
 */
import type { ParseContext, Rows } from '../types.js';
import { intOrNull } from './common/flags.js';
import { commandOutputLines, words } from './common/lines.js';
import { RowSink } from './common/row-sink.js';
import { newRule, ruleRow, type RuleRecord } from './rule-record.js';

const BARE_ACTIONS = new Set(['blackhole', 'prohibit', 'unreachable', 'nop']);

function ruleFromLine(line: string): RuleRecord | null {
  const colon = line.indexOf(':');
  if (colon <= 0) return null;
  const priority = intOrNull(line.slice(0, colon).trim());
  if (priority === null) return null;
  const r = newRule(line.trim());
  r.priority = priority;
  const w = words(line.slice(colon + 1));
  for (let i = 0; i < w.length; i++) {
    const word = w[i]!;
    const next = w[i + 1];
    switch (word) {
      case 'not':
        r.negate = true;
        break;
      case 'from':
        r.src = next ?? null;
        i++;
        break;
      case 'to':
        r.dst = next ?? null;
        i++;
        break;
      case 'tos':
      case 'dsfield':
        r.tos = next ?? null;
        i++;
        break;
      case 'fwmark':
        r.fwmark = next ?? null;
        i++;
        break;
      case 'iif':
        r.iif = next ?? null;
        i++;
        break;
      case 'oif':
        r.oif = next ?? null;
        i++;
        break;
      case 'ipproto':
        r.ipproto = next ?? null;
        i++;
        break;
      case 'sport':
        r.sport = next ?? null;
        i++;
        break;
      case 'dport':
        r.dport = next ?? null;
        i++;
        break;
      case 'uidrange':
        r.uidrange = next ?? null;
        i++;
        break;
      case 'lookup':
      case 'table':
        r.action = 'lookup';
        r.table = next ?? null;
        i++;
        break;
      case 'goto':
        r.action = 'goto';
        r.gotoPriority = intOrNull(next);
        i++;
        break;
      case 'suppress_prefixlength':
        r.suppressPrefixlength = intOrNull(next);
        i++;
        break;
      case 'suppress_ifgroup':
      case 'realms':
      case 'proto':
      case 'map-to':
      case 'tun_id':
        i++;
        break;
      default:
        if (BARE_ACTIONS.has(word)) r.action = word;
        break;
    }
  }
  return r;
}

export function parseIpRuleText(text: string, _ctx: ParseContext): Rows {
  const sink = new RowSink();
  const lines = commandOutputLines(text, sink);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '') continue;
    const r = ruleFromLine(line);
    if (r === null) sink.error(n + 1, `not a rule line: ${JSON.stringify(line.slice(0, 120))}`);
    else sink.add('ip_rules', ruleRow(r));
  }
  return sink.finish();
}
