import { col, type TableDef } from './types.js';

/*
 * Column names avoid SQL keywords so that queries need no quoting: the routing table is
 * `rt_table` (not `table`), an ip rule's from/to selectors are `src`/`dst`, and the counter group
 * of /proc/net/netstat is `mib` (not `group`).
 */

const FAMILY = "Address family: 'inet' (IPv4) or 'inet6' (IPv6)";

const LINKS: TableDef = {
  name: 'links',
  description:
    'Network devices of the host network namespace (ip -d link show; JSON or text). One row per device. Pod-side devices are in pod_netns.',
  columns: [
    col('ifindex', 'INTEGER', 'Interface index'),
    col('name', 'TEXT', "Device name without the @peer suffix of the text output, e.g. 'flannel.1', 'veth28b04daf'"),
    col('kind', 'TEXT', "Driver kind from linkinfo: vxlan, bridge, veth, dummy, ipip, tun, vlan, bond, macvlan, wireguard, ifb... ('' for a physical NIC or loopback; unknown kinds are kept as printed)"),
    col('slave_kind', 'TEXT', "Kind of the master it is enslaved to: 'bridge' for a bridge port, 'bond'... ('' when none)"),
    col('operstate', 'TEXT', 'RFC 2863 operational state as printed: UP, DOWN, UNKNOWN (normal for vxlan/dummy/loopback), LOWERLAYERDOWN...'),
    col('up', 'INTEGER', '1 when the UP flag is set (administratively up), else 0'),
    col('lower_up', 'INTEGER', '1 when the LOWER_UP flag is set (carrier present), else 0'),
    col('flags', 'TEXT', "Device flags, comma-separated as printed between <>: 'BROADCAST,MULTICAST,UP,LOWER_UP'"),
    col('mtu', 'INTEGER', 'MTU in bytes'),
    col('qdisc', 'TEXT', 'Queueing discipline (noqueue, pfifo_fast, fq_codel...)'),
    col('txqlen', 'INTEGER', 'Transmit queue length (qlen), NULL when not printed'),
    col('link_type', 'TEXT', "Link layer type: ether, loopback, none, ipip, void..."),
    col('mac', 'TEXT', 'Link layer address (MAC for ether; for tunnels the address ip prints after link/TYPE)'),
    col('master', 'TEXT', "Name of the master device (the bridge a port belongs to, e.g. 'cni0'), NULL when none"),
    col('promiscuity', 'INTEGER', 'Promiscuity counter (bridge ports are promiscuous), NULL when not printed'),
    col('link_ifindex', 'INTEGER', "Ifindex of the lower/peer device: a veth's peer (in link_netnsid's namespace when that is set), a vlan/macvlan's parent; from @ifN / link_index / a resolved @name. NULL when none or not resolvable"),
    col('link_name', 'TEXT', "Name of the lower/peer device when ip printed a name (same namespace: 'veth0@eth0', JSON \"link\"); 'NONE' style placeholders give NULL"),
    col('link_netnsid', 'INTEGER', 'Network namespace id of the peer/lower device (link-netnsid), NULL when in the same namespace'),
    col('link_netns', 'TEXT', "Name of the peer's network namespace when ip printed one (link-netns cni-1234...), else NULL"),
    col('vxlan_id', 'INTEGER', 'VXLAN network identifier (VNI), e.g. 1 for flannel; NULL unless kind is vxlan'),
    col('vxlan_local', 'TEXT', 'VXLAN local (source) address; NULL when not set'),
    col('vxlan_remote', 'TEXT', 'VXLAN fixed remote or multicast group address; NULL when not set (flannel uses per-peer fdb entries instead)'),
    col('vxlan_port', 'INTEGER', 'VXLAN UDP destination port: 8472 for flannel (Linux default), 4789 IANA; NULL when not printed'),
    col('vxlan_dev', 'TEXT', "VXLAN underlay device name (dev ...), e.g. 'eth0'; compare its MTU with this device's"),
    col('vxlan_learning', 'INTEGER', '1 when the VXLAN device learns remote MACs, 0 with nolearning (flannel); NULL unless kind is vxlan'),
    col('details', 'TEXT', 'Everything else about the driver: the linkinfo object as JSON text (ip -j), or the raw driver lines (text output)'),
  ],
  indexes: [['name'], ['kind']],
};

