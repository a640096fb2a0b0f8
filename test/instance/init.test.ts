/**
 * `samenzicht init`: a new instance has its configuration, state database, broker key and one
 * administrator whose token works, and nothing else; it refuses a directory in use, and names the
 * file, field and reason of a bad catalogue file before it writes anything.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  configPath,
  initInstance,
  instanceRegionScope,
  readInstanceConfig,
  InstanceError,
} from '../../src/instance/index.js';
import { createApp } from '../../src/pipeline/serve.js';
import { loadRegionSet } from '../../src/regions/index.js';
import { main } from '../../src/cli/main.js';
import { initArgs, MINIMAL_CONFIG } from '../support/instances.js';
import { SHIPPED_CATALOGUE_DIR } from '../../src/indicators/files.js';
import { tempDir } from '../support/temp.js';
import { setupDemoGovernance } from '../support/demo-governance.js';
import { openStore } from '../../src/store/index.js';

const root = tempDir('samenzicht-init-');

const admin = { email: 'beheer@broker.test', name: 'Beheerder' };

describe('init', () => {
  it('creates a private instance with one administrator whose token works', async () => {
    const dataDir = join(root, 'a');
    const r = await initInstance({ dataDir, regions: { dir: 'synthetic' }, admin });
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(configPath(dataDir)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dataDir).sort()).toEqual(['broker', 'samenzicht.json', 'state.sqlite']);
    expect(readInstanceConfig(dataDir)).toMatchObject({
      database: 'sqlite',
      scheme: 'keyed',
      regions: { dir: 'synthetic' },
    });
    const regions = await loadRegionSet(null);
    const { app, runs } = await createApp({ dataDir, regions, publicBaseUrl: 'http://localhost' });
    try {
      expect(runs).not.toBeNull();
      const me = await app.inject({
        url: '/api/v1/auth/me',
        headers: { authorization: `Bearer ${r.token}` },
      });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ email: admin.email, roles: ['broker'] });
      const users = await app.inject({
        url: '/api/v1/users',
        headers: { authorization: `Bearer ${r.token}` },
      });
      expect(users.json().users).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('refuses a directory that is not empty, and leaves it as it was', async () => {
    const dataDir = join(root, 'b');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'notes.txt'), 'mine');
    await expect(initInstance({ dataDir, regions: { dir: 'synthetic' }, admin })).rejects.toThrow(
      /not empty/,
    );
    expect(readdirSync(dataDir)).toEqual(['notes.txt']);
  });

  it('names the file, field and reason of a malformed catalogue file, and writes nothing', async () => {
    const catalogue = join(root, 'catalogue');
    mkdirSync(catalogue);
    // A copy of a shipped definition with one mistake: a kind the catalogue does not know.
    const shipped = JSON.parse(readFileSync(join(SHIPPED_CATALOGUE_DIR, 'inwoners.json'), 'utf8'));
    writeFileSync(
      join(catalogue, 'kapot.json'),
      JSON.stringify({ ...shipped, id: 'kapot', kind: 'sometimes' }),
    );
    const dataDir = join(root, 'c');
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (lines.push(String(s)), true)) as typeof write;
    let code: number;
    try {
      code = await main([
        'node',
        'samenzicht',
        ...initArgs({ dataDir, catalogue, adminEmail: admin.email }),
      ]);
    } finally {
      process.stderr.write = write;
    }
    expect(code).toBe(2);
    const message = lines.join('');
    expect(message).toContain('kapot.json');
    expect(message).toMatch(/field 'kind'/);
    expect(message).toMatch(/sometimes|expected one of/);
    expect(readdirSync(root)).not.toContain('c');
  });

  it('a regional instance publishes the regions it covers wholly, never Nederland', async () => {
    const dataDir = join(root, 'd');
    const regions = await loadRegionSet(null);
    const gemeente = regions.ofLevel('gemeente')[0]!;
    await initInstance({ dataDir, regions: { dir: 'synthetic', area: gemeente.code }, admin });
    const scope = await instanceRegionScope(dataDir, readInstanceConfig(dataDir));
    expect(scope.published?.has(gemeente.code)).toBe(true);
    expect(scope.published?.has('NL01')).toBe(false);
    expect(scope.regions.ofLevel('gemeente').map((g) => g.code)).toEqual([gemeente.code]);
  });

  it('binds its server to its upload limits: a file over them is refused, naming the limit', async () => {
    const dataDir = join(root, 'f');
    await initInstance({
      dataDir,
      regions: { dir: 'synthetic' },
      admin: { ...admin, organisationId: 'beheer' },
      uploadLimits: { uploadBytes: 1000 },
    });
    expect(readInstanceConfig(dataDir).uploadLimits).toEqual({ uploadBytes: 1000 });
    const store = await openStore({ dataDir });
    const demo = await setupDemoGovernance(store);
    await store.close();
    const regions = await loadRegionSet(null);
    const { app } = await createApp({ dataDir, regions, publicBaseUrl: 'http://localhost' });
    try {
      const body = Buffer.alloc(2000, 'a');
      const res = await app.inject({
        method: 'PUT',
        url: '/api/v1/contributions/brp_personen',
        headers: {
          authorization: `Bearer ${demo.providerUserFor('brp_personen').token}`,
          'content-type': 'application/octet-stream',
          'x-content-sha256': createHash('sha256').update(body).digest('hex'),
        },
        payload: body,
      });
      expect(res.statusCode).toBe(413);
      expect(res.json().message).toBe('upload of 2000 bytes exceeds the limit of 1000 bytes');
    } finally {
      await app.close();
    }
  });

  it('refuses an upload limit that is not a whole number ≥ 1, or unknown, naming it', () => {
    const dataDir = join(root, 'g');
    mkdirSync(dataDir);
    for (const [limits, field] of [
      [{ rows: 0 }, 'uploadLimits.rows'],
      [{ uploadBytes: 1.5 }, 'uploadLimits.uploadBytes'],
      [{ bogus: 1 }, 'uploadLimits'],
    ] as const) {
      writeFileSync(
        configPath(dataDir),
        JSON.stringify({ ...MINIMAL_CONFIG, uploadLimits: limits }),
      );
      expect(() => readInstanceConfig(dataDir)).toThrow(new RegExp(`: ${field}: `));
    }
  });

  it('a damaged configuration is an error naming the field', () => {
    const dataDir = join(root, 'e');
    mkdirSync(dataDir);
    writeFileSync(configPath(dataDir), JSON.stringify({ format: 'samenzicht-instance/1' }));
    expect(() => readInstanceConfig(dataDir)).toThrow(InstanceError);
    expect(() => readInstanceConfig(dataDir)).toThrow(/createdAt|database|regions/);
  });
});
