/**
 * The two state-store backends for tests: SQLite in a temp dir, and PostgreSQL in a fresh
 * database per test file and schema per store, on the server named by
 * SAMENZICHT_TEST_DATABASE_URL: the one CI starts, else the embedded PostgreSQL that the vitest
 * global setup (`postgres-global-setup.ts`) starts for the run. Neither suite is ever skipped: a
 * test that gets no server fails, saying so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.js';

/** The server's URL; throws where there is none (a PostgreSQL test fails, never skips). */
export function postgresUrl(): string {
  const url = process.env.SAMENZICHT_TEST_DATABASE_URL;
  if (!url)
    throw new Error(
      'no PostgreSQL for the tests: SAMENZICHT_TEST_DATABASE_URL is unset, and the vitest global setup (test/store/postgres-global-setup.ts, in vitest.config.ts) starts an embedded one only for `npm test` / `npx vitest`',
    );
  return url;
}

/** `fn` with a client on the server's default database (to create and drop test databases). */
export async function postgresAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: postgresUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  open(): Promise<Store>;
  /** Removes every store this backend opened (temp dirs, schemas). */
  cleanup(): Promise<void>;
}

function sqliteBackend(): Backend {
  const dirs: string[] = [];
  const stores: Store[] = [];
  return {
    name: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'samenzicht-store-'));
      dirs.push(dir);
      const s = await openStore({ dataDir: dir });
      stores.push(s);
      return s;
    },
    async cleanup() {
      for (const s of stores) await s.close().catch(() => undefined);
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

/**
 * One database per backend (so per test file) and a schema per store inside it. Schemas alone
 * are not enough: Kysely's migrator introspects every schema of the database, and a schema that
 * another test file drops at that moment fails the introspection.
 */
function postgresBackend(): Backend {
  const dirs: string[] = [];
  const stores: Store[] = [];
  let database: string | null = null;
  let url: string | null = null;
  const admin = postgresAdmin;
  return {
    name: 'postgres',
    async open() {
      if (!url) {
        const name = `samenzicht_t_${randomBytes(6).toString('hex')}`;
        await admin((c) => c.query(`CREATE DATABASE ${name}`));
        database = name;
        const u = new URL(postgresUrl());
        u.pathname = `/${name}`;
        url = u.href;
      }
      const dir = mkdtempSync(join(tmpdir(), 'samenzicht-store-'));
      dirs.push(dir);
      const s = await openStore({
        dataDir: dir,
        databaseUrl: url,
        schema: `s_${randomBytes(6).toString('hex')}`,
      });
      stores.push(s);
      return s;
    },
    async cleanup() {
      for (const s of stores) await s.close().catch(() => undefined);
      const db = database;
      if (db) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

export function backends(): Backend[] {
  return [sqliteBackend(), postgresBackend()];
}

/** A clock the test moves by hand. */
export function testClock(start = '2026-03-01T09:00:00.000Z') {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (iso: string) => {
      t = new Date(iso).getTime();
    },
    advanceDays: (d: number) => {
      t += d * 86_400_000;
    },
  };
}
