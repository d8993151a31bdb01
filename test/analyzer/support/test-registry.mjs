// A tiny parser registry for the loader's tests (plain JS: worker threads import it by URL).
import { isMainThread } from 'node:worker_threads';

const col = (name, type, description) => ({ name, type, description });

export const tables = [
  {
    name: 'node_facts',
    description: 'facts',
    columns: [col('source', 'TEXT', 'source'), col('key', 'TEXT', 'key'), col('value', 'TEXT', 'value')],
    indexes: [['key']],
  },
  {
    name: 'test_lines',
    description: 'one row per line of a "lines" member',
    columns: [col('line_no', 'INTEGER', 'line'), col('text', 'TEXT', 'text'), col('shout', 'INTEGER', 'upper case (boolean)'), col('member', 'TEXT', 'member'), col('collected_at', 'TEXT', 'ctx')],
    indexes: [['line_no']],
  },
  {
    name: 'test_blobs',
    description: 'one row per "blob" member',
    columns: [col('bytes', 'INTEGER', 'bytes'), col('chunks', 'INTEGER', 'chunks'), col('path', 'TEXT', 'ctx path')],
  },
];

const uname = {
  kind: 'text',
  parse(text) {
    const f = text.trim().split(/\s+/);
    return {
      node_facts: [
        { source: 'uname', key: 'kernel.release', value: f[2] ?? '' },
        { source: 'uname', key: 'hostname', value: f[1] ?? '' },
        { source: 'uname', key: 'kube.proxy.mode', value: 'ipvs' },
        { source: 'uname', key: 'clock.offset_seconds', value: '-1.5' },
      ],
    };
  },
};

const lines = {
  kind: 'text',
  parse(text, ctx) {
    const rows = [];
    const errors = [];
    text.split('\n').forEach((line, i) => {
      if (line === '') return;
      if (line.startsWith('!')) errors.push({ line: i + 1, message: `bad line: ${line}` });
      else rows.push({ line_no: i + 1, text: line, shout: line === line.toUpperCase(), member: ctx.member, collected_at: ctx.collectedAt });
    });
    return { test_lines: rows, parse_errors: errors };
  },
};

const blob = {
  kind: 'stream',
  async *parse(chunks, ctx) {
    let bytes = 0;
    let count = 0;
    for await (const chunk of chunks) {
      bytes += chunk.length;
      count++;
    }
    yield ['test_blobs', { bytes, chunks: count, path: ctx.path ?? null }];
  },
};

const early = {
  kind: 'stream',
  async *parse(chunks) {
    for await (const chunk of chunks) {
      yield ['test_blobs', { bytes: chunk.length, chunks: 1, path: 'early' }];
      return;
    }
  },
};

const boom = {
  kind: 'text',
  parse() {
    throw new Error('kaboom');
  },
};

const rogue = {
  kind: 'text',
  parse() {
    return {
      nope: [{ a: 1 }],
      test_lines: [
        { line_no: 1, text: 'ok', bogus: 'x' },
        { line_no: 2, text: { not: 'a cell' } },
      ],
    };
  },
};

// Takes its worker thread down, as a native crash or an out-of-memory kill would.
const die = {
  kind: 'text',
  parse() {
    if (!isMainThread) process.exit(7);
    throw new Error('die: ends the worker thread only when run in one');
  },
};

// A stream parser that breaks the [table, row] contract after one good row.
const oddStream = {
  kind: 'stream',
  async *parse() {
    yield ['test_blobs', { bytes: 1, chunks: 1, path: 'before' }];
    yield 'not a pair';
  },
};

const parsers = { uname, lines, blob, early, boom, rogue, die, 'odd-stream': oddStream };

export const registry = {
  parserFor: (source) => (Object.hasOwn(parsers, source) ? parsers[source] : undefined),
  tables,
  sources: ['uname', 'lines', 'blob', 'early', 'boom', 'rogue', 'never-collected'],
};
