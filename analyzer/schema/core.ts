import { col, type TableDef } from './types.js';

/** Tables the loader itself fills (not any one parser's). */
export const CORE_TABLES: TableDef[] = [
  {
    name: 'node_facts',
    description: 'Identity and version facts of a node, as key/value pairs from several sources (uname, os-release, docker version...). The nodes table summarises the well-known keys.',
    columns: [
      col('source', 'TEXT', 'Source the fact came from'),
      col('key', 'TEXT', 'Fact key, e.g. kernel.release, os.pretty_name, runtime.docker.version'),
      col('value', 'TEXT', 'Fact value as text'),
    ],
    indexes: [['key']],
  },
];
