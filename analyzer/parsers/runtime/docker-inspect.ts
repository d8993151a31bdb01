/**
 * `docker inspect $(docker ps -aq --no-trunc)`: one JSON array with every container.
 *
 *   [
 *       {
 *           "Id": "2591c532008a5e0f7b2c6d9e8a1f3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c",
 *           "Created": "2022-01-08T11:05:17.592014772Z",
 *           "Path": "/bin/sh",
 *           "Args": ["-c", "cp -f /config/application.yml /app/ && nohup java -jar /app/operation.jar & tail -f /etc/hosts"],
 *           "State": {"Status": "running", "Running": true, "OOMKilled": false, "Pid": 15696, "ExitCode": 0, ...},
 *           "Name": "/k8s_operation_operation-cf45b5777-vq8x4_ncss-v3_57501f2c-60f3-4acf-95b0-19c9ee1ec293_760",
 *           "RestartCount": 0,
 *           "HostConfig": {"NetworkMode": "container:2dce6e22...", "LogConfig": {"Type": "json-file", "Config": {}}, ...},
 *           "GraphDriver": {"Data": {"UpperDir": "/var/lib/docker/overlay2/4e9f.../diff", ...}, "Name": "overlay2"},
 *           "Mounts": [...], "Config": {"Env": [...], "Labels": {"io.kubernetes.pod.name": ...}}, "NetworkSettings": {...}
 *       }
 *   ]
 *
 * Output cut at the collector's cap keeps every container before the cut.
 */
import type { TextParser } from '../types.js';
import { addDockerContainer } from './docker-container.js';
import { readJsonArrayElements } from './json-values.js';
import { isRecord, RowSink } from './rows.js';

export const dockerInspectParser: TextParser = {
  kind: 'text',
  parse(text) {
    const sink = new RowSink();
    if (text.trim() === '') return sink.rows();
    const { values, errors } = readJsonArrayElements(text);
    for (const e of errors) sink.error(e.message, e.line);
    for (const { value, line } of values) {
      if (!isRecord(value) || !addDockerContainer(sink, value)) sink.error('docker inspect element without an Id', line || undefined);
    }
    if (values.length === 0 && errors.length > 0) throw new Error(`docker inspect output is not JSON: ${errors[0]?.message ?? ''}`);
    return sink.rows();
  },
};
