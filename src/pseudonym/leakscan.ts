/**
 * Scans files for raw identifiers: the check that no BSN or KvK-nummer reaches broker storage,
 * logs or outputs. Byte search, so it works on CSV, JSON, Parquet and DuckDB files alike for
 * values stored uncompressed; the broker never loads raw identifiers at all, so a hit is a bug.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((f) => filesUnder(join(path, f)));
}

export interface IdentifierHit {
  file: string;
  /** Position in the file, not the identifier itself (the report must not leak it either). */
  offset: number;
  index: number;
}

/** Every occurrence (first per file and identifier) of any of `identifiers` under `paths`. */
export function findRawIdentifiers(
  paths: readonly string[],
  identifiers: readonly string[],
): IdentifierHit[] {
  const needles = identifiers.map((id) => Buffer.from(id));
  const hits: IdentifierHit[] = [];
  for (const file of paths.flatMap(filesUnder)) {
    const bytes = readFileSync(file);
    needles.forEach((n, index) => {
      const offset = bytes.indexOf(n);
      if (offset >= 0) hits.push({ file, offset, index });
    });
  }
  return hits;
}
