/**
 * Integrity of a release folder: ONE digest over every regular file of `releases/<id>/`, public
 * and restricted. The airlock records it when the candidate enters, every approval signs it, and
 * publication (and the public API) recompute it: what is published is exactly what was approved.
 *
 * The digest: list every regular file below the folder (recursively, symbolic links and other
 * special entries are not followed and not listed) by its path relative to the folder with `/`
 * separators, sorted by that path (code-unit order); for each file the line
 * `<sha256 of the file, hex>  <relative path>\n` (as `sha256sum` prints it); the digest is the
 * sha256 (hex) of those lines joined. So `cd releases/<id> && find . -type f | sort | ...`
 * reproduces it with standard tools.
 *
 * Files are hashed in 1 MiB chunks, never read whole (a restricted `audit.json` can be hundreds
 * of MB). `releaseDigest`, `releaseFileDigests` and `verifyReleaseDigest` are synchronous (one
 * call site computes the digest inline after writing a release); `releaseFileDigestsAsync` and
 * `verifyReleaseDigestAsync` stream through `fs/promises` for servers that must not block.
 */
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** One file of a release folder and its sha256. */
export interface ReleaseFileDigest {
  /** Relative to the release folder, `/`-separated, e.g. `restricted/audit.json`. */
  path: string;
  sha256: string;
  bytes: number;
}

export type ReleaseDigestCheck = { ok: true } | { ok: false; reason: string };

const CHUNK = 1 << 20;
const HEX64 = /^[0-9a-f]{64}$/;

const byPath = (a: { path: string }, b: { path: string }) =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : 0;

/** The digest of a file list (as `releaseFileDigests` returns it). */
export function digestOfFiles(files: readonly { path: string; sha256: string }[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort(byPath)) h.update(`${f.sha256}  ${f.path}\n`);
  return h.digest('hex');
}

function hashFileSync(file: string, path: string): ReleaseFileDigest {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK);
  let bytes = 0;
  const fd = openSync(file, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      bytes += n;
    }
  } finally {
    closeSync(fd);
  }
  return { path, sha256: h.digest('hex'), bytes };
}

async function hashFile(file: string, path: string): Promise<ReleaseFileDigest> {
  const h = createHash('sha256');
  let bytes = 0;
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      bytes += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return { path, sha256: h.digest('hex'), bytes };
}

function notAFolder(dir: string): Error {
  return new Error(`release folder ${dir} does not exist or is not a folder`);
}

/** Every regular file of the release folder with its sha256, sorted by path. Synchronous. */
export function releaseFileDigests(dir: string): ReleaseFileDigest[] {
  let top;
  try {
    top = lstatSync(dir);
  } catch {
    throw notAFolder(dir);
  }
  if (!top.isDirectory()) throw notAFolder(dir);
  const out: ReleaseFileDigest[] = [];
  const walk = (abs: string, rel: string) => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const a = join(abs, e.name);
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(a, r);
      else if (e.isFile()) out.push(hashFileSync(a, r));
    }
  };
  walk(dir, '');
  return out.sort(byPath);
}

/** As `releaseFileDigests`, streaming with `fs/promises` (does not block the event loop). */
export async function releaseFileDigestsAsync(dir: string): Promise<ReleaseFileDigest[]> {
  let top;
  try {
    top = await lstat(dir);
  } catch {
    throw notAFolder(dir);
  }
  if (!top.isDirectory()) throw notAFolder(dir);
  const out: ReleaseFileDigest[] = [];
  const walk = async (abs: string, rel: string) => {
    for (const e of await readdir(abs, { withFileTypes: true })) {
      const a = join(abs, e.name);
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(a, r);
      else if (e.isFile()) out.push(await hashFile(a, r));
    }
  };
  await walk(dir, '');
  return out.sort(byPath);
}

/**
 * The digest of a release folder (see the top of this file). Synchronous; throws when the folder
 * does not exist.
 */
export function releaseDigest(dir: string): string {
  return digestOfFiles(releaseFileDigests(dir));
}

/**
 * Why `actual` differs from `recorded`: the first file (in path order) that changed, is missing
 * or was added; null when the lists agree.
 */
export function firstDifference(
  recorded: readonly { path: string; sha256: string }[],
  actual: readonly { path: string; sha256: string }[],
): string | null {
  const before = new Map(recorded.map((f) => [f.path, f.sha256]));
  const now = new Map(actual.map((f) => [f.path, f.sha256]));
  const paths = [...new Set([...before.keys(), ...now.keys()])].sort();
  for (const p of paths) {
    const b = before.get(p);
    const n = now.get(p);
    if (b === n) continue;
    if (b === undefined) return `${p} was added`;
    if (n === undefined) return `${p} is missing`;
    return `${p} changed (sha256 ${n.slice(0, 12)}, was ${b.slice(0, 12)})`;
  }
  return null;
}

function check(
  dir: string,
  expected: string,
  actual: readonly ReleaseFileDigest[] | Error,
  recordedFiles: readonly { path: string; sha256: string }[] | undefined,
): ReleaseDigestCheck {
  if (!HEX64.test(expected)) {
    return { ok: false, reason: `the expected digest '${expected}' is not 64 hex characters` };
  }
  if (actual instanceof Error) return { ok: false, reason: actual.message };
  const digest = digestOfFiles(actual);
  if (digest === expected) return { ok: true };
  const why =
    recordedFiles && digestOfFiles(recordedFiles) === expected
      ? firstDifference(recordedFiles, actual)
      : null;
  return {
    ok: false,
    reason: `the files of ${dir} have digest ${digest.slice(0, 12)}, not ${expected.slice(0, 12)}${why ? `: ${why}` : ''}`,
  };
}

/**
 * Recomputes the digest of `dir` and compares it with `expected` (lowercase hex). When the file
 * list that `expected` was computed from is given (and matches it), the reason names the first
 * file that differs. Synchronous; a missing folder is a mismatch, not an exception.
 */
export function verifyReleaseDigest(
  dir: string,
  expected: string,
  recordedFiles?: readonly { path: string; sha256: string }[],
): ReleaseDigestCheck {
  let actual: ReleaseFileDigest[] | Error;
  try {
    actual = releaseFileDigests(dir);
  } catch (err) {
    actual = err as Error;
  }
  return check(dir, expected, actual, recordedFiles);
}

/** As `verifyReleaseDigest`, streaming with `fs/promises`. */
export async function verifyReleaseDigestAsync(
  dir: string,
  expected: string,
  recordedFiles?: readonly { path: string; sha256: string }[],
): Promise<ReleaseDigestCheck> {
  let actual: ReleaseFileDigest[] | Error;
  try {
    actual = await releaseFileDigestsAsync(dir);
  } catch (err) {
    actual = err as Error;
  }
  return check(dir, expected, actual, recordedFiles);
}
