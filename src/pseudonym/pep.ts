/**
 * Scheme `pep`: polymorphic encryption and pseudonymisation with libpep (NOLAI/Radboud,
 * ristretto255). No cryptography is written here: this module only wires libpep's calls.
 *
 * We load libpep's *web* build and initialise its wasm explicitly from the bytes on disk. Its node
 * build imports `.wasm` as an ES module, which Node 20 only allows behind
 * `--experimental-wasm-modules`; the web build works unflagged in the CLI, the server and vitest.
 *
 * Flow: the provider encrypts M = hash-to-curve("<kind>:<id>") under the global public key (the
 * ciphertext is randomised: two encryptions of one BSN differ) and has each of the n
 * transcryptors apply its share of the reshuffle (into the broker's domain) and rekey (to the
 * broker's session). Only then does the value leave the provider: a ciphertext that only the
 * broker can decrypt, to the domain pseudonym s·M. No single transcryptor holds the global
 * secret, and another domain gets s'·M, unlinkable to s·M.
 *
 * Why the provider, not the broker, calls the transcryptors for source → domain: the global
 * public key is public, so a broker allowed to submit ciphertexts from the source domain could
 * encrypt every possible BSN and have them pseudonymised: a dictionary attack through the
 * transcryptors. Transcryptors therefore take source-domain input only with a provider token;
 * the broker may only move its own data from one broker domain version to the next (rotation).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Libpep from '@nolai/libpep-wasm';
import type { IdentifierKind } from './identifiers.js';
import { finalLabel, parseStage1, pepStage1Label } from './labels.js';
import { KeyVersionError } from './keyed.js';

export type LibpepModule = typeof Libpep;

let loading: Promise<LibpepModule> | null = null;

/** libpep's web build with its wasm initialised synchronously from node_modules. */
export function loadLibpep(): Promise<LibpepModule> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const nodeEntry = require.resolve('@nolai/libpep-wasm'); // …/pkg/libpep.js
    const webDir = join(dirname(nodeEntry), '..', 'pkg-web');
    const mod = (await import(pathToFileURL(join(webDir, 'libpep.js')).href)) as LibpepModule & {
      initSync: (m: { module: Uint8Array }) => unknown;
    };
    mod.initSync({ module: readFileSync(join(webDir, 'libpep_bg.wasm')) });
    return mod;
  })();
  return loading;
}

/** The one domain every provider encrypts "from": identities enter the system here. */
export const SOURCE_DOMAIN = 'samenzicht-source';
export const brokerDomain = (version: number): string => `samenzicht-broker-v${version}`;

export interface PepPublic {
  version: number;
  /** Pseudonym global public key (hex). */
  globalPublicKey: string;
  /** Blinded pseudonym global secret key (hex): combined with the n shares into a session key. */
  blindedGlobalSecretKey: string;
  transcryptors: number;
}

export interface TranscryptorSecret {
  version: number;
  index: number;
  pseudonymisationSecret: string;
  rekeyingSecret: string;
  blindingFactor: string;
}

/** The dealer's one-off setup of a distributed key set for n transcryptors. */
export async function pepSetup(
  n: number,
  version = 1,
): Promise<{ public: PepPublic; transcryptors: TranscryptorSecret[] }> {
  if (!Number.isInteger(n) || n < 1) throw new Error(`need at least one transcryptor, got ${n}`);
  const pep = await loadLibpep();
  const [gpk, blinded, factors] = pep.makeDistributedGlobalKeys(n) as [
    Libpep.GlobalPublicKeys,
    Libpep.BlindedGlobalKeys,
    Libpep.BlindingFactor[],
  ];
  return {
    public: {
      version,
      globalPublicKey: gpk.pseudonym.toHex(),
      blindedGlobalSecretKey: blinded.pseudonym.toHex(),
      transcryptors: n,
    },
    transcryptors: factors.map((bf, i) => ({
      version,
      index: i + 1,
      pseudonymisationSecret: randomBytes(32).toString('hex'),
      rekeyingSecret: randomBytes(32).toString('hex'),
      blindingFactor: bf.toHex(),
    })),
  };
}

function identityDigest(kind: IdentifierKind, id: string): Uint8Array {
  return createHash('sha512').update(`${kind}:${id}`).digest();
}

/**
 * Provider side, step 1: encrypt a normalised id under the global public key (source domain).
 * Returns the unlabelled ciphertext (libpep's URL-safe base64); it must go through the transcryptors
 * (`pepStage1`) before it leaves the provider.
 */
