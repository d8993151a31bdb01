#!/bin/sh
# Regenerates the captures of the pcap/ rule fixtures that test/fixtures/pcap does not have, from
# real traffic between network namespaces (needs root, iproute2, iptables, tcpdump 4.99+, python3).
# Everything it creates is deleted on exit; the traffic never leaves the namespaces.
#
# 1. The flannel path of the worker-1 sample, rebuilt with its names, indexes, MACs and addresses
#    (samples/nodes/worker-1), so the fixtures can start from that sample's routes and links:
#
#    rpod5 10.244.2.5 ─┐                                             ┌─ pod 10.244.1.7 (vethaff63609, index 6)
#    rpod9 10.244.2.9 ─┴ w2 cni0 10.244.2.1 ─ flannel.1 ═ VXLAN 8472 ═ w1 flannel.1 (4) ─ cni0 (5) 10.244.1.1
#                        w2 eth0 192.168.10.22 ───────────────────────── w1 eth0 (2) 192.168.10.21
#
#    captured on w1's eth0, flannel.1, cni0 and vethaff63609 at once (and with tcpdump -i any):
#      - 10.244.2.5 -> 10.244.1.7:8080 HTTP (remote pod to local pod, through the tunnel)
#      - 10.244.1.7 -> 10.101.37.214:80 (the shop/checkout service VIP, DNAT to 10.244.2.9:8080)
#      - 10.244.1.7 -> 192.168.10.22:8081 (leaves the pod network: flannel's MASQUERADE --random-fully)
#    path-loss.../quiet-flow-reaches-pod: as is;  .../fires-*: w1 drops what it forwards to 10.244.1.7:8080
#    (seed 000 scenario 2: seen on eth0 and flannel.1, never on cni0)
#    mtu-blackhole.../fires-cni0-larger-than-overlay: cni0 and the pod raised to MTU 1500 (seed 003), a
#    bulk transfer to 10.244.2.9 captured on cni0, with w1's own ip link/addr/route output
#
# 2. Seed 001, conntrack INVALID -> RST: container 172.17.0.2 behind docker0 on node n (192.168.10.31,
#    docker's MASQUERADE) talks to 192.168.10.50:8000; the server sends a segment beyond the window
#    the client advertised; n marks it INVALID, does not un-NAT it and answers the unknown port with a
#    RST. Captured on n's eth0 (twice: see the comments there for what kernels since 6.1 do).
#
# 3. A bulk transfer from n to 192.168.10.50:9000 with 10% of the segments dropped at the server
#    (retransmissions, duplicate ACKs; no MTU problem: also mtu-blackhole's quiet-random-loss), and
#    the same transfer without loss.
#
# 4. Three TCP health checks from n that connect and abort with a RST before any data.
#
# Usage: make-captures.sh [flannel] [invalid] [loss] [abort]   (default: all; writes into the fixture
# folders beside it. Regenerated captures have new times, ports and loss counts: the expect.json
# files and rules/pcap/pcap-rules.test.ts hold numbers read from the committed ones.)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
RULES=$(cd "$HERE/.." && pwd)
TRAFFIC="python3 $HERE/../../../test/fixtures/pcap/traffic.py"
PEER="python3 $HERE/oow-peer.py"
P=nsnap-pr
NSS="$P-w1 $P-w2 $P-pod $P-rpod5 $P-rpod9 $P-c $P-n $P-s"
WWW=$(mktemp -d)
PIDS=""

cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null || true; done
  for n in $NSS; do ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$WWW"
}
trap cleanup EXIT INT TERM
for n in $NSS; do ip netns del "$n" 2>/dev/null || true; done

in_() { ns=$1; shift; ip netns exec "$P-$ns" "$@"; }
# bgin NS CMD...: a background server in a namespace, remembered for cleanup (ip netns exec execs
# the command itself, so $! is the server's pid; a shell function in the background would not be)
bgin() { ns=$1; shift; ip netns exec "$P-$ns" "$@" >/dev/null 2>&1 & PIDS="$PIDS $!"; }

