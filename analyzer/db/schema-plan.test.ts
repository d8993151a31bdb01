import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { col, type TableDef } from '../schema/types.js';
import { createIndexes, DatabaseSchemaError, ensureSchema } from './database.js';
import { planSchema, SchemaDefinitionError } from './schema-plan.js';

const table = (name: string, columns = [col('a', 'TEXT', 'a')], indexes?: string[][]): TableDef => ({ name, description: name, columns, ...(indexes ? { indexes } : {}) });

describe('planSchema', () => {
  it('adds node_id first, indexes node_id and the declared indexes', () => {
    const plan = planSchema([table('things', [col('a', 'TEXT', 'a'), col('b', 'INTEGER', 'b')], [['a', 'b']])]);
    const db = new Database(':memory:');
    const indexesOf = (table: string) => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name").all(table) as { name: string }[]).map((r) => r.name);
    expect(ensureSchema(db, plan)).toBe(true);
    // a new database gets the parser tables' indexes after the bulk load
    expect(indexesOf('things')).toEqual([]);
    expect(indexesOf('errors')).toEqual(['errors__kind', 'errors__node_id']);
    createIndexes(db, plan);
    expect(ensureSchema(db, plan)).toBe(false);
    expect((db.prepare('PRAGMA table_info(things)').all() as { name: string; notnull: number }[]).map((c) => [c.name, c.notnull])).toEqual([
      ['node_id', 1],
      ['a', 0],
      ['b', 0],
    ]);
    expect(indexesOf('things')).toEqual(['things__a__b', 'things__node_id']);
    expect((db.prepare('PRAGMA table_info(nodes)').all() as { name: string; pk: number }[])[0]).toMatchObject({ name: 'node_id', pk: 1 });
    // every table has node_id
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]) {
      expect((db.prepare(`PRAGMA table_info(${name})`).all() as { name: string }[])[0]?.name, name).toBe('node_id');
    }
  });

  it('refuses definitions that would break the database', () => {
    expect(() => planSchema([table('bad name')])).toThrow(SchemaDefinitionError);
    expect(() => planSchema([table('t', [col('x; DROP', 'TEXT', '')])])).toThrow(SchemaDefinitionError);
    expect(() => planSchema([table('t', [col('node_id', 'INTEGER', '')])])).toThrow(/node_id/);
    expect(() => planSchema([table('files')])).toThrow(/defined twice/);
    expect(() => planSchema([table('parse_errors')])).toThrow(/reserved/);
    expect(() => planSchema([table('t', [col('a', 'TEXT', ''), col('a', 'TEXT', '')])])).toThrow(/twice/);
    expect(() => planSchema([table('t', undefined, [['nope']])])).toThrow(/unknown column/);
  });

  it('batches rows per statement within SQLite\'s parameter limit', () => {
    const wide = planSchema([table('wide', Array.from({ length: 1000 }, (_, i) => col(`c${i}`, 'TEXT', '')))]).parsed.get('wide')!;
    expect(wide.batchRows * 1001).toBeLessThanOrEqual(32_766);
    expect(planSchema([table('narrow')]).parsed.get('narrow')!.batchRows).toBe(64);
  });

  it('the fingerprint follows the tables: another schema is refused', () => {
    const a = planSchema([table('t1')]);
    const b = planSchema([table('t2')]);
    expect(a.fingerprint).not.toBe(b.fingerprint);
    expect(planSchema([table('t1')]).fingerprint).toBe(a.fingerprint);
    const db = new Database(':memory:');
    ensureSchema(db, a);
    ensureSchema(db, a);
    expect(() => ensureSchema(db, b)).toThrow(DatabaseSchemaError);
  });
});
