/**
 * Docker daemon configuration files of the `docker-daemon-config` source:
 *
 *   /etc/docker/daemon.json (JSON)
 *     {"hosts": ["tcp://10.36.245.149:8137", "unix:///var/run/docker.sock"],"default-runtime": "nvidia",
 *      "runtimes": {"nvidia": {"path": "/usr/bin/nvidia-container-runtime","runtimeArgs": []}}}
 *   /etc/sysconfig/docker, /etc/default/docker (shell variables)
 *     OPTIONS='--selinux-enabled --log-driver=journald -H tcp://0.0.0.0:2375'
 *     DOCKER_OPTS="--dns 8.8.8.8"
 *
 * A malformed daemon.json (dockerd refuses to start with one) is a daemon_config_files row with
 * valid = 0, not a failure of the snapshot.
 */
import type { TextParser } from '../types.js';
import { parseEnvFile } from './env-file.js';
import { addEnvFileFlags } from './env-flags.js';
import { flatten } from './flatten.js';
import { maskSecret } from './secret-settings.js';
import { errorMessage, nodePathOf, RowSink, stripBom } from './rows.js';

function parseDaemonJson(sink: RowSink, path: string, text: string): void {
  if (text.trim() === '') {
    // dockerd treats an empty file as no configuration
    sink.add('daemon_config_files', { path, format: 'json', valid: 1, error: null });
    return;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(stripBom(text));
  } catch (err) {
    const message = errorMessage(err);
    sink.add('daemon_config_files', { path, format: 'json', valid: 0, error: message });
    sink.error(`${path}: ${message}`);
    return;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    sink.add('daemon_config_files', { path, format: 'json', valid: 0, error: 'not a JSON object' });
    sink.error(`${path}: not a JSON object`);
    return;
  }
  sink.add('daemon_config_files', { path, format: 'json', valid: 1, error: null });
  for (const entry of flatten(doc)) {
    const e = maskSecret(entry);
    sink.add('daemon_config', { path, key: e.key, value: e.value, value_text: e.text });
  }
}

function parseDaemonEnv(sink: RowSink, path: string, text: string): void {
  const env = parseEnvFile(text);
  for (const e of env.errors) sink.error(e.message, e.line);
  sink.add('daemon_config_files', { path, format: 'env', valid: env.errors.length === 0 ? 1 : 0, error: env.errors[0]?.message ?? null });
  for (const v of env.vars) sink.add('daemon_config', { path, key: v.key, value: JSON.stringify(v.value), value_text: v.value });
  addEnvFileFlags(sink, 'dockerd', path, env.vars);
}

export const daemonConfigParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const sink = new RowSink();
    const path = nodePathOf(ctx);
    if (path.endsWith('.json')) parseDaemonJson(sink, path, text);
    else parseDaemonEnv(sink, path, text);
    return sink.rows();
  },
};
