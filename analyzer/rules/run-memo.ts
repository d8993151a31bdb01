/**
 * Work shared by the rules of one run: several rules read the same 50,000-rule iptables dump,
 * so a library may compute such a thing once per run (memoForRun) instead of once per rule.
 * The memo lives only while runRules runs: nothing is kept between runs, and outside a run
 * memoForRun simply computes.
 */
import type { Database } from 'better-sqlite3';

const memos = new WeakMap<Database, Map<string, unknown>>();

export function beginRun(db: Database): void {
  memos.set(db, new Map());
}

export function endRun(db: Database): void {
  memos.delete(db);
}

/** `compute()` once per key during a rules run over `db`. The value is shared: never mutate it. */
export function memoForRun<T>(db: Database, key: string, compute: () => T): T {
  const memo = memos.get(db);
  if (!memo) return compute();
  if (memo.has(key)) return memo.get(key) as T;
  const value = compute();
  memo.set(key, value);
  return value;
}
