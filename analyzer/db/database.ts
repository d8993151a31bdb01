import Database from 'better-sqlite3';
import type { SchemaPlan } from './schema-plan.js';

export type Db = Database.Database;

export class DatabaseSchemaError extends Error {}

/** The output database: a file (WAL, so a reader can query while a batch loads) or memory. */
export function openOutputDatabase(file?: string): Db {
  const db = new Database(file ?? ':memory:');
  if (file) {
    db.pragma('journal_mode = WAL');
    // The database is derived from the tarballs and can always be made again: fsyncs (at every
    // checkpoint, and the final one at close: ~0.1 s on a large node) buy nothing worth their time.
    // WAL still keeps it consistent if nodesnap itself dies midway (each node is one transaction).
    db.pragma('synchronous = OFF');
    // every checkpoint fsyncs: at the default 1000 pages they cost more than loading the nodes (measured 4x)
    db.pragma('wal_autocheckpoint = 16384');
  }
  db.pragma('busy_timeout = 10000');
  // 16 MiB: rows are appended (no index is maintained during a first load), so a larger page
  // cache bought no speed, and its 64 MiB counted against the 500 MB a large node may take
  db.pragma('cache_size = -16384');
  db.pragma('temp_store = MEMORY');
  return db;
}

/**
 * A worker's staging database: written once by one thread, read once by the merge, then deleted.
 * Durability buys nothing here (a crashed worker's file is discarded), so no journal, no fsync.
 * Pass `plan` to create the tables; without it the file is a copy of a staging template.
 */
export function openStagingDatabase(file: string, plan?: SchemaPlan): Db {
  const db = new Database(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -16384');
  if (plan) db.exec(plan.stagingDdl.join(';\n'));
  return db;
}

/**
 * Creates the tables in a new database, or checks that an existing one was made by this very
 * schema (its fingerprint is in user_version): mixing schemas would silently lose columns.
 * Returns true for a new database: its parser-table indexes are then left to `createIndexes`
 * after the bulk load. An existing database gets any index it lacks (a run that died before
 * creating them) right away.
 */
export function ensureSchema(db: Db, plan: SchemaPlan): boolean {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === plan.fingerprint) {
    createIndexes(db, plan);
    return false;
  }
  if (version !== 0) {
    throw new DatabaseSchemaError(
      `database ${db.name} was made by another version of the nodesnap schema (fingerprint ${version}, this one ${plan.fingerprint}); use a new --db file`,
    );
  }
  const tableCount = (db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n;
  if (tableCount > 0) throw new DatabaseSchemaError(`database ${db.name} already holds tables that nodesnap did not create; use a new --db file`);
  db.transaction(() => {
    db.exec([...plan.stagingDdl, ...plan.bookkeepingIndexDdl].join(';\n'));
    db.pragma(`user_version = ${plan.fingerprint}`);
  })();
  return true;
}

/** Every index of the schema (CREATE INDEX IF NOT EXISTS: cheap when they exist). */
export function createIndexes(db: Db, plan: SchemaPlan): void {
  db.exec([...plan.bookkeepingIndexDdl, ...plan.parsedIndexDdl].join(';\n'));
}
