/**
 * Key files on disk. Secrets are written with mode 0600 (atomically: written to a temporary
 * file in the same directory, then renamed), public material with 0644.
 *
 * Key holder directory (`samenzicht keyholder init --dir D --transcryptors n`):
 *   keyholder.secrets.json        K1 versions and the access tokens             (0600)
 *   transcryptor-<i>.secrets.json one per PEP transcryptor: its share            (0600)
 *   public.json                   PEP global public key, blinded secret key, K1 version
 *   provider-access.json          the providers' token: K1, source-domain transcryption (0600)
 *   broker-access.json            the broker's token: key shares, domain rotation       (0600)
 * Each transcryptor file is meant to move to its own organisation and host; `keyholder serve`
 * serves whichever roles it finds in its directory.
 *
 * Broker key directory (`samenzicht keys init --dir B`): broker.secrets.json with the K2
 * versions and the current broker key version (which is also the PEP broker-domain version).
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { KEY_BYTES, type VersionedKey } from './keyed.js';
import { pepSetup, type PepPublic, type TranscryptorSecret } from './pep.js';

const b64Key = z
  .string()
  .refine((s) => Buffer.from(s, 'base64').length >= KEY_BYTES, 'key too short');

const keyholderSchema = z.object({
  kind: z.literal('samenzicht-keyholder'),
  tokens: z.object({ provider: z.string().min(32), broker: z.string().min(32) }),
  k1: z.object({ current: z.number().int().min(1), keys: z.record(z.string(), b64Key) }),
});
export type KeyholderSecrets = z.infer<typeof keyholderSchema>;

const transcryptorSchema = z.object({
  kind: z.literal('samenzicht-transcryptor'),
  tokens: z.object({ provider: z.string().min(32), broker: z.string().min(32) }),
  secret: z.object({
    version: z.number().int().min(1),
    index: z.number().int().min(1),
    pseudonymisationSecret: z.string().min(32),
    rekeyingSecret: z.string().min(32),
    blindingFactor: z.string().regex(/^[0-9a-f]{64}$/),
  }),
});
export type TranscryptorFile = z.infer<typeof transcryptorSchema>;

const publicSchema = z.object({
  k1Version: z.number().int().min(1),
  pep: z.object({
    version: z.number().int().min(1),
    globalPublicKey: z.string().regex(/^[0-9a-f]{64}$/),
    blindedGlobalSecretKey: z.string().regex(/^[0-9a-f]{64}$/),
    transcryptors: z.number().int().min(1),
  }),
});
export type KeyholderPublic = z.infer<typeof publicSchema>;

const brokerSchema = z.object({
  kind: z.literal('samenzicht-broker-keys'),
  current: z.number().int().min(1),
  acceptK1Version: z.number().int().min(1),
  acceptPepVersion: z.number().int().min(1),
  k2: z.record(z.string(), b64Key),
});
export type BrokerKeyFile = z.infer<typeof brokerSchema>;

export const KEYHOLDER_FILE = 'keyholder.secrets.json';
export const PUBLIC_FILE = 'public.json';
export const BROKER_FILE = 'broker.secrets.json';
export const transcryptorFile = (i: number): string => `transcryptor-${i}.secrets.json`;

function writeFileAtomic(file: string, data: unknown, mode: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode });
  chmodSync(tmp, mode); // the umask may have narrowed or (for 0644) widened nothing; be exact
  renameSync(tmp, file);
}

function readJson<T>(file: string, schema: z.ZodType<T>, what: string): T {
  if (!existsSync(file)) throw new Error(`${file}: ${what} not found`);
  if (file.endsWith('.secrets.json')) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077)
      throw new Error(
        `${file}: ${what} is readable by others (mode ${mode.toString(8)}); chmod 600 it`,
      );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${what} is not valid JSON (${(e as Error).message})`);
  }
  const r = schema.safeParse(raw);
  if (!r.success)
    throw new Error(`${file}: ${what} is malformed: ${r.error.issues[0]?.message ?? ''}`);
  return r.data;
}

const token = (): string => randomBytes(32).toString('base64url');

export async function initKeyholder(
  dir: string,
  opts: { transcryptors?: number } = {},
): Promise<KeyholderPublic> {
  const n = opts.transcryptors ?? 3;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (existsSync(join(dir, KEYHOLDER_FILE))) {
    throw new Error(`${join(dir, KEYHOLDER_FILE)} already exists; refusing to overwrite keys`);
  }
  const tokens = { provider: token(), broker: token() };
  const pep = await pepSetup(n, 1);
  const secrets: KeyholderSecrets = {
    kind: 'samenzicht-keyholder',
    tokens,
    k1: { current: 1, keys: { '1': randomBytes(KEY_BYTES).toString('base64') } },
  };
  for (const t of pep.transcryptors) {
    const f: TranscryptorFile = { kind: 'samenzicht-transcryptor', tokens, secret: t };
    writeFileAtomic(join(dir, transcryptorFile(t.index)), f, 0o600);
  }
  const pub: KeyholderPublic = { k1Version: 1, pep: pep.public };
  writeFileAtomic(join(dir, PUBLIC_FILE), pub, 0o644);
  writeFileAtomic(join(dir, 'provider-access.json'), { token: tokens.provider }, 0o600);
  writeFileAtomic(join(dir, 'broker-access.json'), { token: tokens.broker }, 0o600);
  writeFileAtomic(join(dir, KEYHOLDER_FILE), secrets, 0o600);
  return pub;
}

export interface KeyholderDir {
  dir: string;
  keyholder: KeyholderSecrets | null;
  transcryptors: TranscryptorFile[];
  public: KeyholderPublic;
}

/** Every role present in a key holder directory. */
export function readKeyholderDir(dir: string): KeyholderDir {
  if (!existsSync(dir))
    throw new Error(`${dir}: key holder directory not found (run samenzicht keyholder init)`);
  const kh = join(dir, KEYHOLDER_FILE);
  const transcryptors = readdirSync(dir)
    .filter((f) => /^transcryptor-\d+\.secrets\.json$/.test(f))
    .map((f) => readJson(join(dir, f), transcryptorSchema, 'transcryptor secrets'))
    .sort((a, b) => a.secret.index - b.secret.index);
  return {
    dir,
    keyholder: existsSync(kh) ? readJson(kh, keyholderSchema, 'key holder secrets') : null,
    transcryptors,
    public: readJson(join(dir, PUBLIC_FILE), publicSchema, 'key holder public file'),
  };
}