const ADDRS: TableDef = {
  name: 'addrs',
  description: 'Addresses of every device of the host namespace (ip addr show). One row per address.',
  columns: [
    col('ifname', 'TEXT', 'Device name'),
    col('ifindex', 'INTEGER', 'Device index'),
    col('family', 'TEXT', FAMILY),
    col('address', 'TEXT', "The local address without prefix, e.g. '10.244.1.1'"),
    col('prefixlen', 'INTEGER', 'Prefix length'),
    col('cidr', 'TEXT', "The connected network, normalised: '10.244.1.0/24' (for a point-to-point address, the peer prefix)"),
    col('peer', 'TEXT', 'Peer address of a point-to-point address (inet A peer B/len), else NULL'),
    col('scope', 'TEXT', 'Scope: global, link, host, site, or a number'),
    col('label', 'TEXT', "IPv4 label ('eth0', 'eth0:vip'); NULL for IPv6"),
    col('broadcast', 'TEXT', 'Broadcast address (brd), NULL when none'),
    col('dynamic', 'INTEGER', '1 for an address with a finite lifetime (DHCP, SLAAC), else 0'),
    col('secondary', 'INTEGER', '1 for a secondary IPv4 address (another address of the same subnet came first) or an IPv6 temporary address, else 0'),
    col('flags', 'TEXT', "All address flags, comma-separated: secondary, dynamic, noprefixroute, nodad, tentative, deprecated, dadfailed, permanent, mngtmpaddr..."),
    col('valid_lft', 'INTEGER', 'Valid lifetime in seconds; NULL for forever'),
    col('preferred_lft', 'INTEGER', 'Preferred lifetime in seconds; NULL for forever'),
  ],
  indexes: [['address'], ['ifname']],
};

const ROUTES: TableDef = {
  name: 'routes',
  description:
    'Routes of every routing table, IPv4 and IPv6 (ip route show table all, ip -6 route show table all): main, local (local/broadcast routes of local addresses, e.g. kube-ipvs0 VIPs), default and custom tables. Fields ip leaves out take the kernel defaults (table main, type unicast, scope global, proto boot, IPv4 metric 0).',
  columns: [
    col('family', 'TEXT', FAMILY),
    col('rt_table', 'TEXT', "Routing table: 'main', 'local', 'default', or a custom table's name or number as text ('100'); 254/255/253 are given as main/local/default"),
    col('type', 'TEXT', 'Route type: unicast, local, broadcast, multicast, anycast, blackhole, unreachable, prohibit, throw, nat'),
    col('dst', 'TEXT', "Destination as printed: 'default', '10.244.2.0/24', '10.96.0.1' (a host route)"),
    col('dst_cidr', 'TEXT', "Destination normalised: '0.0.0.0/0' or '::/0' for default, '10.96.0.1/32' for a host route; use it with the CIDR SQL functions"),
    col('dst_prefixlen', 'INTEGER', 'Prefix length of the destination (0 for default)'),
    col('tos', 'TEXT', 'TOS selector of the route, NULL when none'),
    col('gateway', 'TEXT', "Next hop address (via), NULL for a directly connected route; for multipath routes see nexthops"),
    col('dev', 'TEXT', "Output device, NULL for blackhole/unreachable/prohibit/throw and multipath routes"),
    col('protocol', 'TEXT', 'Who installed it: kernel, boot, static, dhcp, bird, zebra, ra... or a number'),
    col('scope', 'TEXT', 'Scope: global (universe), link, host, site, nowhere'),
    col('src', 'TEXT', 'Preferred source address (src / prefsrc), NULL when none'),
    col('metric', 'INTEGER', 'Route metric/priority (IPv4 routes printed without one have metric 0)'),
    col('onlink', 'INTEGER', '1 when the onlink flag is set (gateway treated as directly reachable: flannel vxlan/host-gw routes), else 0'),
    col('linkdown', 'INTEGER', '1 when the route is marked linkdown (its device has no carrier), else 0'),
    col('flags', 'TEXT', 'All route flags, comma-separated: onlink, linkdown, pervasive, dead, offload...'),
    col('nexthops', 'TEXT', 'Multipath next hops as a JSON array of {gateway, dev, weight, flags}; NULL for a single-path route'),
    col('mtu', 'INTEGER', 'MTU metric of the route (mtu [lock] N), NULL when none'),
    col('pref', 'TEXT', 'IPv6 router preference (low, medium, high), NULL for IPv4'),
  ],
  indexes: [['rt_table', 'dst_cidr'], ['dev']],
};

