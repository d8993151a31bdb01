/**
 * CNI network configurations in /etc/cni/net.d, one member per file.
 *
 *   /etc/cni/net.d/10-flannel.conflist
 *   {
 *     "name": "cbr0",
 *     "cniVersion": "0.3.1",
 *     "plugins": [
 *       {"type": "flannel", "delegate": {"hairpinMode": true, "isDefaultGateway": true}},
 *       {"type": "portmap", "capabilities": {"portMappings": true}}
 *     ]
 *   }
 *
 * The runtime loads only files ending .conf, .conflist or .json (is_candidate), sorted by name,
 * and uses the first that loads; a parser sees one file, so the order is left to the query:
 * ORDER BY file_name among is_candidate = 1 (SQLite's default BINARY collation sorts as Go does).
 */
import type { TextParser } from '../types.js';
import { pluginColumns } from './cni-plugin.js';
import { arr, baseName, errorMessage, isRecord, json, nodePathOf, nonEmpty, RowSink, stripBom } from './rows.js';

const CANDIDATE = /\.(conf|conflist|json)$/;

export const cniConfigParser: TextParser = {
  kind: 'text',
  parse(text, ctx) {
    const sink = new RowSink();
    const path = nodePathOf(ctx);
    const fileName = baseName(path);
    const isConflist = fileName.endsWith('.conflist');
    const base = { path, file_name: fileName, is_candidate: CANDIDATE.test(fileName) ? 1 : 0, is_conflist: isConflist ? 1 : 0 };
    const invalid = (error: string, doc?: Record<string, unknown>) => {
      sink.add('cni_configs', { ...base, valid: 0, error, name: doc ? nonEmpty(doc.name) : null, cni_version: doc ? nonEmpty(doc.cniVersion) : null, plugin_types: null, plugin_count: null });
      sink.error(`${path}: ${error}`);
    };
    let doc: unknown;
    try {
      doc = JSON.parse(stripBom(text));
    } catch (err) {
      invalid(text.trim() === '' ? 'empty file' : errorMessage(err));
      return sink.rows();
    }
    if (!isRecord(doc)) {
      invalid('not a JSON object');
      return sink.rows();
    }
    // libcni reads a .conflist as a list and anything else as a single plugin
    const plugins = isConflist ? arr(doc.plugins).filter(isRecord) : [doc];
    if (isConflist && !Array.isArray(doc.plugins)) {
      invalid('conflist without a "plugins" list', doc);
      return sink.rows();
    }
    if (plugins.length === 0) {
      invalid('conflist with no plugins', doc);
      return sink.rows();
    }
    const missingType = plugins.findIndex((p) => nonEmpty(p.type) === null);
    const error = missingType >= 0 ? `plugin ${missingType} has no "type"` : null;
    sink.add('cni_configs', {
      ...base,
      valid: error === null ? 1 : 0,
      error,
      name: nonEmpty(doc.name),
      cni_version: nonEmpty(doc.cniVersion),
      plugin_types: plugins.map((p) => nonEmpty(p.type) ?? '').join(','),
      plugin_count: plugins.length,
    });
    if (error) sink.error(`${path}: ${error}`);
    plugins.forEach((p, position) => {
      sink.add('cni_plugins', { path, position, ...pluginColumns(p), delegate: json(p.delegate), capabilities: json(p.capabilities), config: JSON.stringify(p) });
    });
    return sink.rows();
  },
};
