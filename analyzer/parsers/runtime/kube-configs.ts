/**
 * Kubernetes component configuration files of the `kube-configs` source: kubelet
 * config.yaml, kube-proxy config (config.conf or a hand-written kube-proxy-config.yml), static
 * pod manifests, kubeadm configs, flag env files and flannel's net-conf.json.
 *
 *   apiVersion: kubeproxy.config.k8s.io/v1alpha1
 *   kind: KubeProxyConfiguration
 *   hostnameOverride: k8s-node01
 *   iptables:
 *     masqueradeAl: true          <- the typo of incident 003: a kube_config_unknown_fields row
 *     masqueradeBit: 14
 *   mode: ipvs
 *
 * Each YAML document is a kube_config_files row (a YAML error is one with valid = 0) and its
 * settings are kube_configs rows with dotted keys (see flatten.ts). ConfigMaps are opened too:
 * kube-proxy's `config.conf` and flannel's `net-conf.json` live in them.
 */
import { parseAllDocuments } from 'yaml';
import { FACT, type TextParser } from '../types.js';
import { flatten } from './flatten.js';
import { addFlannelNetConf } from './flannel-net-conf.js';
import { addKubeEnvFile } from './kube-env-file.js';
import { KUBE_PROXY_V1ALPHA1, unknownFields } from './kube-proxy-fields.js';
import { addKubeconfig } from './kubeconfig.js';
import { maskSecret } from './secret-settings.js';
import { addStaticPod } from './static-pod.js';
import { baseName, errorMessage, isRecord, nodePathOf, nonEmpty, obj, RowSink, stripBom } from './rows.js';

const KIND_COMPONENT: Readonly<Record<string, string>> = {
  KubeletConfiguration: 'kubelet',
  KubeProxyConfiguration: 'kube-proxy',
  KubeSchedulerConfiguration: 'kube-scheduler',
  KubeControllerManagerConfiguration: 'kube-controller-manager',
  ClusterConfiguration: 'kubeadm',
  InitConfiguration: 'kubeadm',
  JoinConfiguration: 'kubeadm',
  ResetConfiguration: 'kubeadm',
  UpgradeConfiguration: 'kubeadm',
  EncryptionConfiguration: 'kube-apiserver',
  AdmissionConfiguration: 'kube-apiserver',
  Policy: 'kube-apiserver',
  EgressSelectorConfiguration: 'kube-apiserver',
  AuthenticationConfiguration: 'kube-apiserver',
  CredentialProviderConfig: 'kubelet',
};

interface DocPlace {
  path: string;
  member: string;
  docIndex: number;
  /** `<configmap name>/<data key>` for a document read out of a ConfigMap. */
  configMap: string | null;
}

function componentOfPod(pod: Record<string, unknown>): string | null {
  const first = (obj(pod, 'spec').containers as unknown[] | undefined)?.[0];
  return isRecord(first) ? nonEmpty(first.name) : null;
}

function handleDocument(sink: RowSink, place: DocPlace, doc: unknown, nested: boolean): void {
  if (doc === null || doc === undefined) return;
  const base = { path: place.path, doc_index: place.docIndex };
  if (!isRecord(doc)) {
    sink.add('kube_config_files', { ...base, kind: null, api_version: null, component: null, config_map: place.configMap, valid: 0, error: 'document is not a mapping' });
    return;
  }
  const kind = nonEmpty(doc.kind);
  const apiVersion = nonEmpty(doc.apiVersion);
  const component = kind === 'Pod' ? componentOfPod(doc) : kind ? (KIND_COMPONENT[kind] ?? null) : null;
  sink.add('kube_config_files', { ...base, kind, api_version: apiVersion, component, config_map: place.configMap, valid: 1, error: null });

  if (kind === 'Config') {
    // a kubeconfig: its rows go to kubeconfigs/certs, not to a flat key list holding certificate data
    addKubeconfig(sink, place.member, place.path, doc);
    return;
  }
  for (const entry of flatten(doc)) {
    const e = maskSecret(entry, kind);
    sink.add('kube_configs', { ...base, kind, component, key: e.key, value: e.value, value_text: e.text });
  }

  if (kind === 'KubeProxyConfiguration') {
    if (apiVersion === 'kubeproxy.config.k8s.io/v1alpha1') {
      for (const u of unknownFields(doc, KUBE_PROXY_V1ALPHA1)) sink.add('kube_config_unknown_fields', { ...base, kind, field: u.field, suggestion: u.suggestion });
    }
    const mode = typeof doc.mode === 'string' ? doc.mode : null;
    // an empty mode means the platform default, iptables on Linux
    if (mode !== null) sink.add('node_facts', { source: 'kube-configs', key: FACT.kubeProxyMode, value: mode === '' ? 'iptables' : mode });
  } else if (kind === 'Pod' && !nested) {
    addStaticPod(sink, place.path, doc);
  } else if (kind === 'ConfigMap' && !nested) {
    const name = nonEmpty(obj(doc, 'metadata').name) ?? '';
    for (const [key, value] of Object.entries(obj(doc, 'data'))) {
      if (typeof value !== 'string') continue;
      const ref = `${name}/${key}`;
      if (key === 'net-conf.json') {
        try {
          addFlannelNetConf(sink, place.path, JSON.parse(value), ref);
        } catch (err) {
          sink.error(`${place.path} ${ref}: ${errorMessage(err)}`);
        }
      } else if (/^\s*kind:/m.test(value)) {
        parseYamlDocuments(sink, { ...place, configMap: ref }, value, true);
      }
    }
  }
}

function parseYamlDocuments(sink: RowSink, place: DocPlace, text: string, nested: boolean): void {
  const docs = parseAllDocuments(text, { prettyErrors: true });
  // parseAllDocuments returns an EmptyStream (no documents) for empty or comment-only text
  const list = Array.isArray(docs) ? docs : [];
  list.forEach((doc, i) => {
    const here = { ...place, docIndex: nested ? place.docIndex : i };
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const line = err?.linePos?.[0]?.line;
      const message = `${place.path}${place.configMap ? ` ${place.configMap}` : ''}: ${err?.message.split('\n')[0] ?? 'YAML error'}`;
      sink.add('kube_config_files', { path: place.path, doc_index: here.docIndex, kind: null, api_version: null, component: null, config_map: place.configMap, valid: 0, error: message });
      sink.error(message, line);
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      sink.error(`${place.path}: ${errorMessage(err)}`);
      return;
    }
    handleDocument(sink, here, value, nested);
  });
}

const STRUCTURED = /\.(ya?ml|conf|json|kubeconfig)$/;

export const kubeConfigsParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const sink = new RowSink();
    const path = nodePathOf(ctx);
    const body = stripBom(text);
    const place: DocPlace = { path, member: ctx.member, docIndex: 0, configMap: null };
    if (path.includes('/manifests/') || STRUCTURED.test(path)) {
      if (baseName(path) === 'net-conf.json') {
        try {
          addFlannelNetConf(sink, path, JSON.parse(body), null);
          sink.add('kube_config_files', { path, doc_index: 0, kind: 'FlannelNetConf', api_version: null, component: 'flanneld', config_map: null, valid: 1, error: null });
        } catch (err) {
          sink.add('kube_config_files', { path, doc_index: 0, kind: 'FlannelNetConf', api_version: null, component: 'flanneld', config_map: null, valid: 0, error: errorMessage(err) });
          sink.error(`${path}: ${errorMessage(err)}`);
        }
      } else {
        parseYamlDocuments(sink, place, body, false);
      }
    } else {
      addKubeEnvFile(sink, path, body);
    }
    return sink.rows();
  },
};