const IP_RULES: TableDef = {
  name: 'ip_rules',
  description: 'Policy routing rules (ip rule show), in priority order.',
  columns: [
    col('priority', 'INTEGER', 'Rule priority (lower is evaluated first)'),
    col('family', 'TEXT', FAMILY),
    col('negate', 'INTEGER', '1 for a negated rule (ip rule add not ...), else 0'),
    col('src', 'TEXT', "The 'from' selector: 'all' or a prefix ('10.244.1.0/24')"),
    col('dst', 'TEXT', "The 'to' selector: a prefix, NULL when not given"),
    col('tos', 'TEXT', 'TOS selector, NULL when none'),
    col('fwmark', 'TEXT', "Firewall mark selector as printed, with its mask: '0x4000/0x4000'; NULL when none"),
    col('iif', 'TEXT', 'Input interface selector, NULL when none'),
    col('oif', 'TEXT', 'Output interface selector, NULL when none'),
    col('ipproto', 'TEXT', 'IP protocol selector (tcp, udp...), NULL when none'),
    col('sport', 'TEXT', 'Source port or range selector, NULL when none'),
    col('dport', 'TEXT', 'Destination port or range selector, NULL when none'),
    col('uidrange', 'TEXT', "UID range selector 'A-B', NULL when none"),
    col('action', 'TEXT', 'What a match does: lookup, goto, blackhole, prohibit, unreachable, nop'),
    col('rt_table', 'TEXT', "Table looked up for action 'lookup' (main, local, default or a custom name/number), else NULL"),
    col('goto_priority', 'INTEGER', "Target priority for action 'goto', else NULL"),
    col('suppress_prefixlength', 'INTEGER', 'suppress_prefixlength N: results with a prefix this long or shorter are ignored; NULL when not set'),
    col('raw', 'TEXT', 'The rule as printed (text line, or the JSON object)'),
  ],
};

const NEIGHBOURS: TableDef = {
  name: 'neighbours',
  description: 'Neighbour (ARP/NDP) cache of the host namespace (ip neigh show). flannel vxlan installs PERMANENT entries for each remote VTEP on flannel.1.',
  columns: [
    col('family', 'TEXT', FAMILY),
    col('dst', 'TEXT', 'Neighbour IP address'),
    col('dev', 'TEXT', 'Device'),
    col('lladdr', 'TEXT', 'Link layer address, NULL when unresolved (INCOMPLETE, FAILED)'),
    col('state', 'TEXT', 'NUD state(s), comma-separated: REACHABLE, STALE, DELAY, PROBE, INCOMPLETE, FAILED, PERMANENT, NOARP, NONE'),
    col('router', 'INTEGER', '1 when the neighbour is flagged as an IPv6 router, else 0'),
    col('proxy', 'INTEGER', '1 for a proxy entry, else 0'),
    col('flags', 'TEXT', 'Other flags, comma-separated (extern_learn, offload...), NULL when none'),
  ],
  indexes: [['dst']],
};

const BRIDGE_FDB: TableDef = {
  name: 'bridge_fdb',
  description:
    "Forwarding database of bridges and vxlan devices (bridge fdb show). On flannel.1 each remote node's VTEP MAC has an entry whose dst is that node's IP.",
  columns: [
    col('mac', 'TEXT', 'MAC address (00:00:00:00:00:00 on a vxlan device is the default/flood destination)'),
    col('dev', 'TEXT', 'Device the entry is on (bridge port, bridge itself, or vxlan device)'),
    col('dst', 'TEXT', 'Remote VTEP IP for vxlan entries, else NULL'),
    col('vlan', 'INTEGER', 'VLAN id, NULL when none'),
    col('vni', 'INTEGER', 'VXLAN VNI of the entry, NULL when none'),
    col('port', 'INTEGER', 'Remote UDP port of a vxlan entry, NULL when default'),
    col('via', 'TEXT', 'Device used to reach dst, NULL when none'),
    col('master', 'TEXT', 'Bridge the entry belongs to, NULL for self entries without a master'),
    col('self', 'INTEGER', "1 when the entry lives in the device's own table ('self', e.g. vxlan remotes), else 0"),
    col('state', 'TEXT', "permanent, static, stale, or 'dynamic' (learned entries, which bridge prints without a state)"),
    col('flags', 'TEXT', 'Flags, comma-separated: self, master, router, extern_learn, offload, sticky...'),
  ],
  indexes: [['dev'], ['mac']],
};

const BRIDGE_PORTS: TableDef = {
  name: 'bridge_ports',
  description: 'Bridge ports and their STP state (bridge link show): the veths attached to cni0/docker0.',
  columns: [
    col('ifindex', 'INTEGER', 'Port interface index'),
    col('dev', 'TEXT', 'Port device name (without @peer)'),
    col('master', 'TEXT', 'Bridge it belongs to'),
    col('state', 'TEXT', 'Port state: forwarding, disabled, blocking, listening, learning'),
    col('priority', 'INTEGER', 'Port priority'),
    col('cost', 'INTEGER', 'Port path cost'),
    col('mtu', 'INTEGER', 'Port MTU'),
    col('flags', 'TEXT', "Device flags, comma-separated: 'BROADCAST,MULTICAST,UP,LOWER_UP'; NO-CARRIER means the peer side is down"),
  ],
  indexes: [['master']],
};

