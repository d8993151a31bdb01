/**
 * The netfilter state planted in the live-node namespace: what kube-proxy (iptables mode) and
 * flannel leave on a node, in iptables-restore form. Shapes follow the seeds: a ClusterIP with
 * two endpoints (statistic probability 0.5), KUBE-MARK-MASQ / KUBE-POSTROUTING with the 0x4000
 * mark, flannel's MASQUERADE pair, plus a hand-made DNAT an operator added (seed 000) and a
 * FORWARD policy of DROP (docker's default that breaks pod traffic).
 */

/** Names the e2e tests look for in the collected iptables-save output. */
export const PLANTED_IPTABLES = {
  serviceChain: 'KUBE-SVC-3FNBBYIZCXANEL3B',
  endpointChains: ['KUBE-SEP-E3VN2RK7BFTPB2QU', 'KUBE-SEP-QWICKHRY75ZBMBDW'],
  probabilityRule: '-m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-E3VN2RK7BFTPB2QU',
  endpointDnat: '--to-destination 10.244.1.5:7777',
  manualDnat: '-A PREROUTING -d 10.200.36.6/32 -p tcp -m tcp --dport 3308 -j DNAT --to-destination 10.244.2.17:3309',
  forwardPolicy: ':FORWARD DROP',
  postroutingMasquerade: '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE',
} as const;

export const IPTABLES_RESTORE_INPUT = `*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-FORWARD - [0:0]
-A INPUT -j KUBE-FIREWALL
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A FORWARD -s 10.244.0.0/16 -j ACCEPT
-A FORWARD -d 10.244.0.0/16 -j ACCEPT
-A OUTPUT -j KUBE-FIREWALL
-A KUBE-FIREWALL -m comment --comment "kubernetes firewall for dropping marked packets" -m mark --mark 0x8000/0x8000 -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-3FNBBYIZCXANEL3B - [0:0]
:KUBE-SEP-E3VN2RK7BFTPB2QU - [0:0]
:KUBE-SEP-QWICKHRY75ZBMBDW - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A PREROUTING -d 10.200.36.6/32 -p tcp -m tcp --dport 3308 -j DNAT --to-destination 10.244.2.17:3309
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A POSTROUTING -s 10.244.0.0/16 -d 10.244.0.0/16 -j RETURN
-A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE --random-fully
-A POSTROUTING ! -s 10.244.0.0/16 -d 10.244.1.0/24 -j RETURN
-A POSTROUTING ! -s 10.244.0.0/16 -d 10.244.0.0/16 -j MASQUERADE --random-fully
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE
-A KUBE-SERVICES ! -s 10.244.0.0/16 -d 10.96.0.55/32 -p tcp -m comment --comment "default/redis-cluster-proxy:proxy cluster IP" -m tcp --dport 7777 -j KUBE-MARK-MASQ
-A KUBE-SERVICES -d 10.96.0.55/32 -p tcp -m comment --comment "default/redis-cluster-proxy:proxy cluster IP" -m tcp --dport 7777 -j KUBE-SVC-3FNBBYIZCXANEL3B
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-SVC-3FNBBYIZCXANEL3B -m comment --comment "default/redis-cluster-proxy:proxy" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-E3VN2RK7BFTPB2QU
-A KUBE-SVC-3FNBBYIZCXANEL3B -m comment --comment "default/redis-cluster-proxy:proxy" -j KUBE-SEP-QWICKHRY75ZBMBDW
-A KUBE-SEP-E3VN2RK7BFTPB2QU -s 10.244.1.5/32 -m comment --comment "default/redis-cluster-proxy:proxy" -j KUBE-MARK-MASQ
-A KUBE-SEP-E3VN2RK7BFTPB2QU -p tcp -m comment --comment "default/redis-cluster-proxy:proxy" -m tcp -j DNAT --to-destination 10.244.1.5:7777
-A KUBE-SEP-QWICKHRY75ZBMBDW -s 10.244.2.9/32 -m comment --comment "default/redis-cluster-proxy:proxy" -j KUBE-MARK-MASQ
-A KUBE-SEP-QWICKHRY75ZBMBDW -p tcp -m comment --comment "default/redis-cluster-proxy:proxy" -m tcp -j DNAT --to-destination 10.244.2.9:7777
COMMIT
`;
