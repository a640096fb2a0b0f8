/**
 * Tables and refusal triggers of the migrations as data: one builder emits the same DDL the
 * hand-written chains did, so already-applied migrations and fresh ones give the same schema.
 */
import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from 'kysely';
import type { Dialect } from './migrations.js';

/**
 * A column as `name type [modifier…]`, applied in order: `pk` (primary key), `notNull`,
 * `unique`, `ref=table.column` (a foreign key).
 */
export type ColumnSpec = string;

type Table = CreateTableBuilder<string, string>;
type DataType = Parameters<Table['addColumn']>[1];

export interface TableSpec {
  name: string;
  columns: readonly ColumnSpec[];
  /** A named unique constraint over several columns. */
  unique?: readonly [string, readonly string[]];
  /** A named primary key over several columns. */
  primaryKey?: readonly [string, readonly string[]];
}

/** Columns `<name> <type> notNull`, one per name. */
export const notNull = (type: string, ...names: string[]): ColumnSpec[] =>
  names.map((n) => `${n} ${type} notNull`);

/** Columns `<name> <type>` (nullable), one per name. */
export const nullable = (type: string, ...names: string[]): ColumnSpec[] =>
  names.map((n) => `${n} ${type}`);

function modifier(c: ColumnDefinitionBuilder, mod: string): ColumnDefinitionBuilder {
  if (mod === 'pk') return c.primaryKey();
  if (mod === 'notNull') return c.notNull();
  if (mod === 'unique') return c.unique();
  if (mod.startsWith('ref=')) return c.references(mod.slice(4));
  throw new Error(`unknown column modifier ${mod}`);
}

export async function createTable(db: Kysely<unknown>, spec: TableSpec): Promise<void> {
  let table: Table = db.schema.createTable(spec.name);
  for (const column of spec.columns) {
    const [name, type, ...mods] = column.split(' ') as [string, DataType, ...string[]];
    table =
      mods.length === 0
        ? table.addColumn(name, type)
        : table.addColumn(name, type, (c) => mods.reduce(modifier, c));
  }
  if (spec.unique) table = table.addUniqueConstraint(spec.unique[0], [...spec.unique[1]]);
  if (spec.primaryKey)
    table = table.addPrimaryKeyConstraint(spec.primaryKey[0], [...spec.primaryKey[1]]);
  await table.execute();
}

/** Runs raw DDL: trigger bodies differ per dialect and Kysely's builder has no trigger API. */
export async function raw(db: Kysely<unknown>, statement: string): Promise<void> {
  await sql.raw(statement).execute(db);
}

/**
 * A table whose rows are never updated or deleted: SQLite gets `<prefix>_no_update` and
 * `<prefix>_no_delete` triggers; PostgreSQL a function `pgName()` and a trigger of that name.
 */
export async function refuseChanges(
  db: Kysely<unknown>,
  dialect: Dialect,
  table: { name: string; sqlitePrefix: string; pgName: string; message: string },
): Promise<void> {
  if (dialect === 'sqlite') {
    for (const op of ['UPDATE', 'DELETE']) {
      await raw(
        db,
        `CREATE TRIGGER ${table.sqlitePrefix}_no_${op.toLowerCase()} BEFORE ${op} ON ${table.name} ` +
          `BEGIN SELECT RAISE(ABORT, '${table.message}'); END`,
      );
    }
    return;
  }
  await raw(
    db,
    `CREATE FUNCTION ${table.pgName}() RETURNS trigger AS $$ ` +
      `BEGIN RAISE EXCEPTION '${table.message}'; END; $$ LANGUAGE plpgsql`,
  );
  await raw(
    db,
    `CREATE TRIGGER ${table.pgName} BEFORE UPDATE OR DELETE ON ${table.name} ` +
      `FOR EACH ROW EXECUTE FUNCTION ${table.pgName}()`,
  );
}
