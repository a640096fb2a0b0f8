import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completeBsn, InProcessKeyholder, initKeyholder } from '../../src/pseudonym/index.js';
import { mulberry32 } from '../../src/regions/prng.js';

/** Deterministic PRNG (mulberry32) so test files are reproducible. */
export const rng = mulberry32;

/** n distinct valid BSNs (11-proef), first digit 1..6 so none is 8 digits when written as a number. */
export function makeBsns(n: number, seed = 1): string[] {
  const r = rng(seed);
  const out = new Set<string>();
  while (out.size < n) {
    const head = String(10_000_000 + Math.floor(r() * 59_999_999)).padStart(8, '0');
    const b = completeBsn(head);
    if (b) out.add(b);
  }
  return [...out];
}

export function makeKvks(n: number, seed = 2): string[] {
  const r = rng(seed);
  const out = new Set<string>();
  while (out.size < n) out.add(String(10_000_000 + Math.floor(r() * 89_999_999)));
  return [...out];
}

export function tmp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `samenzicht-${prefix}-`));
}

/** A new key holder of `transcryptors` in `dir`, used in-process. */
export async function inProcessKeyholder(dir: string, transcryptors: number) {
  await initKeyholder(dir, { transcryptors });
  return new InProcessKeyholder(dir);
}
