import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ensureSchema } from '../db/database.js';
import { NodeRows } from '../db/node-rows.js';
import { planSchema } from '../db/schema-plan.js';
import { col } from '../schema/types.js';
import { NodeErrorLog } from './node-error-log.js';
import { ParsedRowSink } from './parsed-row-sink.js';

function setup() {
  const plan = planSchema([
    { name: 'things', description: 'things', columns: [col('a', 'TEXT', 'a'), col('b', 'INTEGER', 'b'), col('c', 'TEXT', 'c')] },
    { name: 'others', description: 'others', columns: [col('x', 'INTEGER', 'x')] },
  ]);
  const db = new Database(':memory:');
  ensureSchema(db, plan);
  const rows = new NodeRows(db, plan, 7);
  const errors = new NodeErrorLog(rows, 'in.tgz', 'node', undefined, 100);
  const sink = new ParsedRowSink(rows, plan, errors);
  sink.beginMember('m/m.txt', 'm');
  const read = () => {
    rows.flush();
    return {
      things: db.prepare('SELECT node_id, a, b, c FROM things ORDER BY rowid').all(),
      others: db.prepare('SELECT x FROM others ORDER BY rowid').all(),
      errors: (db.prepare('SELECT message FROM errors ORDER BY rowid').all() as { message: string }[]).map((e) => e.message),
    };
  };
  return { sink, read };
}

describe('ParsedRowSink', () => {
  it('puts every value in its column whatever the key order, missing keys NULL, across tables and batches', () => {
    const { sink, read } = setup();
    sink.add('things', { a: 'x', b: 1, c: 'y' });
    sink.add('things', { c: 'z', a: 'w', b: 2 }); // another key order than the row before
    sink.add('others', { x: 5 });
    sink.add('things', { b: 3 }); // keys missing: NULL, not the previous row's values
    sink.add('things', { a: 'v', nope: 1, c: 'u' }); // an unknown key between known ones
    for (let i = 0; i < 150; i++) sink.add('things', { a: `r${i}`, b: i, c: null }); // beyond one 64-row batch
    const { things, others, errors } = read();
    expect(things.slice(0, 4)).toEqual([
      { node_id: 7, a: 'x', b: 1, c: 'y' },
      { node_id: 7, a: 'w', b: 2, c: 'z' },
      { node_id: 7, a: null, b: 3, c: null },
      { node_id: 7, a: 'v', b: null, c: 'u' },
    ]);
    expect(things).toHaveLength(154);
    expect(things[153]).toEqual({ node_id: 7, a: 'r149', b: 149, c: null });
    expect(others).toEqual([{ x: 5 }]);
    expect(errors).toEqual(['m parser produced unknown column things.nope (value dropped)']);
    expect(sink.endMember()).toBe(155);
  });

  it('converts cell types: booleans to 0/1, NaN and undefined to NULL, objects to JSON with one error', () => {
    const { sink, read } = setup();
    sink.add('things', { a: 'n', b: true as unknown as number, c: undefined as unknown as string });
    sink.add('things', { a: { k: 1 } as unknown as string, b: false as unknown as number });
    sink.add('things', { b: Number.NaN });
    const { things, errors } = read();
    expect(things).toEqual([
      { node_id: 7, a: 'n', b: 1, c: null },
      { node_id: 7, a: '{"k":1}', b: 0, c: null },
      { node_id: 7, a: null, b: null, c: null },
    ]);
    expect(errors).toEqual(['m parser produced a object for things.a (stored as JSON text)']);
  });
});
