/**
 * Components run as static pods (/etc/kubernetes/manifests/kube-apiserver.yaml...): each
 * container's command + args becomes a kube_components row with origin 'manifest'.
 *
 *   spec:
 *     containers:
 *     - command:
 *       - kube-apiserver
 *       - --advertise-address=192.168.3.113
 *       - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt
 *       image: registry.k8s.io/kube-apiserver:v1.28.2
 *       name: kube-apiserver
 */
import { componentOf, KNOWN_COMPONENTS, type ComponentName } from '../shared/component-flags.js';
import { addComponent, joinArgv, unwrapShell } from './components.js';
import { arr, isRecord, obj, str, type RowSink } from './rows.js';

function words(value: unknown): string[] {
  return arr(value).filter((w): w is string => typeof w === 'string');
}

export function addStaticPod(sink: RowSink, path: string, pod: Record<string, unknown>): void {
  for (const container of arr(obj(pod, 'spec').containers)) {
    if (!isRecord(container)) continue;
    // `sh -c "kube-apiserver --a=b ..."` wrappers run the inner command
    const argv = unwrapShell([...words(container.command), ...words(container.args)]);
    let component: ComponentName | null = componentOf(argv);
    let flagWords = argv.slice(1);
    if (component === null) {
      // command left to the image's entrypoint: the container name says which component it is
      const name = str(container.name) ?? '';
      if (!(KNOWN_COMPONENTS as readonly string[]).includes(name)) continue;
      component = name as ComponentName;
      flagWords = argv;
    }
    addComponent(sink, component, 'manifest', path, joinArgv(argv), flagWords);
  }
}
