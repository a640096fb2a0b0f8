/**
 * `serve` refuses to start when private files of the instance can be read by others, and serves
 * HTTPS when given a certificate.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  brokerKeysDir,
  exposedPaths,
  ExposedFilesError,
  initInstance,
} from '../../src/instance/index.js';
import { startServer } from '../../src/pipeline/serve.js';
import { loadRegionSet, type RegionSet } from '../../src/regions/index.js';
import { main } from '../../src/cli/main.js';
import { freePort } from '../support/net.js';
import { tempDir } from '../support/temp.js';

const root = tempDir('samenzicht-perms-');
const dataDir = join(root, 'broker');
const TLS = join(import.meta.dirname, '..', 'fixtures', 'tls');
let regions: RegionSet;

beforeAll(async () => {
  await initInstance({
    dataDir,
    regions: { dir: 'synthetic' },
    admin: { email: 'beheer@broker.test', name: 'Beheerder' },
  });
  regions = await loadRegionSet(null);
});

/** `samenzicht serve …` in this process: its exit code and what it wrote to stderr. */
async function serveCli(args: string[]): Promise<{ code: number; stderr: string }> {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => (lines.push(String(s)), true)) as typeof write;
  try {
    const code = await main(['node', 'samenzicht', 'serve', ...args]);
    return { code, stderr: lines.join('') };
  } finally {
    process.stderr.write = write;
  }
}

describe('private files', () => {
  it('a new instance has none that others can read', () => {
    expect(exposedPaths(dataDir)).toEqual([]);
  });

  it('what start-up recovery removes (a crashed run, a half-written release) does not block the start', () => {
    const scratch = join(dataDir, 'broker', 'runs', 'run-crashed');
    const half = join(dataDir, 'releases', '.tmp-r1-123', 'restricted');
    mkdirSync(scratch, { recursive: true, mode: 0o755 });
    mkdirSync(half, { recursive: true, mode: 0o755 });
    writeFileSync(join(scratch, 'broker.duckdb'), 'x', { mode: 0o644 });
    writeFileSync(join(half, 'cells.csv'), 'x', { mode: 0o644 });
    try {
      expect(exposedPaths(dataDir)).toEqual([]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
      rmSync(join(dataDir, 'releases', '.tmp-r1-123'), { recursive: true, force: true });
    }
  });

  it('serve refuses to start while the state database or a key is readable by others, and names them', async () => {
    chmodSync(join(dataDir, 'state.sqlite'), 0o644);
    chmodSync(brokerKeysDir(dataDir), 0o755);
    try {
      expect(exposedPaths(dataDir)).toEqual([
        { path: 'state.sqlite', mode: 0o644 },
        { path: 'broker/keys', mode: 0o755 },
      ]);
      await expect(
        startServer({ dataDir, regions, port: await freePort() }),
      ).rejects.toBeInstanceOf(ExposedFilesError);
      const port = String(await freePort());
      const cli = await serveCli(['--data', dataDir, '--port', port]);
      expect(cli.code).toBe(2);
      expect(cli.stderr).toContain('refusing to start');
      expect(cli.stderr).toContain('state.sqlite (0644)');
      expect(cli.stderr).toContain('broker/keys (0755)');
      expect(cli.stderr).toContain(`chmod -R go-rwx ${dataDir}`);
    } finally {
      chmodSync(join(dataDir, 'state.sqlite'), 0o600);
      chmodSync(brokerKeysDir(dataDir), 0o700);
    }
  });
});

describe('TLS', () => {
  it('serve --tls-cert/--tls-key answers over HTTPS', async () => {
    const port = await freePort();
    const server = await startServer({
      dataDir,
      regions,
      port,
      tls: { certFile: join(TLS, 'cert.pem'), keyFile: join(TLS, 'key.pem') },
    });
    try {
      expect(server.url).toBe(`https://localhost:${port}`);
      const get = (path: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = request(
            {
              host: '127.0.0.1',
              port,
              path,
              servername: 'localhost',
              ca: readFileSync(join(TLS, 'cert.pem')),
            },
            (res) => {
              let body = '';
              res.on('data', (c: Buffer) => (body += c.toString()));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            },
          );
          req.on('error', reject);
          req.end();
        });
      const health = await get('/api/v1/health');
      expect(health.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('refuses one of --tls-cert and --tls-key without the other', async () => {
    const cli = await serveCli(['--data', dataDir, '--tls-cert', join(TLS, 'cert.pem')]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('--tls-cert and --tls-key go together');
  });
});
