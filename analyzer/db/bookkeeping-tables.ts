import { RESULT_TABLES } from '../rules/results-tables.js';
import { col, type TableDef } from '../schema/types.js';

/**
 * Tables the loader fills itself (not any parser's). Like every table they get `node_id`; in
 * `nodes` it is the primary key. The rule engine reads `source_status` to skip a rule whose
 * source was not collected, and `files`/`errors` for the snapshot/ rules.
 */
export const NODES_TABLE: TableDef = {
  name: 'nodes',
  description:
    'One row per analyzed snapshot (node). Identity comes from snapshot.json/manifest.json, versions from node_facts. Re-analyzing an input with the same input_sha256 replaces its row (and all its rows in every other table) under a new node_id.',
  columns: [
    col('name', 'TEXT', 'Display name used in errors and reports: hostname, else the base name of the input'),
    col('input', 'TEXT', 'Tarball or snapshot folder the node was read from, as given on the command line (or found inside a folder argument)'),
    col('input_kind', 'TEXT', "'tarball', 'folder', or 'unknown' when the input could not be opened"),
    col('input_sha256', 'TEXT', 'sha256 of the tarball bytes; for a folder, sha256 of its sorted "member NUL sha256 LF" lines; NULL when nothing could be read. The key for idempotent re-analysis'),
    col('input_bytes', 'INTEGER', 'Size of the tarball in bytes (sum of member bytes for a folder)'),
    col('status', 'TEXT', "'ok' (everything listed was read and verified), 'partial' (something is missing, damaged or unverifiable: see errors), 'unreadable' (nothing could be read)"),
    col('hostname', 'TEXT', 'Host name from snapshot.json, else the hostname fact'),
    col('machine_id', 'TEXT', 'systemd machine id from snapshot.json, else the machine_id fact'),
    col('collected_at', 'TEXT', 'When collection started, UTC ISO 8601'),
    col('finished_at', 'TEXT', 'When collection finished (from manifest.json), UTC ISO 8601; NULL when the manifest is missing'),
    col('utc_offset', 'TEXT', "The node's UTC offset at collection, e.g. +0800"),
    col('timezone', 'TEXT', 'The node\'s time zone name, e.g. Asia/Shanghai'),
    col('clock_offset_seconds', 'REAL', "Node clock minus reference clock in seconds (fact clock.offset_seconds), when a parser provides it"),
    col('kernel', 'TEXT', 'Kernel release (fact kernel.release), e.g. 3.10.0-1160.el7.x86_64'),
    col('os', 'TEXT', 'Distribution (fact os.pretty_name, else os.id and os.version_id)'),
    col('docker_version', 'TEXT', 'Docker engine version (fact runtime.docker.version)'),
    col('containerd_version', 'TEXT', 'containerd version (fact runtime.containerd.version)'),
    col('kubelet_version', 'TEXT', 'kubelet version (fact kube.kubelet.version)'),
    col('kube_proxy_version', 'TEXT', 'kube-proxy version (fact kube.proxy.version)'),
    col('kube_proxy_mode', 'TEXT', "kube-proxy mode: iptables, ipvs... (fact kube.proxy.mode)"),
    col('label', 'TEXT', 'The --label given to collect'),
    col('case_id', 'TEXT', 'The --case-id given to collect'),
    col('collector', 'TEXT', "Collector implementation: 'node' or 'sh'"),
    col('collector_version', 'TEXT', 'nodesnap version of the collector'),
    col('format_version', 'INTEGER', 'Snapshot format version from snapshot.json'),
    col('root', 'INTEGER', '1 when collected as root, 0 when not (items needing root were skipped), NULL when unknown'),
    col('sysroot', 'TEXT', 'The --sysroot files were read from (DaemonSet pattern), NULL for /'),
    col('analyzed_at', 'TEXT', 'When this node was loaded into the database, UTC ISO 8601'),
  ],
  indexes: [['input_sha256'], ['hostname']],
};

