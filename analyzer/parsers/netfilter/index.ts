import type { Parser } from '../types.js';
import { conntrackStatsParser } from './conntrack-stats.js';
import { conntrackXmlParser } from './conntrack-xml.js';
import { iptablesSaveParser } from './iptables-save.js';
import { iptablesVersionParser } from './iptables-version.js';
import { ipsetSaveParser } from './ipset-save.js';
import { ipvsadmListParser } from './ipvsadm-list.js';
import { ipvsadmStatsParser } from './ipvsadm-stats.js';
import { ipvsadmTimeoutParser } from './ipvsadm-timeout.js';
import { procConntrackStatParser } from './proc-conntrack-stat.js';

/** Parsers of the netfilter sources, by registry source name. */
export const PARSERS: Record<string, Parser> = {
  'iptables-version': iptablesVersionParser,
  'iptables-save': iptablesSaveParser,
  'ip6tables-save': iptablesSaveParser,
  'iptables-legacy-save': iptablesSaveParser,
  'iptables-nft-save': iptablesSaveParser,
  ipset: ipsetSaveParser,
  ipvsadm: ipvsadmListParser,
  'ipvsadm-stats': ipvsadmStatsParser,
  'ipvsadm-timeout': ipvsadmTimeoutParser,
  'conntrack-stats': conntrackStatsParser,
  'proc-conntrack-stat': procConntrackStatParser,
  'conntrack-xml': conntrackXmlParser,
};
