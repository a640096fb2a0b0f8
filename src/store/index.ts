/**
 * The state database: SQLite (`<dataDir>/state.sqlite`) by default, PostgreSQL when a URL is
 * given. One Kysely code path for both; migrations run on open.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrations, type Dialect } from './migrations.js';
import type { Database } from './schema.js';

export type { Database } from './schema.js';
export type * from './schema.js';
export type { Dialect } from './migrations.js';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where uploads and other files of this store live. */
  dataDir: string;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  dataDir: string;
  /** postgres://… — use PostgreSQL instead of the embedded SQLite file. */
  databaseUrl?: string;
  /** PostgreSQL only: work inside this schema (created when missing); used to isolate tests. */
  schema?: string;
}

/** The SQLite database and its -wal and -shm files: 0600, whatever the umask. */
function privateSqliteFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  mkdirSync(opts.dataDir, { recursive: true });
  let db: Kysely<Database>;
  let dialect: Dialect;
  let migrationTableSchema: string | undefined;
  if (opts.databaseUrl) {
    dialect = 'postgres';
    const schema = opts.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
      throw new Error(`openStore: invalid schema name '${schema}' (lowercase letters, digits, _)`);
    }
    if (schema) {
      // The migrator looks up its own tables across schemas; pin it to ours.
      migrationTableSchema = schema;
      const client = new pg.Client({ connectionString: opts.databaseUrl });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      } finally {
        await client.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: 5,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle pooled connection that the server closes (restart, failover, a dropped database)
    // emits 'error' on the pool; the pool replaces it on the next query, so it must not crash
    // the process as an unhandled error event.
    pool.on('error', () => undefined);
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  } else {
    dialect = 'sqlite';
    const file = join(opts.dataDir, 'state.sqlite');
    // Only the broker's own user reads the state (0600, whatever the umask); SQLite gives its
    // -wal and -shm files the mode of the database file, and they are set explicitly too.
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    const sqlite = new BetterSqlite3(file);
    sqlite.pragma('journal_mode = WAL');
    privateSqliteFiles(file);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  const migrator = new Migrator({
    db,
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
    provider: { getMigrations: async () => migrations(dialect) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(
      `state database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (dialect === 'sqlite') privateSqliteFiles(join(opts.dataDir, 'state.sqlite'));
  return { db, dialect, dataDir: opts.dataDir, close: () => db.destroy() };
}