const SOCKET_SUMMARY: TableDef = {
  name: 'socket_summary',
  description:
    "Socket totals (ss -s) as key/value pairs. Keys: total, total_kernel (old ss), tcp, tcp_estab, tcp_closed, tcp_orphaned, tcp_synrecv (old ss), tcp_timewait, tcp_ports (old ss), and for each transport row raw/udp/tcp/inet/frag: <name>_total, <name>_ip, <name>_ipv6 (slab_total for old ss's '*' row).",
  columns: [col('key', 'TEXT', 'Counter name, e.g. tcp_timewait'), col('value', 'INTEGER', 'Counter value')],
  indexes: [['key']],
};

const LISTENERS: TableDef = {
  name: 'listeners',
  description:
    'Listening TCP sockets (ss -ltnp, or ss -ltn without process names). For a LISTEN socket Recv-Q is the current accept queue length and Send-Q the backlog (min of the listen() backlog and net.core.somaxconn): recv_q > send_q means the accept queue overflows.',
  columns: [
    col('proto', 'TEXT', "'tcp'"),
    col('family', 'TEXT', "Address family: 'inet' or 'inet6' (a dual-stack '*' listener of newer ss is inet6)"),
    col('local_address', 'TEXT', "Listening address without brackets or %device: '0.0.0.0' and '::' for any (old ss's '*' is normalised too)"),
    col('wildcard', 'INTEGER', '1 when it listens on every address of its family (0.0.0.0, ::, *), else 0'),
    col('interface', 'TEXT', "Device the socket is bound to (the %cni0 suffix), NULL when none"),
    col('port', 'INTEGER', 'Listening port'),
    col('recv_q', 'INTEGER', 'Recv-Q: connections waiting in the accept queue'),
    col('send_q', 'INTEGER', 'Send-Q: accept queue size (backlog)'),
    col('process', 'TEXT', 'Name of the first process holding the socket (ss -p), NULL without -p'),
    col('pid', 'INTEGER', 'Pid of that process, NULL without -p'),
    col('fd', 'INTEGER', 'Its file descriptor number, NULL without -p'),
    col('users', 'TEXT', 'Every process holding the socket, as a JSON array of {process, pid, fd}; NULL without -p'),
  ],
  indexes: [['port']],
};

const TCP_SOCKETS: TableDef = {
  name: 'tcp_sockets',
  description: 'All TCP sockets with state and queues (ss -tan; capped at collection, so a huge node may be incomplete).',
  columns: [
    col('state', 'TEXT', 'State as ss prints it: ESTAB, LISTEN, TIME-WAIT, CLOSE-WAIT, SYN-SENT, SYN-RECV, FIN-WAIT-1, FIN-WAIT-2, LAST-ACK, CLOSING, CLOSED, UNCONN'),
    col('family', 'TEXT', "Address family: 'inet' or 'inet6' (IPv4-mapped [::ffff:a.b.c.d] sockets are inet6)"),
    col('local_address', 'TEXT', "Local address without brackets or %device ('0.0.0.0', '::' for any)"),
    col('local_port', 'INTEGER', 'Local port'),
    col('local_interface', 'TEXT', 'Device of a %device suffix on the local address, NULL when none'),
    col('peer_address', 'TEXT', "Peer address without brackets ('0.0.0.0', '::' for a listener's any)"),
    col('peer_port', 'INTEGER', "Peer port, NULL for '*'"),
    col('recv_q', 'INTEGER', 'Recv-Q: bytes not yet read by the application (for LISTEN: accept queue length)'),
    col('send_q', 'INTEGER', 'Send-Q: bytes not yet acknowledged by the peer (for LISTEN: backlog)'),
  ],
  indexes: [['state'], ['local_port'], ['peer_address']],
};

const NETSTAT_COUNTERS: TableDef = {
  name: 'netstat_counters',
  description:
    "Kernel network counters from /proc/net/netstat (TcpExt, IpExt, MPTcpExt...) and /proc/net/snmp (Ip, Icmp, IcmpMsg, Tcp, Udp, UdpLite). E.g. mib='TcpExt' AND name IN ('ListenOverflows','ListenDrops').",
  columns: [
    col('file', 'TEXT', "'netstat' (/proc/net/netstat) or 'snmp' (/proc/net/snmp)"),
    col('mib', 'TEXT', 'Counter group, the prefix before the colon: TcpExt, IpExt, Ip, Icmp, Tcp, Udp...'),
    col('name', 'TEXT', 'Counter name, e.g. ListenOverflows'),
    col('value', 'INTEGER', 'Value since boot (64-bit; a few are gauges, e.g. Tcp CurrEstab, or -1 like Tcp MaxConn)'),
  ],
  indexes: [['mib', 'name']],
};

