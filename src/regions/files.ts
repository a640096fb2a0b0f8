/**
 * Region files may be stored plain, Brotli-compressed (`.br`) or gzip-compressed (`.gz`); the
 * loader reads all three directly. Samenzicht itself writes Brotli (the smaller of the two for
 * TopoJSON: 537 kB instead of 702 kB for the shipped files).
 */
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants, gunzip } from 'node:zlib';

const brotliDecompressAsync = promisify(brotliDecompress);
const brotliCompressAsync = promisify(brotliCompress);
const gunzipAsync = promisify(gunzip);

/** Suffixes tried for a logical file name, in this order (plain wins over compressed). */
export const COMPRESSED_SUFFIXES = ['', '.br', '.gz'] as const;

/** The stored path of a logical region file (`name`, `name.br` or `name.gz`), or null. */
export function findRegionFile(dir: string, name: string): string | null {
  for (const suffix of COMPRESSED_SUFFIXES) {
    const path = join(dir, name + suffix);
    if (existsSync(path)) return path;
  }
  return null;
}

/** The logical name of a stored file: without its `.br`/`.gz` suffix. */
export function logicalName(file: string): string {
  return file.replace(/\.(br|gz)$/, '');
}

/** Reads a region file as UTF-8, decompressing `.br` and `.gz`; errors name the file. */
export async function readRegionText(path: string): Promise<string> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (err) {
    throw new Error(`${path}: cannot read (${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    if (path.endsWith('.br')) raw = await brotliDecompressAsync(raw);
    else if (path.endsWith('.gz')) raw = await gunzipAsync(raw);
  } catch (err) {
    throw new Error(
      `${path}: not valid ${path.endsWith('.br') ? 'Brotli' : 'gzip'} data (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  return raw.toString('utf8');
}

/** Reads and parses a (possibly compressed) JSON region file; errors name the file. */
export async function readRegionJson(path: string): Promise<unknown> {
  const text = await readRegionText(path);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(
      `${path}: not valid JSON (${err instanceof Error ? err.message : String(err)})`,
    );
  }
}

/**
 * Writes `text` Brotli-compressed to `path` (which should end in `.br`), atomically. Quality 11
 * up to 32 MB of input, 9 above (quality 11 is slow on very large files and gains little).
 */
export async function writeBrotli(path: string, text: string): Promise<number> {
  const input = Buffer.from(text, 'utf8');
  const out = await brotliCompressAsync(input, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: input.length <= 32 * 1024 * 1024 ? 11 : 9,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: input.length,
    },
  });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, out);
  await rename(tmp, path);
  return out.length;
}
