import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GovernanceError, receiveUpload } from '../../src/governance/index.js';

const root = mkdtempSync(join(tmpdir(), 'samenzicht-upload-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function chunks(n: number, size: number, failAfter?: number): Readable {
  let i = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && i === failAfter) {
        this.destroy(new Error('socket hang up'));
        return;
      }
      if (i++ < n) this.push(Buffer.alloc(size, 67));
      else this.push(null);
    },
  });
}

describe('receiveUpload', () => {
  it('streams to a temporary file and checks the sha256', async () => {
    const dir = join(root, 'ok');
    const r = await receiveUpload(chunks(4, 1000), {
      incomingDir: dir,
      maxBytes: 4000,
      expectedSha256: sha(Buffer.alloc(4000, 67)),
    });
    expect(r.bytes).toBe(4000);
    expect(readFileSync(r.tempPath)).toEqual(Buffer.alloc(4000, 67));
  });

  it('stops at the size limit even without a declared length, and removes the partial file', async () => {
    const dir = join(root, 'big');
    const err = await receiveUpload(chunks(10, 1000), {
      incomingDir: dir,
      maxBytes: 4500,
      expectedSha256: 'a'.repeat(64),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GovernanceError);
    expect((err as GovernanceError).code).toBe('too_large');
    expect((err as Error).message).toBe('upload exceeds the limit of 4500 bytes');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a stream that breaks off mid-way leaves nothing', async () => {
    const dir = join(root, 'broken');
    await expect(
      receiveUpload(chunks(10, 1000, 3), {
        incomingDir: dir,
        maxBytes: 1e6,
        expectedSha256: 'a'.repeat(64),
      }),
    ).rejects.toThrow('upload interrupted after 3000 bytes: socket hang up');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a malformed checksum before reading', async () => {
    await expect(
      receiveUpload(chunks(1, 1), {
        incomingDir: join(root, 'x'),
        maxBytes: 10,
        expectedSha256: 'abc',
      }),
    ).rejects.toThrow('the sha256 checksum must be 64 hexadecimal characters');
  });
});
