/**
 * /etc/containerd/config.toml (containerd 1.x version 1 and 2, containerd 2.x version 3).
 *
 *   version = 2
 *   [plugins."io.containerd.grpc.v1.cri"]
 *     sandbox_image = "registry.k8s.io/pause:3.9"
 *     [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
 *       SystemdCgroup = true
 *
 * Keys are written the TOML way: plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options.SystemdCgroup.
 * A file that is not TOML is a containerd_config_files row with valid = 0.
 */
import { parse as parseToml } from 'smol-toml';
import type { TextParser } from '../types.js';
import { flatten } from './flatten.js';
import { maskSecret } from './secret-settings.js';
import { errorMessage, int, nodePathOf, RowSink, stripBom } from './rows.js';

export const containerdConfigParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const sink = new RowSink();
    const path = nodePathOf(ctx);
    let doc: Record<string, unknown>;
    try {
      doc = parseToml(stripBom(text)) as Record<string, unknown>;
    } catch (err) {
      const message = errorMessage(err).split('\n')[0] ?? 'invalid TOML';
      const line = /line (\d+)/.exec(errorMessage(err))?.[1];
      sink.add('containerd_config_files', { path, version: null, valid: 0, error: message });
      sink.error(`${path}: ${message}`, line ? Number(line) : undefined);
      return sink.rows();
    }
    // containerd reads a file without `version` as version 1
    sink.add('containerd_config_files', { path, version: int(doc.version) ?? 1, valid: 1, error: null });
    for (const entry of flatten(doc)) {
    const e = maskSecret(entry);
    sink.add('containerd_config', { path, key: e.key, value: e.value, value_text: e.text });
  }
    return sink.rows();
  },
};
