/**
 * Receiving a contribution file: stream to a temporary file while hashing and counting, refuse
 * beyond the size limit or on a checksum mismatch, and hand back the temporary path. Anything
 * that goes wrong, including the client going away mid-stream, removes the temporary file, so an
 * interrupted upload leaves nothing behind.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GovernanceError } from './errors.js';

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
  await mkdir(opts.incomingDir, { recursive: true });
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
    await pipeline(body, meter, createWriteStream(tempPath, { flags: 'wx' }));
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