export const FILES_TABLE: TableDef = {
  name: 'files',
  description:
    'Every member of the snapshot, joined with its manifest item; also one row per manifest item that produced no member (skipped, or listed but missing from the archive: member is then NULL or integrity is missing).',
  columns: [
    col('member', 'TEXT', 'Path below the snapshot top folder, e.g. iptables-save/iptables-save.txt; NULL for a manifest item without output'),
    col('source', 'TEXT', "Source name (first path component; 'snapshot' for snapshot.json and manifest.json)"),
    col('role', 'TEXT', "'header' (snapshot.json), 'manifest', 'output' (command output), 'stderr', 'file' (a collected file), 'stray' (outside any source), 'item' (manifest item without a member)"),
    col('item', 'TEXT', 'Registry item id from the manifest'),
    col('path', 'TEXT', 'For collected files: the absolute path on the node'),
    col('bytes', 'INTEGER', 'Bytes read from the archive; NULL when the member is missing'),
    col('sha256', 'TEXT', 'sha256 of the bytes read; NULL when the member is missing or could not be read to the end'),
    col('manifest_bytes', 'INTEGER', 'Bytes according to the manifest'),
    col('manifest_sha256', 'TEXT', 'sha256 according to the manifest'),
    col('integrity', 'TEXT', "'ok', 'mismatch' (sha256 differs), 'missing' (listed, not in the archive), 'unlisted' (in the archive, not in the manifest), 'unreadable' (reading failed mid-way); NULL when there is no manifest to check against"),
    col('status', 'TEXT', 'Manifest item status: ok, failed, timeout, skipped'),
    col('reason', 'TEXT', 'Why the item was skipped or failed, from the manifest'),
    col('exit_code', 'INTEGER', 'Exit code of the command, from the manifest'),
    col('truncated', 'INTEGER', '1 when the collector dropped output beyond its size cap'),
    col('mtime', 'TEXT', "File items: the file's modification time on the node (ISO 8601 UTC), from the manifest"),
    col('mode', 'TEXT', "File items: the file's mode on the node (octal), from the manifest"),
    col('parsed', 'INTEGER', '1 parsed, 0 its parser failed or a limit applied, NULL not parsed (no parser, stderr, header/manifest)'),
    col('rows', 'INTEGER', 'Rows its parser produced (all tables)'),
  ],
  indexes: [['member'], ['source']],
};

export const SOURCE_STATUS_TABLE: TableDef = {
  name: 'source_status',
  description:
    "One row per node and source: every source of the collector's registry, plus any other source the snapshot holds. A rule whose source is not 'ok' is reported as skipped with this reason, never as passing.",
  columns: [
    col('source', 'TEXT', 'Source name'),
    col('status', 'TEXT', "'ok' (collected, usable), 'failed', 'timeout', 'skipped' (not run: tool missing, not root...), 'missing' (not in the manifest, or listed but absent from the archive), 'parse_error' (collected but no member of it could be parsed)"),
    col('reason', 'TEXT', 'Why it is not ok (from the manifest or the loader); for ok sources, what went wrong with some of its items'),
    col('items', 'INTEGER', 'Manifest items of this source'),
    col('members', 'INTEGER', 'Members of this source read from the archive'),
    col('parsed_members', 'INTEGER', 'Members its parser loaded without failing'),
    col('bytes', 'INTEGER', 'Bytes of its members read from the archive'),
    col('truncated', 'INTEGER', 'Items whose output the collector truncated at its size cap'),
  ],
  indexes: [['source']],
};

export const ERRORS_TABLE: TableDef = {
  name: 'errors',
  description:
    'Everything that went wrong reading a node: one row each, also printed on stderr. The snapshot/ rules report them.',
  columns: [
    col('input', 'TEXT', 'The input (tarball or folder) being read'),
    col('node', 'TEXT', 'Node name (hostname, or the base name of the input when unknown)'),
    col('member', 'TEXT', 'Member path below the top folder (control characters escaped), NULL for errors about the whole input'),
    col('kind', 'TEXT', "'input' (cannot open or not a snapshot), 'archive' (truncated/corrupt archive, bad member names, links, duplicates, missing or invalid snapshot.json/manifest.json), 'integrity' (sha256 mismatch, listed member missing, unlisted member), 'parse' (a parser failed or reported a malformed line), 'limit' (a size limit applied)"),
    col('message', 'TEXT', 'What happened'),
    col('line', 'INTEGER', '1-based line in the member, for parse errors that name one'),
  ],
  indexes: [['kind']],
};

export const REDACTIONS_TABLE: TableDef = {
  name: 'redactions',
  description: 'What the collector redacted (from manifest.redactions): counts and line numbers, never the values.',
  columns: [
    col('member', 'TEXT', 'Member the redaction applied to'),
    col('rule', 'TEXT', 'Redaction rule, e.g. pem-private-key, kubeconfig-secret, env-secret'),
    col('count', 'INTEGER', 'How many values were replaced'),
    col('lines', 'TEXT', 'Comma-separated 1-based line numbers (first 100)'),
  ],
};

// the rule engine's results live in the same database so that a saved --db holds the findings too
export const BOOKKEEPING_TABLES: readonly TableDef[] = [NODES_TABLE, FILES_TABLE, SOURCE_STATUS_TABLE, ERRORS_TABLE, REDACTIONS_TABLE, ...RESULT_TABLES];

/** The one table whose node_id is its primary key. */
export const NODE_TABLE_NAME = 'nodes';

/** Reserved output table of parsers: its rows become `errors` rows of kind parse. */
export const PARSE_ERRORS_TABLE = 'parse_errors';
