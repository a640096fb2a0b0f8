/**
 * Receiving a contribution file. In one request (`receiveUpload`): stream to a temporary file
 * while hashing and counting, refuse beyond the size limit or on a checksum mismatch, and hand
 * back the temporary path; anything that goes wrong, including the client going away mid-stream,
 * removes the temporary file, so an interrupted single-shot upload leaves nothing behind.
 * Resumable, in chunks (`appendUploadChunk`): see below.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GovernanceError } from './errors.js';

/** Contribution files are readable by the broker's own user only; their folders likewise. */
export const PRIVATE_FILE = 0o600;
export const PRIVATE_DIR = 0o700;

/**
 * Makes `dir` (and missing parents) and sets it and the `levels - 1` folders above it to 0700
 * explicitly, whatever the umask: e.g. `privateDir(<data>/contributions/.incoming, 2)`.
 */
export async function privateDir(dir: string, levels = 1): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR });
  let d = dir;
  for (let i = 0; i < levels; i++) {
    await chmod(d, PRIVATE_DIR);
    d = dirname(d);
  }
}

export interface ReceivedFile {
  tempPath: string;
  sha256: string;
  bytes: number;
}

export async function receiveUpload(
  body: Readable,
  opts: { incomingDir: string; maxBytes: number; expectedSha256: string },
): Promise<ReceivedFile> {
  const expected = opts.expectedSha256.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(expected)) {
    throw new GovernanceError('invalid', 'the sha256 checksum must be 64 hexadecimal characters');
  }
  await privateDir(opts.incomingDir, 2);
  const tempPath = join(opts.incomingDir, `${randomUUID()}.part`);
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > opts.maxBytes) {
        done(
          new GovernanceError('too_large', `upload exceeds the limit of ${opts.maxBytes} bytes`),
        );
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    const out = createWriteStream(tempPath, { flags: 'wx', mode: PRIVATE_FILE });
    await pipeline(body, meter, out);
    await chmod(tempPath, PRIVATE_FILE);
  } catch (err) {
    await rm(tempPath, { force: true });
    if (err instanceof GovernanceError) throw err;
    throw new GovernanceError(
      'invalid',
      `upload interrupted after ${bytes} bytes: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const sha256 = hash.digest('hex');
  if (sha256 !== expected) {
    await rm(tempPath, { force: true });
    throw new GovernanceError(
      'invalid',
      `checksum mismatch: the request says sha256 ${expected}, the ${bytes} bytes received hash to ${sha256}`,
    );
  }
  return { tempPath, sha256, bytes };
}

// ------------------------------------------------------------------ resumable uploads

/**
 * A partial upload (tus-style resumption): the bytes received so far of one file, per user and
 * checksum, at `<incomingDir>/<userId>-<sha256>.part`, with what the first request declared in
 * `<…>.part.json`. A request appends when its offset equals the bytes already received; an
 * interrupted request keeps what it delivered, so the next one continues from there.
 */
export interface PartialUpload {
  /** The partial file (server-side; never shown to a client). */
  path: string;
  dataset: string;
  /** Bytes received so far. */
  offset: number;
  /** The file's total length, as declared when the upload began. */
  length: number;
  /** When a byte last arrived. */
  modifiedAt: Date;
}

interface PartialMeta {
  dataset: string;
  length: number;
  startedAt: string;
}

/** A partial upload in which no byte arrived for this long is removed. */
export const PARTIAL_UPLOAD_HOURS = 24;

/** A request whose offset is not where the partial upload stands: the client resumes there. */
export class UploadOffsetConflict extends GovernanceError {
  override name = 'UploadOffsetConflict';
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super('conflict', message);
  }
}

/** Partial files being written by a request right now (one writer per file). */
const writing = new Set<string>();

export function partialUploadPath(incomingDir: string, userId: string, sha256: string): string {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(userId))
    throw new GovernanceError('invalid', 'a user id names no partial upload');
  return join(incomingDir, `${userId}-${sha256.toLowerCase()}.part`);
}

const metaPath = (part: string) => `${part}.json`;

export async function readPartialUpload(part: string): Promise<PartialUpload | null> {
  let meta: PartialMeta;
  try {
    meta = JSON.parse(await readFile(metaPath(part), 'utf8')) as PartialMeta;
  } catch {
    return null;
  }
  try {
    const s = await stat(part);
    return {
      path: part,
      dataset: meta.dataset,
      offset: s.size,
      length: meta.length,
      modifiedAt: s.mtime,
    };
  } catch {
    return null;
  }
}

export async function removePartialUpload(part: string): Promise<void> {
  await rm(part, { force: true });
  await rm(metaPath(part), { force: true });
}

/**
 * Removes partial uploads (with their metadata) in which no byte arrived for `maxAgeMs`, except
 * those being written right now. Returns how many were removed.
 */
export async function removeStalePartialUploads(
  incomingDir: string,
  now: Date,
  maxAgeMs: number,
): Promise<number> {
  let names: string[];
  try {
    names = await readdir(incomingDir);
  } catch {
    return 0;
  }
  const age = async (file: string): Promise<number | null> => {
    try {
      return now.getTime() - (await stat(file)).mtime.getTime();
    } catch {
      return null;
    }
  };
  let removed = 0;
  for (const name of names) {
    // A partial file ages by its last byte; metadata without its partial file by itself.
    const part = name.endsWith('.part')
      ? join(incomingDir, name)
      : name.endsWith('.part.json') && !names.includes(name.slice(0, -5))
        ? join(incomingDir, name.slice(0, -5))
        : null;
    if (!part || writing.has(part)) continue;
    const a = await age(join(incomingDir, name));
    if (a !== null && a > maxAgeMs) {
      await removePartialUpload(part);
      removed++;
    }
  }
  return removed;
}

/**
 * Appends one chunk to the partial upload `part` (held with `withPartialUpload`): `offset` must
 * equal the bytes received so far (else UploadOffsetConflict with the right offset), and the
 * chunk must not run past `length`. A request that breaks off keeps the bytes it delivered.
 * Returns the partial upload as it now stands.
 */
export async function appendUploadChunk(
  body: Readable,
  opts: {
    part: string;
    dataset: string;
    offset: number;
    length: number;
    /** The request's declared content-length, checked before a byte is read. */
    declared?: number;
  },
): Promise<PartialUpload> {
  const { part, offset, length } = opts;
  if (!writing.has(part)) throw new Error('appendUploadChunk: hold the partial upload first');
  await privateDir(dirname(part), 2);
  const existing = await readPartialUpload(part);
  if (existing) {
    if (existing.dataset !== opts.dataset || existing.length !== length) {
      throw new GovernanceError(
        'conflict',
        `a partial upload of this file began as dataset ${existing.dataset} with upload-length ${existing.length}; this request says ${opts.dataset} with upload-length ${length}`,
      );
    }
  }
  const current = existing?.offset ?? 0;
  if (offset !== current) {
    throw new UploadOffsetConflict(
      current,
      `upload-offset ${offset} does not match the ${current} bytes received so far; resume at offset ${current}`,
    );
  }
  if (opts.declared !== undefined && offset + opts.declared > length) {
    throw new GovernanceError(
      'invalid',
      `a chunk of ${opts.declared} bytes at offset ${offset} runs past upload-length ${length}`,
    );
  }
  if (!existing) {
    const meta: PartialMeta = {
      dataset: opts.dataset,
      length,
      startedAt: new Date().toISOString(),
    };
    await writeFile(metaPath(part), JSON.stringify(meta), { mode: PRIVATE_FILE });
    await chmod(metaPath(part), PRIVATE_FILE);
  }
  const fh = await open(part, 'a', PRIVATE_FILE);
  await fh.chmod(PRIVATE_FILE);
  let received = 0;
  let failure: unknown = null;
  try {
    for await (const chunk of body) {
      const buf = chunk as Buffer;
      if (offset + received + buf.length > length) {
        await fh.truncate(offset);
        received = 0;
        throw new GovernanceError(
          'invalid',
          `the chunk at offset ${offset} runs past upload-length ${length}; nothing of it was kept`,
        );
      }
      await fh.write(buf);
      received += buf.length;
    }
  } catch (err) {
    failure = err;
  } finally {
    await fh.close();
  }
  if (failure instanceof GovernanceError) throw failure;
  if (failure) {
    throw new GovernanceError(
      'invalid',
      `upload interrupted after ${offset + received} of ${length} bytes (kept; resume at offset ${offset + received}): ${failure instanceof Error ? failure.message : String(failure)}`,
    );
  }
  return (await readPartialUpload(part)) as PartialUpload;
}

/**
 * Runs `fn` as the only request on the partial upload `part` (appending, then completing): a
 * second request meanwhile is refused with the offset received so far.
 */
export async function withPartialUpload<T>(
  part: string,
  length: number,
  fn: () => Promise<T>,
): Promise<T> {
  if (writing.has(part)) {
    const current = (await readPartialUpload(part))?.offset ?? 0;
    throw new UploadOffsetConflict(
      current,
      `another request is delivering this file right now (${current} of ${length} bytes received); resume at offset ${current} when it has ended`,
    );
  }
  writing.add(part);
  try {
    return await fn();
  } finally {
    writing.delete(part);
  }
}
