/**
 * The id map of a provider file: each distinct raw identifier value, normalised and
 * pseudonymised once per file. Registers repeat their identifiers (the BRP holds a person once
 * per year), and the crypto is the cost. The map holds raw values and stays in the in-memory
 * database at the provider.
 */
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { PseudonymiseError } from './errors.js';
import { normaliseIdentifier, type IdentifierKind, type Normalised } from './identifiers.js';
import { q } from './sql.js';
import type { Stage1Batch } from './stage1.js';

/** Table `idmap` (kind, raw, pseudonym, reason, blank): a pseudonym or the reason there is none. */
export const IDMAP_TABLE = 'idmap';

/**
 * Fills `idmap` with every distinct value of the id columns of table `src`, per kind; returns
 * how many distinct values were pseudonymised.
 */
export async function buildIdMap(
  instance: DuckDBInstance,
  conn: DuckDBConnection,
  opts: { file: string; idColumns: string[]; kinds: IdentifierKind[]; batch: Stage1Batch },
): Promise<number> {
  await conn.run(
    `CREATE TABLE ${IDMAP_TABLE} (kind VARCHAR, raw VARCHAR, pseudonym VARCHAR, reason VARCHAR, blank BOOLEAN)`,
  );
  // The appender lives on its own connection: its automatic flushes would otherwise end the
  // streaming read below on the shared connection after ~200k rows, silently losing the rest.
  const appendConn = await instance.connect();
  const appender = await appendConn.createAppender(IDMAP_TABLE);
  let distinctIds = 0;
  for (const kind of [...new Set(opts.kinds)]) {
    const cols = opts.idColumns.filter((_, i) => opts.kinds[i] === kind);
    distinctIds += await appendDistinct(conn, appender, kind, cols, opts);
  }
  appender.closeSync();
  appendConn.closeSync();
  return distinctIds;
}

/** Streams the distinct values of `cols` (one kind) into the map; checks none is lost. */
async function appendDistinct(
  conn: DuckDBConnection,
  appender: DuckDBAppender,
  kind: IdentifierKind,
  cols: string[],
  opts: { file: string; batch: Stage1Batch },
): Promise<number> {
  // Materialised once: counted, then streamed (the count guards the stream).
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE distinct_ids AS SELECT DISTINCT v FROM (${cols
      .map((c) => `SELECT CAST(${q(c)} AS VARCHAR) AS v FROM src`)
      .join(' UNION ALL ')}) WHERE v IS NOT NULL`,
  );
  const expected = Number(
    (await conn.runAndReadAll('SELECT count(*) FROM distinct_ids')).getColumnsJS()[0]?.[0],
  );
  const stream = await conn.stream('SELECT v FROM distinct_ids');
  let appended = 0;
  for (;;) {
    const chunk = await stream.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const raw = chunk.getColumnValues(0) as string[];
    await appendChunk(appender, kind, raw, opts.batch);
    appended += raw.length;
  }
  if (appended !== expected) {
    throw new PseudonymiseError(
      `${opts.file}: ${expected} distinct ${kind} values but ${appended} pseudonymised; nothing written`,
    );
  }
  return appended;
}

/** One row per raw value: its pseudonym, or the reason it is not a valid identifier. */
async function appendChunk(
  appender: DuckDBAppender,
  kind: IdentifierKind,
  raw: string[],
  batch: Stage1Batch,
): Promise<void> {
  const norm = raw.map((v) => normaliseIdentifier(kind, v));
  const valid = norm.flatMap((nv) => (nv.ok ? [nv.value] : []));
  const made = valid.length > 0 ? await batch(kind, valid) : [];
  let j = 0;
  for (let r = 0; r < raw.length; r++) {
    const nv = norm[r] as Normalised;
    appender.appendVarchar(kind);
    appender.appendVarchar(raw[r] as string);
    if (nv.ok) {
      appender.appendVarchar(made[j++] as string);
      appender.appendNull();
    } else {
      appender.appendNull();
      appender.appendVarchar(nv.reason);
    }
    appender.appendBoolean((raw[r] as string).trim() === '');
    appender.endRow();
  }
}
