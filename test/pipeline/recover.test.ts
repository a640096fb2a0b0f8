/**
 * Start-up after a crash: a killed run's scratch folder (linked microdata) and a half-written
 * release folder are removed; a damaged broker database stops the start with a clear message;
 * `serve` does not take a demo's directory for a broker's unless told so.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initInstance, brokerDatabasePath } from '../../src/instance/index.js';
import { DamagedInstanceError, recoverInstance } from '../../src/pipeline/recover.js';
import { main } from '../../src/cli/main.js';
import { tempDir } from '../support/temp.js';

const root = tempDir('samenzicht-recover-');

const instance = async (name: string) => {
  const dataDir = join(root, name);
  await initInstance({
    dataDir,
    regions: { dir: 'synthetic' },
    admin: { email: 'beheer@broker.test', name: 'Beheerder' },
  });
  return dataDir;
};

describe('recovery at start-up', () => {
  it('removes the scratch of a killed run and a half-written release, keeps the rest', async () => {
    const dataDir = await instance('a');
    const scratch = join(dataDir, 'broker', 'runs', 'run-1');
    mkdirSync(join(scratch, 'spill'), { recursive: true });
    writeFileSync(join(scratch, 'broker.duckdb'), 'linked microdata');
    const releases = join(dataDir, 'releases');
    mkdirSync(join(releases, '.tmp-20261201T000000Z-abcdef12-4242'), { recursive: true });
    mkdirSync(join(releases, '20261201T000000Z-abcdef12'));
    const r = await recoverInstance(dataDir);
    expect(r).toEqual({
      runFolders: ['run-1'],
      partialReleases: ['.tmp-20261201T000000Z-abcdef12-4242'],
    });
    expect(readdirSync(join(dataDir, 'broker', 'runs'))).toEqual([]);
    expect(readdirSync(releases)).toEqual(['20261201T000000Z-abcdef12']);
    expect(existsSync(join(dataDir, 'broker', 'keys'))).toBe(true);
  });

  it('refuses a broker database that does not open, naming it and what to do', async () => {
    const dataDir = await instance('b');
    writeFileSync(brokerDatabasePath(dataDir), 'not a duckdb file at all'.repeat(1000));
    await expect(recoverInstance(dataDir)).rejects.toThrow(DamagedInstanceError);
    await expect(recoverInstance(dataDir)).rejects.toThrow(
      /broker\.duckdb does not open.*rebuilds/,
    );
  });
});

describe('serve and a demo directory', () => {
  it('refuses a directory the demo made unless --demo is given', async () => {
    const dataDir = join(root, 'demo');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, '.samenzicht-demo'), 'made by the demo');
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (lines.push(String(s)), true)) as typeof write;
    let code: number;
    try {
      code = await main(['node', 'samenzicht', 'serve', '--data', dataDir, '--port', '1']);
    } finally {
      process.stderr.write = write;
    }
    expect(code).toBe(2);
    expect(lines.join('')).toMatch(/made by `samenzicht demo`.*--demo/);
  });
});
