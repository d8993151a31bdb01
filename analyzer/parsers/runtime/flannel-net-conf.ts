/**
 * flannel's network config (net-conf.json of the kube-flannel-cfg ConfigMap, or
 * /etc/kube-flannel/net-conf.json):
 *
 *   {
 *     "Network": "10.244.0.0/16",
 *     "Backend": {
 *       "Type": "vxlan"
 *     }
 *   }
 *   (host-gw: "Backend": {"Type": "host-gw"}; vxlan may set "VNI": 1, "Port": 8472, "DirectRouting": true)
 */
import { flag, int, isRecord, nonEmpty, obj, type RowSink } from './rows.js';

export function addFlannelNetConf(sink: RowSink, path: string, doc: unknown, configMap: string | null): void {
  if (!isRecord(doc)) {
    sink.error(`${path}: flannel net-conf is not a JSON object`);
    return;
  }
  const backend = obj(doc, 'Backend');
  sink.add('flannel_net_conf', {
    path,
    config_map: configMap,
    network: nonEmpty(doc.Network),
    subnet_len: int(doc.SubnetLen),
    backend_type: nonEmpty(backend.Type),
    vni: int(backend.VNI),
    port: int(backend.Port),
    direct_routing: flag(backend.DirectRouting),
    enable_ipv6: flag(doc.EnableIPv6),
    ipv6_network: nonEmpty(doc.IPv6Network),
    raw: JSON.stringify(doc),
  });
}
