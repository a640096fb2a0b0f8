import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HttpKeyholder,
  InProcessKeyholder,
  initBrokerKeys,
  keyedStage1,
  pepBrokerPseudonymiser,
  pepEncrypter,
  pepStage1,
  readAccessToken,
  readBrokerKeys,
} from '../../src/pseudonym/index.js';
import { makeBsns, tmp } from './helpers.js';

const entry = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

function cli(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}

let dir: string;
let child: ChildProcess;
let url: string;
let log = '';

beforeAll(async () => {
  dir = tmp('khserve');
  const init = cli(['keyholder', 'init', '--dir', dir, '--transcryptors', '3']);
  expect(init.stderr).toBe('');
  expect(init.stdout).toContain('K1 version 1, PEP key set version 1 with 3 transcryptors');
  child = spawn(
    process.execPath,
    ['--import', 'tsx', entry, 'keyholder', 'serve', '--dir', dir, '--port', '0'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`key holder did not start: ${log}`)), 30_000);
    const onData = (d: Buffer) => {
      log += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`key holder exited with ${code}: ${log}`)));
  });
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const done = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await done;
  }
});

describe('keyholder init', () => {
  it('writes every secret file with mode 0600 and refuses to overwrite', () => {
    for (const f of [
      'keyholder.secrets.json',
      'transcryptor-1.secrets.json',
      'transcryptor-3.secrets.json',
      'provider-access.json',
      'broker-access.json',
    ]) {
      expect((statSync(join(dir, f)).mode & 0o777).toString(8)).toBe('600');
    }
    const again = cli(['keyholder', 'init', '--dir', dir]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already exists; refusing to overwrite keys');
  });
});

describe('keyholder serve (own process, loopback HTTP)', () => {
  it('hands K1 to the provider token only, and refuses an unknown version with a clear error', async () => {
    const provider = new HttpKeyholder([url], readAccessToken(join(dir, 'provider-access.json')));
    const k1 = await provider.k1();
    expect(k1.version).toBe(1);
    expect(k1.key.equals((await new InProcessKeyholder(dir).k1()).key)).toBe(true);
    await expect(provider.k1(2)).rejects.toThrow(
      'K1 version 2 is unknown to this key holder (current version: 1)',
    );
    const broker = new HttpKeyholder([url], readAccessToken(join(dir, 'broker-access.json')));
    await expect(broker.k1()).rejects.toThrow(
      'K1 is released only to providers: missing or wrong provider token',
    );
    const res = await fetch(`${url}/v1/keyed/k1?version=2`, {
      headers: { authorization: `Bearer ${readAccessToken(join(dir, 'provider-access.json'))}` },
    });
    expect(res.status).toBe(409);
  });

  it('transcrypts over HTTP to exactly the pseudonyms of the in-process transcryptors', async () => {
    const bdir = tmp('broker-http');
    initBrokerKeys(bdir);
    const bk = readBrokerKeys(bdir);
    const providerToken = readAccessToken(join(dir, 'provider-access.json'));
    const brokerToken = readAccessToken(join(dir, 'broker-access.json'));
    const provider = new HttpKeyholder([url], providerToken, 7);
    const broker = new HttpKeyholder([url], brokerToken, 7);
    const local = new InProcessKeyholder(dir);
    const pub = await provider.pepPublic();
    const enc = await pepEncrypter(pub);
    const ids = makeBsns(20, 31);
    const cts = ids.map((id) => enc('bsn', id));
    const viaHttp = (await provider.pepTranscrypt(cts, 1, 'source', 1)).map((c) =>
      pepStage1(1, 1, c),
    );
    const inProc = (await local.pepTranscrypt(cts, 1, 'source', 1)).map((c) => pepStage1(1, 1, c));
    const fHttp = await (await pepBrokerPseudonymiser(bk, broker)).finalise(viaHttp);
    expect(fHttp).toEqual(await (await pepBrokerPseudonymiser(bk, local)).finalise(inProc));
    expect(new Set(fHttp).size).toBe(20);
    // The broker cannot use the transcryptors as a dictionary oracle on source ciphertexts.
    await expect(broker.pepTranscrypt(cts.slice(0, 1), 1, 'source', 1)).rejects.toThrow(
      'pseudonymising from the source domain is for providers only: missing or wrong provider token',
    );
    // ... nor may a provider fetch key shares.
    await expect(provider.pepSessionKeyShares(1, 1)).rejects.toThrow(
      'domain rotation and key shares are for the broker only: missing or wrong broker token',
    );
    // Wrong PEP key set version: refused, naming the version held.
    await expect(provider.pepTranscrypt(cts.slice(0, 1), 2, 'source', 1)).rejects.toThrow(
      'transcryptor 1 holds PEP key set version 1, not the requested version 2',
    );
    const res = await fetch(`${url}/v1/pep/transcryptors/1/session-key-share`, {
      method: 'POST',
      headers: { authorization: `Bearer ${brokerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ pepVersion: 2, to: 1 }),
    });
    expect(res.status).toBe(409);
  });

  it('the pseudonymise CLI works against the service, and nothing secret reaches its output', async () => {
    const work = tmp('cli-http');
    const [b] = makeBsns(1, 32) as [string];
    writeFileSync(join(work, 'in.csv'), `jaar;bsn;naam\n2021;${b};Jan\n`);
    const r = cli([
      'pseudonymise',
      '--scheme',
      'keyed',
      '--in',
      join(work, 'in.csv'),
      '--out',
      join(work, 'out.csv'),
      '--id-columns',
      'bsn',
      '--drop-columns',
      'naam',
      '--keyholder-url',
      url,
      '--token-file',
      join(dir, 'provider-access.json'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      'out.csv: 1 of 1 rows pseudonymised (1 distinct identifier, keyed, key version 1), 0 rejected\n',
    );
    const s1 = keyedStage1(await new InProcessKeyholder(dir).k1());
    expect(readFileSync(join(work, 'out.csv'), 'utf8')).toBe(
      `jaar;bsn_pseudonym\n2021;${s1('bsn', b)}\n`,
    );
    const bad = cli([
      'pseudonymise',
      '--scheme',
      'hash',
      '--in',
      join(work, 'in.csv'),
      '--out',
      'x',
      '--id-columns',
      'bsn',
      '--keys',
      dir,
    ]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe("samenzicht: --scheme must be keyed or pep, got 'hash'\n");
    // The service never logs: only its start line.
    expect(log.trim()).toBe(`keyholder listening on ${url}`);
  });
});
