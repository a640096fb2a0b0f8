/**
 * The PEP transcryptors as one chain: ciphertexts pass through every transcryptor in index
 * order, and each gives its session key share. The key holder clients (in process, over HTTP)
 * differ only in how they reach one transcryptor and in how many items go per round trip.
 */
import type { PepDomainFrom } from './pep.js';

/** One transcryptor as the chain calls it. */
export interface TranscryptorLink {
  pseudonymise(
    items: readonly string[],
    pepVersion: number,
    from: PepDomainFrom,
    to: number,
  ): Promise<string[]>;
  sessionKeyShare(pepVersion: number, domainVersion: number): Promise<string>;
}

export abstract class TranscryptorChain {
  /** The transcryptors in index order. */
  protected abstract links(): Promise<TranscryptorLink[]>;
  /** The items in the batches that pass through the whole chain one after the other. */
  protected abstract batches(items: readonly string[]): (readonly string[])[];

  async pepTranscrypt(
    items: readonly string[],
    pepVersion: number,
    from: PepDomainFrom,
    to: number,
  ): Promise<string[]> {
    const links = await this.links();
    const out: (readonly string[])[] = [];
    for (const batch of this.batches(items)) {
      let cur = batch;
      for (const link of links) cur = await link.pseudonymise(cur, pepVersion, from, to);
      out.push(cur);
    }
    return out.flat();
  }

  async pepSessionKeyShares(pepVersion: number, domainVersion: number): Promise<string[]> {
    const shares: string[] = [];
    for (const link of await this.links()) {
      shares.push(await link.sessionKeyShare(pepVersion, domainVersion));
    }
    return shares;
  }
}
