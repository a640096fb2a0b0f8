/**
 * Stage-1 pseudonyms for a provider file, per scheme: keyed is a local HMAC under K1; PEP
 * encrypts locally and needs a round trip through the transcryptors into a broker domain.
 */
import { PseudonymiseError } from './errors.js';
import type { IdentifierKind } from './identifiers.js';
import { keyedStage1Batch } from './keyed.js';
import type { KeyholderApi } from './keyholder.js';
import type { Scheme } from './labels.js';
import { pepEncrypter, pepStage1 } from './pep.js';

/** A batch of normalised ids to their stage-1 values, in order. */
export type Stage1Batch = (kind: IdentifierKind, ids: string[]) => Promise<string[]>;

export interface Stage1 {
  /** K1 version (keyed) or PEP key set version (pep). */
  keyVersion: number;
  batch: Stage1Batch;
}

export async function stage1For(opts: {
  scheme: Scheme;
  keys: KeyholderApi;
  keyVersion?: number;
  brokerDomainVersion?: number;
}): Promise<Stage1> {
  if (opts.scheme === 'keyed') {
    const k1 = await opts.keys.k1(opts.keyVersion);
    const s1 = keyedStage1Batch(k1);
    return { keyVersion: k1.version, batch: async (kind, ids) => s1(kind, ids) };
  }
  const pub = await opts.keys.pepPublic();
  if (opts.keyVersion !== undefined && opts.keyVersion !== pub.version) {
    throw new PseudonymiseError(
      `PEP key set version ${opts.keyVersion} requested, the key holder has version ${pub.version}`,
    );
  }
  const domain = opts.brokerDomainVersion ?? 1;
  const encrypt = await pepEncrypter(pub);
  const batch: Stage1Batch = async (kind, ids) => {
    const out = await opts.keys.pepTranscrypt(
      ids.map((id) => encrypt(kind, id)),
      pub.version,
      'source',
      domain,
    );
    return out.map((ct) => pepStage1(pub.version, domain, ct));
  };
  return { keyVersion: pub.version, batch };
}
