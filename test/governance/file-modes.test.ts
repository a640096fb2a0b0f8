/**
 * File modes: the state database (with its -wal and -shm), the contributions and their
 * quarantine reports, partial uploads, and a new instance's folders are the broker user's alone
 * (files 0600, folders 0700), also under a umask of 0, since the modes are set explicitly.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { initInstance, brokerKeysDir } from '../../src/instance/index.js';
import type { ValidateFn } from '../../src/governance/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { setupDemoGovernance, type DemoGovernance } from '../support/demo-governance.js';
import { buildApp, putContribution, smallValidator } from './helpers.js';
import { tempDir } from '../support/temp.js';

const mode = (p: string) => statSync(p).mode & 0o777;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const root = tempDir('samenzicht-modes-');
let umask: number;
beforeAll(() => {
  // With umask 0 a file made without an explicit mode would be 0666: nothing may rely on it.
  umask = process.umask(0);
});
afterAll(() => {
  process.umask(umask);
});

describe('file modes', () => {
  it('a new instance: its folder, broker folders and keys, configuration and state database', async () => {
    const dataDir = join(root, 'instance');
    await initInstance({
      dataDir,
      regions: { dir: 'synthetic' },
      admin: { email: 'beheer@broker.test', name: 'Beheerder' },
    });
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'broker'))).toBe(0o700);
    expect(mode(brokerKeysDir(dataDir))).toBe(0o700);
    for (const f of readdirSync(brokerKeysDir(dataDir)))
      expect(mode(join(brokerKeysDir(dataDir), f)), f).toBe(0o600);
    expect(mode(join(dataDir, 'samenzicht.json'))).toBe(0o600);
    expect(mode(join(dataDir, 'state.sqlite'))).toBe(0o600);
  });

  it('the state database and its -wal and -shm files while it is open', async () => {
    const dir = join(root, 'store');
    const store = await openStore({ dataDir: dir });
    try {
      const file = join(dir, 'state.sqlite');
      expect(existsSync(`${file}-wal`)).toBe(true);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f), f).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  describe('contributions', () => {
    let store: Store;
    let demo: DemoGovernance;
    let app: FastifyInstance;
    const CSV = [
      'object_id;buurtcode;bouwjaar',
      '0363010000000001;BU03630000;1931',
      '0363010000000002;;1965',
    ].join('\n');
    // The real validator writes the quarantine report itself (here without a mode: 0666).
    const validate: ValidateFn = async (file, dataset, opts) => {
      const counts = await smallValidator(file, dataset);
      if (opts?.quarantineFile)
        writeFileSync(opts.quarantineFile, 'row;field;reason\n2;buurtcode;empty\n');
      return counts;
    };
    beforeAll(async () => {
      store = await openStore({ dataDir: join(root, 'uploads') });
      demo = await setupDemoGovernance(store);
      app = await buildApp({ store, governance: demo.governance, validate });
    });
    afterAll(async () => {
      await app.close();
      await store.close();
    });

    it('a stored contribution and its quarantine report are 0600 in 0700 folders', async () => {
      const res = await putContribution(
        app,
        demo.providers.kadaster!.token,
        'kadaster_woningen',
        CSV,
      );
      expect(res.statusCode).toBe(201);
      const contributions = join(store.dataDir, 'contributions');
      const dataset = join(contributions, 'kadaster_woningen');
      expect(mode(contributions)).toBe(0o700);
      expect(mode(join(contributions, '.incoming'))).toBe(0o700);
      expect(mode(dataset)).toBe(0o700);
      expect(readdirSync(dataset).sort()).toEqual([
        `${sha(CSV)}.csv`,
        `${sha(CSV)}.quarantine.csv`,
      ]);
      for (const f of readdirSync(dataset)) expect(mode(join(dataset, f)), f).toBe(0o600);
    });

    it('a partial upload and its metadata are 0600', async () => {
      const body = `${CSV}\n0363010000000003;BU03630000;1990`;
      const res = await putContribution(
        app,
        demo.providers.kadaster!.token,
        'kadaster_woningen',
        body.slice(0, 10),
        {
          'content-type': 'application/octet-stream',
          'x-content-sha256': sha(body),
          'upload-length': String(body.length),
          'upload-offset': '0',
        },
      );
      expect(res.statusCode).toBe(202);
      const incoming = join(store.dataDir, 'contributions', '.incoming');
      const names = readdirSync(incoming).sort();
      expect(names.map((n) => n.replace(/^.*-[0-9a-f]{64}/, '…'))).toEqual([
        '….part',
        '….part.json',
      ]);
      for (const f of names) expect(mode(join(incoming, f)), f).toBe(0o600);
    });
  });
});
