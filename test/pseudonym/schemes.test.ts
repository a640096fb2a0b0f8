import { createHmac } from 'node:crypto';
import { describe, expect, it, beforeAll } from 'vitest';
import {
  initBrokerKeys,
  initKeyholder,
  InProcessKeyholder,
  keyedBrokerPseudonymiser,
  keyedStage1,
  keyedStage2,
  KeyVersionError,
  pepBrokerPseudonymiser,
  pepEncrypter,
  pepStage1,
  readBrokerKeys,
  pepTranscryptor,
  pepDecrypter,
  readKeyholderDir,
} from '../../src/pseudonym/index.js';
import { inProcessKeyholder, makeBsns, tmp } from './helpers.js';

const K1 = { version: 1, key: Buffer.alloc(32, 1) };
const K2 = { version: 3, key: Buffer.alloc(32, 2) };

describe('scheme keyed', () => {
  it('stage 1 is HMAC-SHA256(K1, "<kind>:<id>"), labelled with the K1 version', () => {
    const s1 = keyedStage1(K1)('bsn', '123456782');
    const expected = createHmac('sha256', K1.key).update('bsn:123456782').digest('base64url');
    expect(s1).toBe(`ZS1:keyed:k1v1:${expected}`);
    expect(keyedStage1(K1)('kvk', '12345678')).not.toBe(keyedStage1(K1)('bsn', '012345678'));
  });

  it('stage 2 is HMAC-SHA256(K2, stage-1 bytes), labelled with the K2 version', () => {
    const s1 = keyedStage1(K1)('bsn', '123456782');
    const raw = Buffer.from(s1.split(':')[3] as string, 'base64url');
    const expected = createHmac('sha256', K2.key).update(raw).digest('base64url');
    expect(keyedStage2(K2, 1)(s1)).toBe(`ZS:keyed:v3:${expected}`);
  });

  it('refuses stage-1 values of another K1 version with a clear error', () => {
    const s1 = keyedStage1({ version: 2, key: Buffer.alloc(32, 9) })('bsn', '123456782');
    expect(() => keyedStage2(K2, 1)(s1)).toThrow(KeyVersionError);
    expect(() => keyedStage2(K2, 1)(s1)).toThrow(
      'stage-1 pseudonym made with K1 version 2, but the broker links on K1 version 1',
    );
  });

  it('the same BSN gives the same broker pseudonym from every provider', async () => {
    const dir = tmp('kh');
    await initKeyholder(dir, { transcryptors: 2 });
    const bdir = tmp('broker');
    initBrokerKeys(bdir);
    // Two providers fetch K1 independently (two clients), the broker finalises.
    const a = keyedStage1(await new InProcessKeyholder(dir).k1());
    const b = keyedStage1(await new InProcessKeyholder(dir).k1());
    const broker = keyedBrokerPseudonymiser(readBrokerKeys(bdir));
    const ids = makeBsns(50);
    const fa = await broker.finalise(ids.map((id) => a('bsn', id)));
    const fb = await broker.finalise(ids.map((id) => b('bsn', id)));
    expect(fa).toEqual(fb);
    expect(new Set(fa).size).toBe(50);
    expect(fa.every((p) => new RegExp(`^${broker.finalPattern}$`).test(p))).toBe(true);
  });
});

describe('scheme pep (libpep web build, explicit wasm init)', () => {
  let dir: string;
  let keys: InProcessKeyholder;
  beforeAll(async () => {
    dir = tmp('khpep');
    keys = await inProcessKeyholder(dir, 3);
  });

  /** What a provider sends: encrypted, then pseudonymised by the n transcryptors into domain d. */
  async function provider(ids: string[], domain = 1): Promise<string[]> {
    const pub = await keys.pepPublic();
    const enc = await pepEncrypter(pub);
    const out = await keys.pepTranscrypt(
      ids.map((id) => enc('bsn', id)),
      pub.version,
      'source',
      domain,
    );
    return out.map((ct) => pepStage1(pub.version, domain, ct));
  }

  it('encryption is randomised, yet every provider reaches the same broker pseudonym', async () => {
    const bdir = tmp('brokerpep');
    initBrokerKeys(bdir);
    const ids = makeBsns(20, 5);
    const ea = await provider(ids);
    const eb = await provider(ids);
    expect(ea.every((v, i) => v !== eb[i])).toBe(true);
    expect(ea[0]).toMatch(/^ZS1:pep:g1d1:[A-Za-z0-9_-]{86}==$/);
    const broker = await pepBrokerPseudonymiser(readBrokerKeys(bdir), keys);
    expect(ea.every((v) => new RegExp(`^${broker.stage1Pattern}$`).test(v))).toBe(true);
    const fa = await broker.finalise(ea);
    const fb = await broker.finalise(eb);
    expect(fa).toEqual(fb);
    expect(new Set(fa).size).toBe(20);
    expect(fa[0]).toMatch(/^ZS:pep:v1:[A-Za-z0-9_-]{43}$/);
  });

  it('different domains are unlinkable: no pseudonym in common', async () => {
    const ids = makeBsns(30, 6);
    const bdir = tmp('brokerdom');
    initBrokerKeys(bdir);
    const bk = readBrokerKeys(bdir);
    const d1 = await (await pepBrokerPseudonymiser(bk, keys, 1)).finalise(await provider(ids, 1));
    const bk2 = { ...bk, k2: { ...bk.k2, '2': bk.k2['1'] as string } };
    const d2 = await (await pepBrokerPseudonymiser(bk2, keys, 2)).finalise(await provider(ids, 2));
    const strip = (p: string) => p.split(':')[3] as string;
    const s1 = new Set(d1.map(strip));
    expect(d2.map(strip).some((p) => s1.has(p))).toBe(false);
    // Within a domain equality is kept (linkage): 30 people, 30 pseudonyms, stable.
    expect(new Set(d2).size).toBe(30);
    expect(
      await (await pepBrokerPseudonymiser(bk2, keys, 2)).finalise(await provider(ids, 2)),
    ).toEqual(d2);
  });

  it('one transcryptor is not enough: without all n steps and shares the result is not the pseudonym', async () => {
    const d = readKeyholderDir(dir);
    const pub = d.public.pep;
    const ct = (await pepEncrypter(pub))('bsn', '123456782');
    const ts = await Promise.all(d.transcryptors.map((t) => pepTranscryptor(t.secret)));
    let full = [ct];
    for (const t of ts) full = t.pseudonymise(full, 'source', 1);
    const shares = ts.map((t) => t.sessionKeyShare(1));
    const right = (await pepDecrypter(pub, shares, 1))(full[0] as string);
    let partial = [ct];
    for (const t of ts.slice(0, 2)) partial = t.pseudonymise(partial, 'source', 1);
    expect((await pepDecrypter(pub, shares, 1))(partial[0] as string)).not.toBe(right);
    expect((await pepDecrypter(pub, shares.slice(0, 2), 1))(full[0] as string)).not.toBe(right);
  });

  it('refuses a stage-1 value of another PEP key set version', async () => {
    const bdir = tmp('brokerver');
    initBrokerKeys(bdir);
    const broker = await pepBrokerPseudonymiser(readBrokerKeys(bdir), keys);
    const [v] = await provider(['123456782']);
    const other = (v as string).replace('ZS1:pep:g1d1:', 'ZS1:pep:g2d1:');
    await expect(broker.finalise([other])).rejects.toThrow(
      'stage-1 pseudonym encrypted under PEP key set version 2, but the transcryptors hold version 1',
    );
  });
});