export function k1FromSecrets(s: KeyholderSecrets, version?: number): VersionedKey {
  const v = version ?? s.k1.current;
  const key = s.k1.keys[String(v)];
  if (!key) {
    throw new KeyVersionRefused(
      `K1 version ${v} is unknown to this key holder (current version: ${s.k1.current})`,
    );
  }
  return { version: v, key: Buffer.from(key, 'base64') };
}

export class KeyVersionRefused extends Error {
  override name = 'KeyVersionRefused';
}

export function readAccessToken(file: string): string {
  return readJson(file, z.object({ token: z.string().min(32) }), 'access token file').token;
}

export function initBrokerKeys(
  dir: string,
  opts: { acceptK1Version?: number; acceptPepVersion?: number } = {},
): BrokerKeyFile {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, BROKER_FILE);
  if (existsSync(file)) throw new Error(`${file} already exists; use samenzicht keys rotate`);
  const keys: BrokerKeyFile = {
    kind: 'samenzicht-broker-keys',
    current: 1,
    acceptK1Version: opts.acceptK1Version ?? 1,
    acceptPepVersion: opts.acceptPepVersion ?? 1,
    k2: { '1': randomBytes(KEY_BYTES).toString('base64') },
  };
  writeFileAtomic(file, keys, 0o600);
  return keys;
}

export function readBrokerKeys(dir: string): BrokerKeyFile {
  return readJson(join(dir, BROKER_FILE), brokerSchema, 'broker key file');
}

export function brokerK2(keys: BrokerKeyFile, version = keys.current): VersionedKey {
  const k = keys.k2[String(version)];
  if (!k)
    throw new KeyVersionRefused(
      `K2 version ${version} is unknown (current version: ${keys.current})`,
    );
  return { version, key: Buffer.from(k, 'base64') };
}

/**
 * Adds broker key version current+1 without making it current: a rotation first re-pseudonymises
 * the stored contributions, then calls `setCurrentBrokerKeyVersion`. Labels carry the version, so
 * an interrupted rotation is visible in the data, never silent.
 */
export function addBrokerKeyVersion(dir: string): { keys: BrokerKeyFile; version: number } {
  const keys = readBrokerKeys(dir);
  const version = Math.max(...Object.keys(keys.k2).map(Number)) + 1;
  const updated: BrokerKeyFile = {
    ...keys,
    k2: { ...keys.k2, [String(version)]: randomBytes(KEY_BYTES).toString('base64') },
  };
  writeFileAtomic(join(dir, BROKER_FILE), updated, 0o600);
  return { keys: updated, version };
}

export function setCurrentBrokerKeyVersion(dir: string, version: number): BrokerKeyFile {
  const keys = readBrokerKeys(dir);
  brokerK2(keys, version);
  const updated: BrokerKeyFile = { ...keys, current: version };
  writeFileAtomic(join(dir, BROKER_FILE), updated, 0o600);
  return updated;
}

/** Deletes every K2 version but `keep` (after a completed rotation). */
export function retireBrokerKeyVersions(dir: string, keep: number): BrokerKeyFile {
  const keys = readBrokerKeys(dir);
  const k = keys.k2[String(keep)];
  if (!k || keys.current !== keep)
    throw new Error(`cannot retire: version ${keep} is not the current broker key`);
  const updated: BrokerKeyFile = { ...keys, k2: { [String(keep)]: k } };
  writeFileAtomic(join(dir, BROKER_FILE), updated, 0o600);
  return updated;
}

export type { PepPublic, TranscryptorSecret };
