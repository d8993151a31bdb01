/**
 * `docker ps -a --no-trunc --format '{{json .}}'`: one JSON object a line. `State` is missing
 * on old clients; it is then read from Status.
 *
 *   {"Command":"\"/pause\"","CreatedAt":"2021-10-11 10:13:40 +0800 CST","ID":"2dce6e228773c1d9...","Image":"registry.nscloud:5000/google_containers/pause:3.1","Labels":"io.kubernetes.pod.name=operation-cf45b5777-vq8x4,...","LocalVolumes":"0","Mounts":"","Names":"k8s_POD_operation-cf45b5777-vq8x4_ncss-v3_57501f2c-60f3-4acf-95b0-19c9ee1ec293_10","Networks":"none","Ports":"","RunningFor":"3 months ago","Size":"0B","State":"running","Status":"Up 3 months"}
 *
 * It complements docker inspect: a container listed here but absent from `containers` was
 * removed between the two commands or could not be inspected.
 */
import type { TextParser } from '../types.js';
import { parseKubeContainerName } from './kube-names.js';
import { int, isRecord, nonEmpty, RowSink, splitLines, str } from './rows.js';
import { dockerPsTime } from './timestamps.js';

const EXITED = /^Exited \((-?\d+)\)/;

/** Container state from a Status text ("Up 2 hours (Paused)", "Exited (137) 3 days ago"). */
export function stateFromStatus(status: string): string | null {
  if (status.startsWith('Up ')) return status.includes('(Paused)') ? 'paused' : 'running';
  if (status.startsWith('Exited')) return 'exited';
  if (status.startsWith('Restarting')) return 'restarting';
  if (status === 'Created') return 'created';
  if (status.startsWith('Removal')) return 'removing';
  if (status === 'Dead') return 'dead';
  return null;
}

export const dockerPsParser: TextParser = {
  kind: 'text',
  parse(text) {
    const sink = new RowSink();
    splitLines(text).forEach((line, i) => {
      if (line.trim() === '') return;
      let c: unknown;
      try {
        c = JSON.parse(line);
      } catch {
        sink.error(`not a JSON object: ${line.slice(0, 120)}`, i + 1);
        return;
      }
      if (!isRecord(c) || !nonEmpty(c.ID)) {
        sink.error('docker ps line without an ID', i + 1);
        return;
      }
      const name = (str(c.Names) ?? '').split(',')[0] ?? '';
      const status = str(c.Status) ?? '';
      const kube = parseKubeContainerName(name);
      sink.add('docker_ps', {
        id: nonEmpty(c.ID),
        name: name || null,
        image: nonEmpty(c.Image),
        command: nonEmpty(c.Command),
        created_at: dockerPsTime(c.CreatedAt),
        running_for: nonEmpty(c.RunningFor),
        status: status || null,
        state: nonEmpty(c.State) ?? stateFromStatus(status),
        exit_code: int(EXITED.exec(status)?.[1]),
        ports: nonEmpty(c.Ports),
        networks: nonEmpty(c.Networks),
        mounts: nonEmpty(c.Mounts),
        size: nonEmpty(c.Size),
        labels: nonEmpty(c.Labels),
        pod_name: kube?.pod_name ?? null,
        pod_namespace: kube?.pod_namespace ?? null,
        pod_uid: kube?.pod_uid ?? null,
        k8s_container_name: kube?.k8s_container_name ?? null,
        k8s_type: kube?.k8s_type ?? null,
        k8s_attempt: kube?.k8s_attempt ?? null,
      });
    });
    if (sink.count('docker_ps') === 0 && sink.count('parse_errors') > 0) throw new Error('docker ps output holds no JSON line');
    return sink.rows();
  },
};
