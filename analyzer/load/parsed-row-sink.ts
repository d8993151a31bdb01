import type { Cell, Row, Rows } from '../parsers/types.js';
import type { NodeRows, SqlValue, TableBuffer } from '../db/node-rows.js';
import { PARSE_ERRORS_TABLE } from '../db/bookkeeping-tables.js';
import type { SchemaPlan, TablePlan } from '../db/schema-plan.js';
import type { NodeErrorLog } from './node-error-log.js';

const NODE_FACTS = 'node_facts';

/**
 * Where a table's rows go, and the column index of each key of the last row seen: a parser makes
 * its rows of one table with the same keys in the same order, so the keys are compared with the
 * previous row's (property names are interned strings: an identity check) instead of looked up.
 */
interface TableTarget {
  plan: TablePlan;
  buffer: TableBuffer;
  keys: string[];
  indexes: number[];
}

/**
 * Where parser output goes. Parsers are written by other people and may be wrong: a row for an
 * unknown table or column, or a value of the wrong type, becomes one parse error per member
 * (naming the parser's source), never a crash and never a lost node.
 */
export class ParsedRowSink {
  /** First non-empty value of each node_facts key, for the nodes table. */
  readonly facts = new Map<string, string>();
  private member = '';
  private source = '';
  private memberRows = 0;
  private readonly reported = new Set<string>();
  private readonly targets = new Map<string, TableTarget>();
  private last: TableTarget | null = null;

  constructor(
    private readonly rows: NodeRows,
    private readonly plan: SchemaPlan,
    private readonly errors: NodeErrorLog,
  ) {}

  beginMember(member: string, source: string): void {
    this.member = member;
    this.source = source;
    this.memberRows = 0;
    this.reported.clear();
  }

  /** Ends the member; returns how many rows its parser produced. */
  endMember(): number {
    this.errors.endMember(this.member);
    return this.memberRows;
  }

  addAll(rows: Rows): void {
    if (typeof rows !== 'object' || rows === null) {
      this.reportOnce('result', `${this.source} parser returned ${rows === null ? 'null' : typeof rows} instead of rows by table`);
      return;
    }
    for (const [table, list] of Object.entries(rows)) {
      if (!Array.isArray(list)) {
        this.reportOnce(`list:${table}`, `${this.source} parser returned a non-list for table "${table}" (dropped)`);
        continue;
      }
      for (const row of list) this.add(table, row);
    }
  }

  add(table: string, row: Row): void {
    if (typeof row !== 'object' || row === null) {
      this.reportOnce(`row:${table}`, `${this.source} parser produced a non-object row for table "${table}" (dropped)`);
      return;
    }
    if (table === PARSE_ERRORS_TABLE) {
      const line = typeof row.line === 'number' && Number.isFinite(row.line) ? Math.trunc(row.line) : null;
      this.errors.malformedLine(this.member, typeof row.message === 'string' ? row.message : String(row.message), line);
      return;
    }
    let target = this.last;
    if (target === null || target.plan.name !== table) {
      target = this.targets.get(table) ?? this.newTarget(table);
      if (target === null) {
        this.reportOnce(`table:${table}`, `${this.source} parser produced rows for unknown table "${table}" (dropped)`);
        return;
      }
      this.last = target;
    }
    const { plan, buffer, keys, indexes } = target;
    const params = buffer.params;
    const at = buffer.open();
    let k = 0;
    for (const key in row) {
      let index: number | undefined;
      if (keys[k] === key) {
        index = indexes[k];
      } else {
        index = plan.columnIndex.get(key) ?? -1;
        keys[k] = key;
        indexes[k] = index;
      }
      k++;
      if (index === undefined || index < 0) {
        this.reportOnce(`column:${table}.${key}`, `${this.source} parser produced unknown column ${table}.${key} (value dropped)`);
        continue;
      }
      params[at + index] = this.sqlValue(row[key], table, key);
    }
    buffer.close();
    this.memberRows++;
    if (table === NODE_FACTS) this.offerFact(row);
  }

  private newTarget(table: string): TableTarget | null {
    const plan = this.plan.parsed.get(table);
    if (!plan) return null;
    const target: TableTarget = { plan, buffer: this.rows.buffer(plan), keys: [], indexes: [] };
    this.targets.set(table, target);
    return target;
  }

  private sqlValue(value: Cell | undefined, table: string, column: string): SqlValue {
    switch (typeof value) {
      case 'string':
      case 'bigint':
        return value;
      case 'number':
        return Number.isNaN(value) ? null : value;
      case 'boolean':
        return value ? 1 : 0;
      case 'undefined':
        return null;
      default:
        if (value === null) return null;
        this.reportOnce(`type:${table}.${column}`, `${this.source} parser produced a ${typeof value} for ${table}.${column} (stored as JSON text)`);
        try {
          return JSON.stringify(value) ?? null;
        } catch {
          return null;
        }
    }
  }

  private offerFact(row: Row): void {
    const key = row.key;
    const value = row.value;
    if (typeof key !== 'string' || value === null || value === undefined || value === '') return;
    if (!this.facts.has(key)) this.facts.set(key, String(value));
  }

  private reportOnce(key: string, message: string): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.errors.record('parse', this.member, message);
  }
}
