import type { Parser, TextParser } from '../types.js';
import { parseBridgeFdbJson } from './bridge-fdb-json.js';
import { parseBridgeFdbText } from './bridge-fdb-text.js';
import { parseBridgeLinkJson } from './bridge-link-json.js';
import { parseBridgeLinkText } from './bridge-link-text.js';
import { jsonOrText } from './common/sniff.js';
import { parseHosts } from './hosts.js';
import { parseIpAddrJson } from './ip-addr-json.js';
import { parseIpAddrText } from './ip-addr-text.js';
import { parseIpLinkJson } from './ip-link-json.js';
import { parseIpLinkText } from './ip-link-text.js';
import { parseIpNeighJson } from './ip-neigh-json.js';
import { parseIpNeighText } from './ip-neigh-text.js';
import { parseIpRouteJson } from './ip-route-json.js';
import { parseIpRouteText } from './ip-route-text.js';
import { parseIpRuleJson } from './ip-rule-json.js';
import { parseIpRuleText } from './ip-rule-text.js';
import { parsePodNetns } from './pod-netns.js';
import { parseProcNetCounters } from './proc-net-counters.js';
import { parseResolvConf } from './resolv-conf.js';
import { parseSsListen } from './ss-listen.js';
import { parseSsSummary } from './ss-summary.js';
import { parseSsTcp } from './ss-tcp.js';

function text(parse: TextParser['parse']): TextParser {
  return { kind: 'text', parse };
}

/** Parsers of the network sources, by registry source name. */
export const PARSERS: Record<string, Parser> = {
  'ip-link': jsonOrText(parseIpLinkJson, parseIpLinkText),
  'ip-addr': jsonOrText(parseIpAddrJson, parseIpAddrText),
  'ip-route': jsonOrText(parseIpRouteJson, parseIpRouteText),
  'ip-rule': jsonOrText(parseIpRuleJson, parseIpRuleText),
  'ip-neigh': jsonOrText(parseIpNeighJson, parseIpNeighText),
  'bridge-fdb': jsonOrText(parseBridgeFdbJson, parseBridgeFdbText),
  'bridge-link': jsonOrText(parseBridgeLinkJson, parseBridgeLinkText),
  'ss-summary': text(parseSsSummary),
  'ss-listen': text(parseSsListen),
  'ss-tcp': text(parseSsTcp),
  'proc-net-netstat': text(parseProcNetCounters),
  'proc-net-snmp': text(parseProcNetCounters),
  'resolv-conf': text(parseResolvConf),
  hosts: text(parseHosts),
  'pod-netns': text(parsePodNetns),
};
