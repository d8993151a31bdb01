/**
 * The fields KubeProxyConfiguration (kubeproxy.config.k8s.io/v1alpha1) has had, across
 * Kubernetes releases, so a misspelt field is caught the way kube-proxy's strict decoding
 * catches it ("found unknown field: masqueradeAl"). `'*'` marks a map with free keys.
 */

export type FieldSchema = { readonly [field: string]: FieldSchema | '*' | null };

const DURATION = null;

export const KUBE_PROXY_V1ALPHA1: FieldSchema = {
  apiVersion: null,
  kind: null,
  featureGates: '*',
  clientConnection: { kubeconfig: null, acceptContentTypes: null, contentType: null, qps: null, burst: null },
  logging: { format: null, flushFrequency: null, verbosity: null, vmodule: '*', options: '*', sanitization: null },
  hostnameOverride: null,
  bindAddress: null,
  healthzBindAddress: null,
  metricsBindAddress: null,
  bindAddressHardFail: null,
  enableProfiling: null,
  showHiddenMetricsForVersion: null,
  mode: null,
  iptables: { masqueradeBit: null, masqueradeAll: null, localhostNodePorts: null, snatNodeInternalIP: null, syncPeriod: DURATION, minSyncPeriod: DURATION },
  ipvs: {
    syncPeriod: DURATION,
    minSyncPeriod: DURATION,
    scheduler: null,
    excludeCIDRs: null,
    strictARP: null,
    tcpTimeout: DURATION,
    tcpFinTimeout: DURATION,
    udpTimeout: DURATION,
  },
  nftables: { masqueradeBit: null, masqueradeAll: null, syncPeriod: DURATION, minSyncPeriod: DURATION },
  winkernel: { networkName: null, sourceVip: null, enableDSR: null, rootHnsEndpointName: null, forwardHealthCheckVip: null },
  detectLocalMode: null,
  detectLocal: { bridgeInterface: null, interfaceNamePrefix: null },
  clusterCIDR: null,
  nodePortAddresses: null,
  oomScoreAdj: null,
  conntrack: {
    max: null,
    maxPerCore: null,
    min: null,
    tcpEstablishedTimeout: DURATION,
    tcpCloseWaitTimeout: DURATION,
    tcpBeLiberal: null,
    udpTimeout: DURATION,
    udpStreamTimeout: DURATION,
  },
  configSyncPeriod: DURATION,
  portRange: null,
  windowsRunAsService: null,
  // removed in later releases but valid where the config was written
  udpIdleTimeout: DURATION,
  resourceContainer: null,
};

export interface UnknownField {
  field: string;
  /** The known sibling closest in spelling, when one is close (masqueradeAl -> masqueradeAll). */
  suggestion: string | null;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}

function closest(name: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = k.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : null;
}

/** Fields of `doc` that `schema` does not know, as dotted paths. */
export function unknownFields(doc: unknown, schema: FieldSchema, prefix = ''): UnknownField[] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return [];
  const out: UnknownField[] = [];
  const known = Object.keys(schema);
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (!Object.hasOwn(schema, key)) {
      out.push({ field: path, suggestion: closest(key, known) });
      continue;
    }
    const sub = schema[key];
    if (sub !== null && sub !== '*' && sub !== undefined) out.push(...unknownFields(value, sub, path));
  }
  return out;
}