# start_captures NS FILE:IFACE[:ARGS]... ; stop_captures
CAPS=""
start_captures() {
  ns=$1; shift
  for spec in "$@"; do
    file=${spec%%:*}; rest=${spec#*:}; iface=${rest%%:*}; extra=""
    [ "$rest" != "$iface" ] && extra=${rest#*:}
    mkdir -p "$(dirname "$file")"
    # --immediate-mode: without it the last ring block is lost when tcpdump is interrupted
    ip netns exec "$P-$ns" tcpdump --immediate-mode -U -n -i "$iface" $extra -w "$file" >/dev/null 2>&1 &
    CAPS="$CAPS $!"
  done
  sleep 1.5
}
stop_captures() {
  sleep 0.7
  for c in $CAPS; do kill -INT "$c"; done
  for c in $CAPS; do wait "$c" 2>/dev/null || true; done
  CAPS=""
}

PARTS=${*:-flannel invalid loss abort}
want() { case " $PARTS " in *" $1 "*) return 0;; *) return 1;; esac; }

for n in $NSS; do ip netns add "$n"; ip -n "$n" link set lo up; done

# ---------------------------------------------------------------- 1. worker-1's flannel path
flannel() {
  ip -n $P-w1 link add eth0 index 2 address 52:54:00:3a:01:11 type veth peer name eth0 index 2 address 52:54:00:3a:01:12 netns $P-w2
  for w in w1 w2; do
    ip -n $P-$w link set eth0 gso_max_segs 1
    in_ $w sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.disable_ipv6=1
  done
  ip -n $P-w1 addr add 192.168.10.21/24 dev eth0
  ip -n $P-w2 addr add 192.168.10.22/24 dev eth0
  ip -n $P-w1 link add flannel.1 index 4 address ae:61:0c:01:7d:21 mtu 1450 type vxlan id 1 local 192.168.10.21 dev eth0 dstport 8472 nolearning
  ip -n $P-w2 link add flannel.1 index 4 address ae:61:0c:02:7d:22 mtu 1450 type vxlan id 1 local 192.168.10.22 dev eth0 dstport 8472 nolearning
  ip -n $P-w1 link add cni0 index 5 address 6a:1f:b2:01:04:9c mtu 1450 type bridge
  ip -n $P-w2 link add cni0 index 5 address 6a:1f:b2:02:04:9c mtu 1450 type bridge
  ip -n $P-w1 addr add 10.244.1.0/32 dev flannel.1
  ip -n $P-w2 addr add 10.244.2.0/32 dev flannel.1
  ip -n $P-w1 addr add 10.244.1.1/24 dev cni0
  ip -n $P-w2 addr add 10.244.2.1/24 dev cni0
  # pods: host side veth on the bridge, eth0 inside with the gateway on cni0
  pod() { node=$1; ns=$2; veth=$3; index=$4; addr=$5; gw=$6
    ip -n $P-$node link add "$veth" index "$index" mtu 1450 type veth peer name eth0 netns $P-$ns
    ip -n $P-$node link set "$veth" master cni0 up
    ip -n $P-$node link set "$veth" gso_max_segs 1
    ip -n $P-$ns link set eth0 mtu 1450 gso_max_segs 1 up
    ip -n $P-$ns addr add "$addr/24" dev eth0
    ip -n $P-$ns route add default via "$gw"
  }
  pod w1 pod vethaff63609 6 10.244.1.7 10.244.1.1
  pod w2 rpod5 veth5a1c2e07 6 10.244.2.5 10.244.2.1
  pod w2 rpod9 veth9b3d4f18 7 10.244.2.9 10.244.2.1
  for w in w1 w2; do for d in eth0 flannel.1 cni0; do ip -n $P-$w link set "$d" up; done; done
  ip -n $P-w1 route add default via 192.168.10.1 dev eth0 onlink
  ip -n $P-w2 route add default via 192.168.10.1 dev eth0 onlink
  # flanneld's vxlan programming: route, neighbour and fdb entry per remote subnet
  ip -n $P-w1 route add 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink
  ip -n $P-w1 neigh add 10.244.2.0 lladdr ae:61:0c:02:7d:22 dev flannel.1 nud permanent
  bridge -n $P-w1 fdb append ae:61:0c:02:7d:22 dev flannel.1 dst 192.168.10.22 self permanent
  ip -n $P-w2 route add 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink
  ip -n $P-w2 neigh add 10.244.1.0 lladdr ae:61:0c:01:7d:21 dev flannel.1 nud permanent
  bridge -n $P-w2 fdb append ae:61:0c:01:7d:21 dev flannel.1 dst 192.168.10.21 self permanent
  # kube-proxy's DNAT of shop/checkout:http to the endpoint on w2, and flannel's masquerade (as in the sample)
  in_ w1 iptables -t nat -A PREROUTING -d 10.101.37.214/32 -p tcp --dport 80 -j DNAT --to-destination 10.244.2.9:8080
  in_ w1 iptables -t nat -A POSTROUTING -s 10.244.1.0/24 -d 10.244.0.0/16 -j RETURN
  in_ w1 iptables -t nat -A POSTROUTING -s 10.244.0.0/16 -d 10.244.1.0/24 -j RETURN
  in_ w1 iptables -t nat -A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE --random-fully

  printf '<html><body>checkout</body></html>\n' > "$WWW/index.html"
  bgin pod python3 -m http.server 8080 --bind 0.0.0.0 --directory "$WWW"
  bgin rpod9 python3 -m http.server 8080 --bind 0.0.0.0 --directory "$WWW"
  bgin w2 python3 -m http.server 8081 --bind 0.0.0.0 --directory "$WWW"
  sleep 1.5
  # warm up ARP and the bridge so the captures hold only the flows themselves
  in_ rpod5 $TRAFFIC get http://10.244.1.7:8080/ >/dev/null
  in_ pod $TRAFFIC get http://10.101.37.214/ http://192.168.10.22:8081/ >/dev/null

  # a node is never silent: its peer's pings keep the captures running past the flows under test, so
  # the last of them are not within a second of the end (what a rule cannot judge)
  node_chatter() { sleep 1.5; in_ w2 $TRAFFIC ping 192.168.10.21 1; }
  worker_traffic() {
    in_ rpod5 $TRAFFIC get http://10.244.1.7:8080/ 2>/dev/null || true
    in_ pod $TRAFFIC get http://10.101.37.214/ http://192.168.10.22:8081/
    node_chatter
  }

  PL=$RULES/path-loss-between-interfaces.fixtures
  OK=$PL/quiet-flow-reaches-pod/pcap
  start_captures w1 "$OK/eth0.pcap:eth0" "$OK/flannel.1.pcap:flannel.1" "$OK/cni0.pcap:cni0" "$OK/vethaff63609.pcap:vethaff63609"
  worker_traffic
  stop_captures

  in_ w1 iptables -A FORWARD -d 10.244.1.7/32 -p tcp --dport 8080 -j DROP
  LOST=$PL/fires-lost-between-flannel-and-cni0/pcap
  ANY=$PL/fires-any-interface-capture/pcap
  start_captures w1 "$LOST/eth0.pcap:eth0" "$LOST/flannel.1.pcap:flannel.1" "$LOST/cni0.pcap:cni0" "$LOST/vethaff63609.pcap:vethaff63609" "$ANY/any.pcap:any"
  in_ rpod5 $TRAFFIC connect 10.244.1.7 8080 3.5 || true
  in_ pod $TRAFFIC get http://10.101.37.214/ http://192.168.10.22:8081/
  node_chatter
  stop_captures
  in_ w1 iptables -D FORWARD -d 10.244.1.7/32 -p tcp --dport 8080 -j DROP

  # seed 003 / the worker-2 sample: cni0 and the pods at MTU 1500 in front of flannel.1 at 1450 (on
  # both nodes, so each end announces MSS 1460); w1 answers the pod's full-size segments with ICMP
  # fragmentation needed (mtu 1450)
  MTU=$RULES/mtu-blackhole.fixtures/fires-cni0-larger-than-overlay
  for d in "w1 cni0" "w1 vethaff63609" "pod eth0" "w2 cni0" "w2 veth9b3d4f18" "rpod9 eth0"; do
    set -- $d
    ip -n $P-$1 link set "$2" mtu 1500
  done
  bgin rpod9 $TRAFFIC discard 9000
  sleep 1
  start_captures w1 "$MTU/pcap/cni0.pcap:cni0:-s 128"
  in_ pod $TRAFFIC push 10.244.2.9 9000 20000 1.5
  node_chatter
  stop_captures
  mkdir -p "$MTU/ip-link" "$MTU/ip-addr" "$MTU/ip-route"
  in_ w1 ip -d -j link show > "$MTU/ip-link/ip-link.txt"
  in_ w1 ip -j addr show > "$MTU/ip-addr/ip-addr.txt"
  in_ w1 ip -4 -d -j route show table all > "$MTU/ip-route/ipv4.txt"
  in_ w1 ip -6 -d -j route show table all > "$MTU/ip-route/ipv6.txt"
}
want flannel && flannel

