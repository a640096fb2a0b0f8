/**
 * Scheme `keyed`: two-stage keyed hashing with node:crypto HMAC-SHA256.
 *
 *   stage 1 at the provider: s1 = HMAC(K1, "<kind>:<normalised id>")   e.g. "bsn:123456782"
 *   stage 2 at the broker:   p  = HMAC(K2, s1)                           (over the 32 raw bytes)
 *
 * K1 is shared by the providers and the key holder, never the broker; K2 is the broker's own.
 * The broker alone cannot dictionary-attack s1 (it lacks K1); a provider cannot compute p (it
 * lacks K2) and never sees p. The id kind is hashed in, so a BSN and a KvK-nummer with the same
 * digits never collide.
 */
import { createHmac } from 'node:crypto';
import type { IdentifierKind } from './identifiers.js';
import { finalLabel, keyedStage1Label, parseStage1 } from './labels.js';

export interface VersionedKey {
  version: number;
  key: Buffer;
}

export const KEY_BYTES = 32;

function checkKey(k: VersionedKey, what: string): void {
  if (k.key.length < KEY_BYTES)
    throw new Error(`${what} version ${k.version} is shorter than ${KEY_BYTES} bytes`);
  if (!Number.isInteger(k.version) || k.version < 1)
    throw new Error(`${what} has an invalid version ${k.version}`);
}

/** Stage 1: a function from a normalised id to its labelled stage-1 pseudonym. */
export function keyedStage1(
  k1: VersionedKey,
): (kind: IdentifierKind, normalisedId: string) => string {
  checkKey(k1, 'K1');
  const { key, version } = k1;
  const prefix = keyedStage1Label(version, '');
  return (kind, id) =>
    prefix + createHmac('sha256', key).update(`${kind}:${id}`).digest('base64url');
}

export class KeyVersionError extends Error {
  override name = 'KeyVersionError';
}

/**
 * Stage 2: a function from a labelled stage-1 value to the broker's final pseudonym. Refuses
 * values made under another K1 version than the one the broker links on: mixing versions would
 * silently split every person in two.
 */
export function keyedStage2(k2: VersionedKey, acceptK1Version: number): (stage1: string) => string {
  checkKey(k2, 'K2');
  const { key, version } = k2;
  const prefix = finalLabel('keyed', version, '');
  return (stage1) => {
    const s = parseStage1(stage1);
    if (s.scheme !== 'keyed')
      throw new Error(`expected a keyed stage-1 pseudonym, got scheme '${s.scheme}'`);
    if (s.version !== acceptK1Version) {
      throw new KeyVersionError(
        `stage-1 pseudonym made with K1 version ${s.version}, but the broker links on K1 version ${acceptK1Version}`,
      );
    }
    const raw = Buffer.from(s.payload, 'base64url');
    if (raw.length !== 32) throw new Error('keyed stage-1 pseudonym does not hold 32 bytes');
    return prefix + createHmac('sha256', key).update(raw).digest('base64url');
  };
}
