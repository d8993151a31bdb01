/**
 * `docker version --format '{{json .}}'`. Components (containerd, runc, docker-init) exist
 * since 19.03; Server is null when the daemon is down.
 *
 *   {"Client":{"Version":"27.2.0","ApiVersion":"1.47",...},
 *    "Server":{"Components":[{"Name":"Engine","Version":"27.2.0",...},{"Name":"containerd","Version":"1.7.21",...},
 *              {"Name":"runc","Version":"1.1.13",...}],"Version":"27.2.0","ApiVersion":"1.47",...}}
 */
import { FACT, type TextParser } from '../types.js';
import { arr, isRecord, nonEmpty, obj, RowSink } from './rows.js';
import { readSingleObject } from './single-json.js';

export const dockerVersionParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const sink = new RowSink();
    const doc = readSingleObject(text, sink, 'docker version');
    if (!doc) return sink.rows();
    const fact = (key: string, value: string | null) => {
      if (value !== null) sink.add('node_facts', { source: ctx.source, key, value });
    };
    const client = obj(doc, 'Client');
    const server = obj(doc, 'Server');
    fact('runtime.docker.client_version', nonEmpty(client.Version));
    fact(FACT.dockerVersion, nonEmpty(server.Version));
    fact('runtime.docker.api_version', nonEmpty(server.ApiVersion));
    for (const c of arr(server.Components)) {
      if (!isRecord(c)) continue;
      const version = nonEmpty(c.Version);
      if (c.Name === 'containerd') fact(FACT.containerdVersion, version?.replace(/^v/, '') ?? null);
      else if (c.Name === 'runc') fact('runtime.runc.version', version);
      else if (c.Name === 'docker-init') fact('runtime.docker_init.version', version);
    }
    return sink.rows();
  },
};
