/**
 * A SQLite state database as an older version left it: migrated only up to `migration`, so a
 * test can write rows the old code wrote and then open it with today's store.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { expect } from 'vitest';
import { migrations } from '../../src/store/migrations.js';

export async function legacySqlite(dir: string, migration: string): Promise<Kysely<unknown>> {
  const old = new Kysely<unknown>({
    dialect: new SqliteDialect({ database: new BetterSqlite3(join(dir, 'state.sqlite')) }),
  });
  const migrator = new Migrator({
    db: old,
    provider: { getMigrations: async () => migrations('sqlite') },
  });
  expect((await migrator.migrateTo(migration)).error).toBeUndefined();
  return old;
}
