/**
 * The resumable upload of a pseudonymised file to the broker, in chunks: the broker says how
 * much of the file (by checksum) it holds, and a failed chunk is retried from its offset.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { ContributionJson, DeliverOptions } from './deliver.js';
import { BrokerError, type BrokerClient } from './http.js';

/** Chunk size of the upload: 8 MiB. */
export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

/** How long to wait for a broker that is still validating the complete file. */
const VALIDATION_PATIENCE_MS = 3_600_000;

const seg = encodeURIComponent;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The broker's offset of a partial upload of this file by this user (0 when none). */
export async function brokerOffset(client: BrokerClient, dataset: string, sha256: string) {
  const res = await client.request('GET', `/contributions/${seg(dataset)}/uploads/${sha256}`, {
    accept: [404],
  });
  const body = (await res.json()) as { offset?: number };
  return res.status === 404 ? 0 : (body.offset ?? 0);
}

const retryable = (err: unknown) =>
  err instanceof BrokerError && (err.status === 0 || err.status >= 500);

/** The contribution the broker already holds for this file, when the refusal says so. */
async function alreadyDelivered(
  client: BrokerClient,
  err: unknown,
  dataset: string,
  sha256: string,
): Promise<ContributionJson | null> {
  if (!(err instanceof BrokerError) || err.status !== 409) return null;
  if (!/already delivered as contribution/.test(err.message)) return null;
  const { contributions } = await client.get<{ contributions: ContributionJson[] }>(
    '/contributions',
  );
  return contributions.find((c) => c.datasetId === dataset && c.sha256 === sha256) ?? null;
}

/** The broker's answer to a chunk: its offset, a refusal, or (the last chunk) the contribution. */
type ChunkAnswer = {
  offset?: number;
  error?: string;
  message?: string;
} & Partial<ContributionJson>;

/**
 * The resumable upload of one pseudonymised file: chunks from the broker's offset, a failed
 * chunk retried from the offset the broker then holds, until the broker answers with the
 * contribution (or says it already holds one for this file).
 */
export class ChunkedUpload {
  offset = 0;
  resumedFrom = 0;
  bytesSent = 0;
  chunks = 0;
  /** Failures in a row: a chunk that went through starts the count again. */
  failures = 0;
  validatingSince: number | null = null;
  contribution: ContributionJson | null = null;
  alreadyDelivered = false;
  readonly path: string;
  readonly progress: NonNullable<DeliverOptions['onProgress']>;
  readonly chunkBytes: number;
  readonly attempts: number;
  readonly delay: (attempt: number) => number;

  constructor(
    readonly opts: DeliverOptions,
    readonly dataset: string,
    readonly sha256: string,
    readonly size: number,
  ) {
    this.path = `/contributions/${seg(dataset)}`;
    this.progress = opts.onProgress ?? (() => undefined);
    this.chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.attempts = opts.attempts ?? 4;
    this.delay = opts.retryDelayMs ?? ((n: number) => 250 * 2 ** (n - 1));
  }

  get client(): BrokerClient {
    return this.opts.client;
  }

  /** Uploads `outFile` from the broker's offset; returns the contribution. */
  async run(outFile: string): Promise<ContributionJson> {
    this.offset = await brokerOffset(this.client, this.dataset, this.sha256);
    this.resumedFrom = this.offset;
    this.progress('upload', this.offset, this.size);
    const fh = await open(outFile, 'r');
    try {
      while (!this.contribution) await this.sendChunk(fh);
    } finally {
      await fh.close();
    }
    return this.contribution;
  }

  private async sendChunk(fh: FileHandle): Promise<void> {
    const { size, offset } = this;
    const n = Math.min(this.chunkBytes, size - offset);
    const chunk = Buffer.alloc(n);
    if (n > 0) await fh.read(chunk, 0, n, offset);
    if (offset + n === size) {
      // The last chunk's answer comes after the broker has validated every row.
      this.progress('upload', size, size);
      this.progress('validate', 0, 1);
    }
    let res: Response;
    try {
      res = await this.client.request('PUT', this.path, {
        body: new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length),
        headers: {
          'content-type': 'application/octet-stream',
          'x-content-sha256': this.sha256,
          'upload-length': String(size),
          'upload-offset': String(offset),
        },
        accept: [409],
      });
    } catch (err) {
      await this.onFailure(err);
      return;
    }
    const body = (await res.json()) as ChunkAnswer;
    if (res.status === 409) {
      await this.onConflict(body);
      return;
    }
    this.failures = 0;
    this.bytesSent += n;
    this.chunks++;
    if (res.status === 201) {
      this.contribution = body as ContributionJson;
      return;
    }
    this.offset = body.offset ?? offset + n;
    this.progress('upload', this.offset, size);
  }

  /** Ends the upload when the broker already holds this file; true when it does. */
  private async foundDelivered(err: unknown): Promise<boolean> {
    const existing = await alreadyDelivered(this.client, err, this.dataset, this.sha256);
    if (!existing) return false;
    this.contribution = existing;
    this.alreadyDelivered = true;
    return true;
  }

  /** A chunk that failed on the network or with a 5xx is retried, a while. */
  private async onFailure(err: unknown): Promise<void> {
    if (await this.foundDelivered(err)) return;
    if (!retryable(err) || ++this.failures >= this.attempts) throw err;
    await sleep(this.delay(this.failures));
    // The broker keeps what arrived of the failed chunk: continue from its offset.
    this.offset = await brokerOffset(this.client, this.dataset, this.sha256);
  }

  private async onConflict(body: ChunkAnswer): Promise<void> {
    const conflict = () =>
      new BrokerError(409, body.error ?? 'conflict', body.message ?? 'conflict');
    if (typeof body.offset !== 'number') {
      const err = conflict();
      if (!(await this.foundDelivered(err))) throw err;
      return;
    }
    // Another request on this file is still running (e.g. the broker has not yet noticed a
    // broken one), or the offset moved: wait when it did not move, then go on from it.
    if (body.offset === this.size) {
      // The broker holds the whole file and is still validating it (our answer was lost,
      // e.g. a timeout while it validated): wait for it, then its record answers.
      this.validatingSince ??= Date.now();
      if (Date.now() > this.validatingSince + VALIDATION_PATIENCE_MS) throw conflict();
      await sleep(1000);
    } else if (body.offset === this.offset) {
      if (++this.failures >= this.attempts) throw conflict();
      await sleep(this.delay(this.failures));
    }
    this.offset = body.offset;
  }
}
