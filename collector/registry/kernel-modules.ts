/**
 * Kernel config symbols of the modules the collector and the rules care about. A module built into
 * the kernel without parameters shows in neither /proc/modules nor /sys/module; modules.builtin or
 * the kernel config (CONFIG_X=y) is then the only evidence that it is there.
 */
export const MODULE_CONFIG_SYMBOLS: Readonly<Record<string, string>> = {
  nf_conntrack: 'CONFIG_NF_CONNTRACK',
  nf_conntrack_netlink: 'CONFIG_NF_CT_NETLINK',
  nf_nat: 'CONFIG_NF_NAT',
  ip_tables: 'CONFIG_IP_NF_IPTABLES',
  ip6_tables: 'CONFIG_IP6_NF_IPTABLES',
  iptable_nat: 'CONFIG_IP_NF_NAT',
  iptable_filter: 'CONFIG_IP_NF_FILTER',
  nf_tables: 'CONFIG_NF_TABLES',
  ip_set: 'CONFIG_IP_SET',
  ip_vs: 'CONFIG_IP_VS',
  ip_vs_rr: 'CONFIG_IP_VS_RR',
  ip_vs_wrr: 'CONFIG_IP_VS_WRR',
  ip_vs_sh: 'CONFIG_IP_VS_SH',
  br_netfilter: 'CONFIG_BRIDGE_NETFILTER',
  bridge: 'CONFIG_BRIDGE',
  overlay: 'CONFIG_OVERLAY_FS',
  vxlan: 'CONFIG_VXLAN',
  veth: 'CONFIG_VETH',
  xt_conntrack: 'CONFIG_NETFILTER_XT_MATCH_CONNTRACK',
  xt_statistic: 'CONFIG_NETFILTER_XT_MATCH_STATISTIC',
  nvidia: 'CONFIG_NVIDIA',
};
