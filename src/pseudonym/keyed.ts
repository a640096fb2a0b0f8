/**
 * Scheme `keyed`: two-stage keyed hashing with HMAC-SHA256 (OpenSSL, via `hmac.ts`).
 *
 *   stage 1 at the provider: s1 = HMAC(K1, "<kind>:<normalised id>")   e.g. "bsn:123456782"
 *   stage 2 at the broker:   p  = HMAC(K2, s1)                           (over the 32 raw bytes)
 *
 * K1 is shared by the providers and the key holder, never the broker; K2 is the broker's own.
 * The broker alone cannot dictionary-attack s1 (it lacks K1); a provider cannot compute p (it
 * lacks K2) and never sees p. The id kind is hashed in, so a BSN and a KvK-nummer with the same
 * digits never collide.
 */
import { hmacSha256Base64url } from './hmac.js';
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

/** Stage 1 for a batch: normalised ids of one kind to labelled stage-1 pseudonyms, in order. */
export function keyedStage1Batch(
  k1: VersionedKey,
): (kind: IdentifierKind, normalisedIds: readonly string[]) => string[] {
  checkKey(k1, 'K1');
  const { key, version } = k1;
  const prefix = keyedStage1Label(version, '');
  return (kind, ids) =>
    hmacSha256Base64url(
      key,
      ids.map((id) => `${kind}:${id}`),
    ).map((h) => prefix + h);
}

/** Stage 1 for one id (the batch of one). */
export function keyedStage1(
  k1: VersionedKey,
): (kind: IdentifierKind, normalisedId: string) => string {
  const batch = keyedStage1Batch(k1);
  return (kind, id) => batch(kind, [id])[0] as string;
}

export class KeyVersionError extends Error {
  override name = 'KeyVersionError';
}

/**
 * Stage 2 for a batch: labelled stage-1 values to the broker's final pseudonyms, in order.
 * Refuses values made under another K1 version than the one the broker links on: mixing
 * versions would silently split every person in two.
 */
export function keyedStage2Batch(
  k2: VersionedKey,
  acceptK1Version: number,
): (stage1: readonly string[]) => string[] {
  checkKey(k2, 'K2');
  const { key, version } = k2;
  const prefix = finalLabel('keyed', version, '');
  const accepted = keyedStage1Label(acceptK1Version, '');
  const exact = new RegExp(`^${accepted}[A-Za-z0-9_-]{43}$`);
  const refuse = (value: string): never => {
    const s = parseStage1(value);
    if (s.scheme !== 'keyed')
      throw new Error(`expected a keyed stage-1 pseudonym, got scheme '${s.scheme}'`);
    if (s.version !== acceptK1Version) {
      throw new KeyVersionError(
        `stage-1 pseudonym made with K1 version ${s.version}, but the broker links on K1 version ${acceptK1Version}`,
      );
    }
    throw new Error('keyed stage-1 pseudonym does not hold 32 bytes');
  };
  return (values) => {
    const payloads = values.map((v) => (exact.test(v) ? v.slice(accepted.length) : refuse(v)));
    return hmacSha256Base64url(key, payloads, 'base64url').map((h) => prefix + h);
  };
}

/** Stage 2 for one value (the batch of one). */
export function keyedStage2(k2: VersionedKey, acceptK1Version: number): (stage1: string) => string {
  const batch = keyedStage2Batch(k2, acceptK1Version);
  return (stage1) => batch([stage1])[0] as string;
}