# ---------------------------------------------------------------- 2. conntrack INVALID -> RST
docker_node() {
  ip -n $P-n link add eth0 type veth peer name eth0 netns $P-s
  ip -n $P-n link add docker0 type bridge
  ip -n $P-n link add vethc1d2e3f type veth peer name eth0 netns $P-c
  ip -n $P-n link set vethc1d2e3f master docker0 up
  for d in "n eth0" "s eth0" "n vethc1d2e3f" "c eth0"; do set -- $d; ip -n $P-$1 link set "$2" gso_max_segs 1 up; done
  ip -n $P-n link set docker0 up
  ip -n $P-n addr add 192.168.10.31/24 dev eth0
  ip -n $P-s addr add 192.168.10.50/24 dev eth0
  ip -n $P-n addr add 172.17.0.1/16 dev docker0
  ip -n $P-c addr add 172.17.0.2/16 dev eth0
  ip -n $P-c route add default via 172.17.0.1
  in_ n sysctl -qw net.ipv4.ip_forward=1 net.netfilter.nf_conntrack_tcp_be_liberal=0
  in_ n iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
}
want invalid || want loss || want abort && docker_node

invalid() {
  RST=$RULES/tcp-resets.fixtures
  # the segment also acknowledges data the client never sent: INVALID on the spot, RST right after it
  bgin s $PEER server eth0 8000 1000000
  sleep 1
  start_captures n "$RST/fires-rst-after-out-of-window/pcap/eth0.pcap:eth0"
  in_ c $PEER client 192.168.10.50 8000
  stop_captures
  # what the node says about the trap: be_liberal=0 and no INVALID drop rule
  mkdir -p "$RST/fires-rst-after-out-of-window/sysctl" "$RST/fires-rst-after-out-of-window/iptables-save"
  in_ n sysctl -a > "$RST/fires-rst-after-out-of-window/sysctl/sysctl.txt" 2>/dev/null
  in_ n iptables-save -c > "$RST/fires-rst-after-out-of-window/iptables-save/iptables-save.txt"
  # only the sequence number is beyond the window: 6.x conntrack lets it through but its state of the
  # connection is now wrong, and the server's next ordinary ACK is the one found INVALID and reset
  bgin s $PEER server eth0 8001
  sleep 1
  start_captures n "$RST/fires-rst-later-in-flow-with-out-of-window-data/pcap/eth0.pcap:eth0"
  in_ c $PEER client 192.168.10.50 8001
  stop_captures

}
want invalid && invalid