export async function pepEncrypter(
  pub: Pick<PepPublic, 'globalPublicKey'>,
): Promise<(kind: IdentifierKind, normalisedId: string) => string> {
  const pep = await loadLibpep();
  const key = pep.PseudonymGlobalPublicKey.fromHex(pub.globalPublicKey);
  if (!key) throw new Error('PEP global public key is not a valid hex group element');
  return (kind, id) => {
    const m = pep.Pseudonym.fromHash(identityDigest(kind, id));
    const enc = pep.encryptPseudonymGlobal(m, key);
    const out = enc.toBase64();
    m.free();
    enc.free();
    return out;
  };
}

/** Provider side, step 2: label transcrypted ciphertexts as stage-1 values. */
export function pepStage1(pepVersion: number, domainVersion: number, transcrypted: string): string {
  return pepStage1Label(pepVersion, domainVersion, transcrypted);
}

export type PepDomainFrom = 'source' | number;

export interface Transcryptor {
  index: number;
  version: number;
  /**
   * Reshuffle + rekey ciphertexts (libpep's URL-safe base64, unlabelled) from the source domain (global
   * encryption) or from broker domain version `from`, into broker domain version `to`.
   */
  pseudonymise(items: readonly string[], from: PepDomainFrom, to: number): string[];
  sessionKeyShare(domainVersion: number): string;
}

export async function pepTranscryptor(secret: TranscryptorSecret): Promise<Transcryptor> {
  const pep = await loadLibpep();
  const bf = pep.BlindingFactor.fromHex(secret.blindingFactor);
  if (!bf) throw new Error(`transcryptor ${secret.index}: invalid blinding factor`);
  const t = new pep.DistributedTranscryptor(
    secret.pseudonymisationSecret,
    secret.rekeyingSecret,
    bf,
  );
  return {
    index: secret.index,
    version: secret.version,
    pseudonymise(items, from, to) {
      const info = t.pseudonymizationInfo(
        new pep.PseudonymizationDomain(from === 'source' ? SOURCE_DOMAIN : brokerDomain(from)),
        new pep.PseudonymizationDomain(brokerDomain(to)),
        from === 'source'
          ? pep.EncryptionContext.global()
          : new pep.EncryptionContext(brokerDomain(from)),
        new pep.EncryptionContext(brokerDomain(to)),
      );
      // One by one, not pseudonymizeBatch: the batch call shuffles, and rows must keep their order.
      const out = items.map((b64, i) => {
        const enc = pep.EncryptedPseudonym.fromBase64(b64);
        if (!enc) throw new Error(`item ${i}: not a PEP ciphertext`);
        const r = t.pseudonymize(enc, info);
        const s = r.toBase64();
        enc.free();
        r.free();
        return s;
      });
      info.free();
      return out;
    },
    sessionKeyShare(domainVersion) {
      return t
        .pseudonymSessionKeyShare(new pep.EncryptionContext(brokerDomain(domainVersion)))
        .toHex();
    },
  };
}

/** Broker side: combine the n shares into the session secret key and decrypt into final labels. */
export async function pepDecrypter(
  pub: Pick<PepPublic, 'blindedGlobalSecretKey'>,
  shares: readonly string[],
  domainVersion: number,
): Promise<(transcrypted: string) => string> {
  const pep = await loadLibpep();
  const blinded = pep.BlindedPseudonymGlobalSecretKey.fromHex(pub.blindedGlobalSecretKey);
  if (!blinded) throw new Error('invalid blinded global secret key');
  const parsed = shares.map((h, i) => {
    const s = pep.PseudonymSessionKeyShare.fromHex(h);
    if (!s) throw new Error(`session key share ${i + 1} is invalid`);
    return s;
  });
  const keys = pep.makePseudonymSessionKey(blinded, parsed);
  const prefix = finalLabel('pep', domainVersion, '');
  return (b64) => {
    const enc = pep.EncryptedPseudonym.fromBase64(b64);
    if (!enc) throw new Error('not a PEP ciphertext');
    const p = pep.decryptPseudonym(enc, keys.secret);
    const out = prefix + Buffer.from(p.toBytes()).toString('base64url');
    enc.free();
    p.free();
    return out;
  };
}

/** Split a labelled stage-1 PEP value into ciphertext and domain, checking the key-set version. */
export function pepCiphertext(
  stage1: string,
  expectedVersion: number,
): { ciphertext: string; domain: number } {
  const s = parseStage1(stage1);
  if (s.scheme !== 'pep')
    throw new Error(`expected a pep stage-1 pseudonym, got scheme '${s.scheme}'`);
  if (s.version !== expectedVersion) {
    throw new KeyVersionError(
      `stage-1 pseudonym encrypted under PEP key set version ${s.version}, but the transcryptors hold version ${expectedVersion}`,
    );
  }
  return { ciphertext: s.payload, domain: s.domain as number };
}