const RESOLV_CONF: TableDef = {
  name: 'resolv_conf',
  description: 'The DNS resolver configuration (/etc/resolv.conf), one row per value.',
  columns: [
    col('kind', 'TEXT', 'Directive: nameserver, search, domain, options, sortlist (others kept as written)'),
    col('value', 'TEXT', "One value: a nameserver address, one search domain, one option ('ndots:5')"),
    col('position', 'INTEGER', '1-based order among the values of this kind (glibc uses the first 3 nameservers; with several search lines only the last counts)'),
    col('line', 'INTEGER', 'Line number in the file'),
  ],
};

const HOSTS_ENTRIES: TableDef = {
  name: 'hosts_entries',
  description: 'Static host table (/etc/hosts), one row per line with an address.',
  columns: [
    col('address', 'TEXT', 'IP address'),
    col('family', 'TEXT', FAMILY),
    col('names', 'TEXT', 'Host names and aliases, space-separated, canonical name first'),
    col('line', 'INTEGER', 'Line number in the file'),
  ],
  indexes: [['address']],
};

const POD_NETNS: TableDef = {
  name: 'pod_netns',
  description:
    "Addresses inside each pod sandbox's network namespace (nsenter -t <sandbox pid> -n ip -o addr). One row per address; a sandbox whose addresses could not be read has one row with NULL address fields.",
  columns: [
    col('sandbox_id', 'TEXT', 'Full id of the sandbox (pause) container'),
    col('pid', 'INTEGER', "Pid of the sandbox's process on the host"),
    col('name', 'TEXT', "Sandbox container name without the leading '/': k8s_POD_<pod>_<namespace>_<uid>_<attempt>"),
    col('ifname', 'TEXT', 'Device inside the pod (eth0, lo...)'),
    col('family', 'TEXT', FAMILY),
    col('address', 'TEXT', 'Address without prefix'),
    col('prefixlen', 'INTEGER', 'Prefix length'),
    col('cidr', 'TEXT', 'Connected network, normalised (10.244.1.0/24)'),
    col('scope', 'TEXT', 'Scope: global, host, link'),
    col('eth0_iflink', 'INTEGER', "The pod's /sys/class/net/eth0/iflink: ifindex of the host-side veth peer (join links.ifindex), NULL when unreadable"),
  ],
  indexes: [['sandbox_id'], ['address']],
};

const POD_ROUTES: TableDef = {
  name: 'pod_routes',
  description: "Main-table IPv4 routes inside each pod sandbox's network namespace (nsenter ... ip route show).",
  columns: [
    col('sandbox_id', 'TEXT', 'Full id of the sandbox container'),
    col('family', 'TEXT', FAMILY),
    col('type', 'TEXT', 'Route type (unicast unless printed)'),
    col('dst', 'TEXT', "Destination as printed ('default', '10.244.0.0/16')"),
    col('dst_cidr', 'TEXT', "Destination normalised ('0.0.0.0/0' for default)"),
    col('gateway', 'TEXT', 'Next hop (via), NULL when directly connected'),
    col('dev', 'TEXT', 'Output device'),
    col('protocol', 'TEXT', 'Protocol (boot when not printed)'),
    col('scope', 'TEXT', 'Scope (global when not printed)'),
    col('src', 'TEXT', 'Preferred source address, NULL when none'),
    col('metric', 'INTEGER', 'Metric (0 when not printed)'),
    col('onlink', 'INTEGER', '1 with the onlink flag, else 0'),
    col('linkdown', 'INTEGER', '1 when marked linkdown, else 0'),
  ],
  indexes: [['sandbox_id']],
};

/** Tables filled by the network parsers (analyzer/parsers/network/). */
export const TABLES: TableDef[] = [
  LINKS,
  ADDRS,
  ROUTES,
  IP_RULES,
  NEIGHBOURS,
  BRIDGE_FDB,
  BRIDGE_PORTS,
  SOCKET_SUMMARY,
  LISTENERS,
  TCP_SOCKETS,
  NETSTAT_COUNTERS,
  RESOLV_CONF,
  HOSTS_ENTRIES,
  POD_NETNS,
  POD_ROUTES,
];
