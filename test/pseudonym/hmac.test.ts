import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  keyedStage1,
  keyedStage1Batch,
  keyedStage2,
  keyedStage2Batch,
  KeyVersionError,
} from '../../src/pseudonym/index.js';

type Hmac = typeof import('../../src/pseudonym/hmac.js');

/** The module as loaded with SAMENZICHT_NATIVE_HMAC set to `flag` (it decides at load). */
async function load(flag: string | undefined): Promise<Hmac> {
  vi.resetModules();
  const before = process.env.SAMENZICHT_NATIVE_HMAC;
  if (flag === undefined) delete process.env.SAMENZICHT_NATIVE_HMAC;
  else process.env.SAMENZICHT_NATIVE_HMAC = flag;
  try {
    return await import('../../src/pseudonym/hmac.js');
  } finally {
    if (before === undefined) delete process.env.SAMENZICHT_NATIVE_HMAC;
    else process.env.SAMENZICHT_NATIVE_HMAC = before;
  }
}

const reference = (key: Buffer, m: string | Buffer): string =>
  createHmac('sha256', key).update(m).digest('base64url');

const key = fc.uint8Array({ minLength: 1, maxLength: 100 }).map((k) => Buffer.from(k));

describe('hmacSha256Base64url (batched HMAC-SHA256)', () => {
  it('uses the native batch when the addon is built (CI builds it on install)', async () => {
    const hmac = await load(undefined);
    if (process.env.CI) expect(hmac.hmacImplementation).toBe('native batch');
    expect((await load('0')).hmacImplementation).toBe('node:crypto');
  });

  for (const flag of [undefined, '0']) {
    const name = flag === '0' ? 'node:crypto fallback' : 'default implementation';
    it(`${name}: equals node:crypto's HMAC for any key and any UTF-8 messages`, async () => {
      const { hmacSha256Base64url } = await load(flag);
      fc.assert(
        fc.property(key, fc.array(fc.string({ unit: 'grapheme', maxLength: 80 })), (k, ms) => {
          expect(hmacSha256Base64url(k, ms)).toEqual(ms.map((m) => reference(k, m)));
        }),
        { numRuns: 300 },
      );
    });

    it(`${name}: equals node:crypto's HMAC over raw bytes given as base64url`, async () => {
      const { hmacSha256Base64url } = await load(flag);
      fc.assert(
        fc.property(key, fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 50 }), (k, bs) => {
          const ms = bs.map((b) => Buffer.from(b).toString('base64url'));
          expect(hmacSha256Base64url(k, ms, 'base64url')).toEqual(
            bs.map((b) => reference(k, Buffer.from(b))),
          );
        }),
        { numRuns: 300 },
      );
    });
  }

  it('handles a batch larger than any internal buffer, ids in order', async () => {
    const { hmacSha256Base64url } = await load(undefined);
    const k = Buffer.alloc(32, 5);
    const ms = Array.from({ length: 100_000 }, (_, i) => `bsn:${String(i).padStart(9, '0')}`);
    const out = hmacSha256Base64url(k, ms);
    expect(out).toHaveLength(ms.length);
    for (const i of [0, 1, 4095, 4096, 65_535, 99_999]) {
      expect(out[i]).toBe(reference(k, ms[i] as string));
    }
  });
});

describe('keyed stages in batches', () => {
  const K1 = { version: 1, key: Buffer.alloc(32, 1) };
  const K2 = { version: 2, key: Buffer.alloc(32, 2) };

  it('a batch equals the stages applied one id at a time', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^\d{9}$/), { maxLength: 40 }), (ids) => {
        const s1 = keyedStage1Batch(K1)('bsn', ids);
        expect(s1).toEqual(ids.map((id) => keyedStage1(K1)('bsn', id)));
        expect(keyedStage2Batch(K2, 1)(s1)).toEqual(s1.map((v) => keyedStage2(K2, 1)(v)));
      }),
    );
  });

  it('refuses the whole batch when one value is of another version, scheme or length', () => {
    const good = keyedStage1Batch(K1)('bsn', ['123456782', '111222333']);
    const stage2 = keyedStage2Batch(K2, 1);
    const otherVersion = keyedStage1({ version: 4, key: Buffer.alloc(32, 4) })('bsn', '123456782');
    expect(() => stage2([...good, otherVersion])).toThrow(KeyVersionError);
    expect(() => stage2([...good, otherVersion])).toThrow(
      'stage-1 pseudonym made with K1 version 4, but the broker links on K1 version 1',
    );
    expect(() => stage2([`ZS1:pep:g1d1:${'A'.repeat(86)}==`])).toThrow(
      "expected a keyed stage-1 pseudonym, got scheme 'pep'",
    );
    expect(() => stage2([(good[0] as string).slice(0, -2)])).toThrow(
      'keyed stage-1 pseudonym does not hold 32 bytes',
    );
    expect(() => stage2(['123456782'])).toThrow(/not a stage-1 pseudonym/);
  });
});
