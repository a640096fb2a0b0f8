/**
 * Access to the key holder and the PEP transcryptors, the same interface over HTTP (the real
 * deployment: `samenzicht keyholder serve`) and in process (the single-machine demo).
 *
 * Providers use `k1()`, `pepPublic()` and `pepTranscrypt(…, 'source', d)` with the provider
 * token; the broker uses `k1Version()`, `pepPublic()`, `pepSessionKeyShares()` and
 * `pepTranscrypt(…, d, d')` (rotation) with the broker token. The broker never gets K1 and cannot
 * have source-domain ciphertexts pseudonymised.
 */
import type { VersionedKey } from './keyed.js';
import { pepTranscryptor, type PepDomainFrom, type PepPublic, type Transcryptor } from './pep.js';
import {
  k1FromSecrets,
  KeyVersionRefused,
  readKeyholderDir,
  type KeyholderDir,
} from './keystore.js';
import { TranscryptorChain, type TranscryptorLink } from './transcryptor-chain.js';

export interface KeyholderApi {
  k1(version?: number): Promise<VersionedKey>;
  k1Version(): Promise<number>;
  pepPublic(): Promise<PepPublic>;
  /**
   * Runs ciphertexts (base64url) through every transcryptor in order, from the source domain
   * (providers only) or from broker domain version `from` (broker only), into version `to`.
   */
  pepTranscrypt(
    ciphertexts: readonly string[],
    pepVersion: number,
    from: PepDomainFrom,
    to: number,
  ): Promise<string[]>;
  pepSessionKeyShares(pepVersion: number, domainVersion: number): Promise<string[]>;
}

function checkPepVersion(t: { version: number; index: number }, pepVersion: number): void {
  if (t.version !== pepVersion) {
    throw new KeyVersionRefused(
      `transcryptor ${t.index} holds PEP key set version ${t.version}, not the requested version ${pepVersion}`,
    );
  }
}

/** The demo's variant: reads the key holder directory directly. */
export class InProcessKeyholder extends TranscryptorChain implements KeyholderApi {
  private readonly d: KeyholderDir;
  private ts: Promise<Transcryptor[]> | null = null;
  constructor(dir: string) {
    super();
    this.d = readKeyholderDir(dir);
  }
  async k1(version?: number): Promise<VersionedKey> {
    if (!this.d.keyholder) throw new Error(`${this.d.dir}: no key holder secrets here`);
    return k1FromSecrets(this.d.keyholder, version);
  }
  async k1Version(): Promise<number> {
    return this.d.public.k1Version;
  }
  async pepPublic(): Promise<PepPublic> {
    return this.d.public.pep;
  }
  private transcryptors(): Promise<Transcryptor[]> {
    this.ts ??= (async () => {
      const list = await Promise.all(this.d.transcryptors.map((t) => pepTranscryptor(t.secret)));
      if (list.length !== this.d.public.pep.transcryptors) {
        throw new Error(
          `${this.d.dir}: ${list.length} of ${this.d.public.pep.transcryptors} transcryptors present`,
        );
      }
      return list;
    })();
    return this.ts;
  }
  protected async links(): Promise<TranscryptorLink[]> {
    return (await this.transcryptors()).map((t) => ({
      pseudonymise: async (items, pepVersion, from, to) => {
        checkPepVersion(t, pepVersion);
        return t.pseudonymise(items, from, to);
      },
      sessionKeyShare: async (pepVersion, domainVersion) => {
        checkPepVersion(t, pepVersion);
        return t.sessionKeyShare(domainVersion);
      },
    }));
  }
  /** All at once, even none: the version check runs for an empty batch too. */
  protected batches(items: readonly string[]): (readonly string[])[] {
    return [items];
  }
}

export class KeyholderHttpError extends Error {
  override name = 'KeyholderHttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Health {
  status: string;
  keyholder: boolean;
  transcryptors: number[];
}

/**
 * Over HTTP. `urls[0]` is the key holder; transcryptors are looked up on every url (each
 * organisation running one transcryptor serves it from its own url).
 */
export class HttpKeyholder extends TranscryptorChain implements KeyholderApi {
  private routes: Promise<Map<number, string>> | null = null;
  constructor(
    private readonly urls: readonly string[],
    private readonly token: string,
    private readonly batchSize = 4096,
  ) {
    super();
    if (urls.length === 0) throw new Error('HttpKeyholder needs at least one url');
  }

  private async call<T>(url: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(new URL(path, url), {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json().catch(() => ({}))) as { error?: string } & T;
    if (!res.ok) {
      throw new KeyholderHttpError(
        res.status,
        `key holder ${url}${path}: ${json.error ?? `HTTP ${res.status}`}`,
      );
    }
    return json;
  }

  async k1(version?: number): Promise<VersionedKey> {
    const q = version === undefined ? '' : `?version=${version}`;
    const r = await this.call<{ version: number; key: string }>(
      this.urls[0] as string,
      `/v1/keyed/k1${q}`,
    );
    return { version: r.version, key: Buffer.from(r.key, 'base64') };
  }
  async k1Version(): Promise<number> {
    return (await this.call<{ k1Version: number }>(this.urls[0] as string, '/v1/public')).k1Version;
  }
  async pepPublic(): Promise<PepPublic> {
    return (await this.call<{ pep: PepPublic }>(this.urls[0] as string, '/v1/public')).pep;
  }
  private async transcryptorRoutes(): Promise<Map<number, string>> {
    this.routes ??= (async () => {
      const pub = await this.pepPublic();
      const m = new Map<number, string>();
      for (const url of this.urls) {
        const h = await this.call<Health>(url, '/v1/health');
        for (const i of h.transcryptors) if (!m.has(i)) m.set(i, url);
      }
      for (let i = 1; i <= pub.transcryptors; i++) {
        if (!m.has(i))
          throw new Error(
            `transcryptor ${i} of ${pub.transcryptors} is not served by ${this.urls.join(', ')}`,
          );
      }
      return new Map([...m].sort((a, b) => a[0] - b[0]));
    })();
    return this.routes;
  }
  protected async links(): Promise<TranscryptorLink[]> {
    return [...(await this.transcryptorRoutes())].map(([i, url]) => ({
      pseudonymise: async (items, pepVersion, from, to) => {
        const r = await this.call<{ items: string[] }>(
          url,
          `/v1/pep/transcryptors/${i}/pseudonymise`,
          { pepVersion, from, to, items },
        );
        if (r.items.length !== items.length)
          throw new Error(`transcryptor ${i} returned ${r.items.length} of ${items.length} items`);
        return r.items;
      },
      sessionKeyShare: async (pepVersion, domainVersion) => {
        const r = await this.call<{ share: string }>(
          url,
          `/v1/pep/transcryptors/${i}/session-key-share`,
          { pepVersion, to: domainVersion },
        );
        return r.share;
      },
    }));
  }
  /** At most `batchSize` items per request body. */
  protected batches(items: readonly string[]): (readonly string[])[] {
    const out: (readonly string[])[] = [];
    for (let at = 0; at < items.length; at += this.batchSize) {
      out.push(items.slice(at, at + this.batchSize));
    }
    return out;
  }
}