# ---------------------------------------------------------------- 3. random loss, and none
loss() {
  bgin s $TRAFFIC discard 9000
  sleep 1
  RT=$RULES/tcp-retransmissions.fixtures
  start_captures n "$RT/quiet-clean-transfer/pcap/eth0.pcap:eth0:-s 96"
  in_ n $TRAFFIC push 192.168.10.50 9000 150000 1.5
  stop_captures
  in_ s iptables -A INPUT -p tcp --dport 9000 -m statistic --mode random --probability 0.1 -j DROP
  start_captures n "$RT/fires-random-loss/pcap/eth0.pcap:eth0:-s 96"
  in_ n $TRAFFIC push 192.168.10.50 9000 150000 3
  stop_captures
  # the same loss must not look like a path MTU black hole
  mkdir -p "$RULES/mtu-blackhole.fixtures/quiet-random-loss/pcap"
  cp "$RT/fires-random-loss/pcap/eth0.pcap" "$RULES/mtu-blackhole.fixtures/quiet-random-loss/pcap/eth0.pcap"
}
want loss && loss

# ---------------------------------------------------------------- 4. health checks that abort
# a TCP health check (HAProxy's tcp-check, many load balancers) connects and closes with SO_LINGER 0:
# SYN, SYN-ACK, ACK, RST from the client and no data; a healthy node sees plenty of them
abort() {
  bgin s python3 -m http.server 8002 --bind 0.0.0.0 --directory "$WWW"
  sleep 1
  start_captures n "$RULES/tcp-resets.fixtures/quiet-health-check-aborts/pcap/eth0.pcap:eth0"
  for i in 1 2 3; do
    in_ n python3 -c 'import socket, struct
s = socket.create_connection(("192.168.10.50", 8002), timeout=2)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()'
    sleep 0.3
  done
  stop_captures
}
want abort && abort

ls -l "$RULES"/*.fixtures/*/pcap/*
