/** The fields of one CNI plugin configuration that rules look at (bridge, host-local IPAM, flannel, portmap). */
import type { Row } from '../types.js';
import { arr, flag, int, isRecord, json, nonEmpty, obj } from './rows.js';

/** The subnet a host-local IPAM config hands addresses from: `subnet`, or the first of `ranges`. */
export function ipamSubnet(ipam: Record<string, unknown>): string | null {
  const direct = nonEmpty(ipam.subnet);
  if (direct) return direct;
  for (const set of arr(ipam.ranges)) {
    for (const range of arr(set)) if (isRecord(range) && nonEmpty(range.subnet)) return nonEmpty(range.subnet);
  }
  return null;
}

/** Columns shared by cni_plugins and flannel_cni_state. */
export function pluginColumns(plugin: Record<string, unknown>): Row {
  const ipam = obj(plugin, 'ipam');
  return {
    type: nonEmpty(plugin.type),
    bridge: nonEmpty(plugin.bridge),
    is_gateway: flag(plugin.isGateway),
    is_default_gateway: flag(plugin.isDefaultGateway),
    ip_masq: flag(plugin.ipMasq),
    hairpin_mode: flag(plugin.hairpinMode),
    mtu: int(plugin.mtu),
    ipam_type: nonEmpty(ipam.type),
    ipam_subnet: ipamSubnet(ipam),
    ipam_ranges: json(ipam.ranges),
    ipam_routes: json(ipam.routes),
  };
}
