/**
 * Identities never reach the broker: a delivery whose columns name direct identifiers (naam,
 * adres, …), whose identifier columns hold raw BSNs or KvK-nummers instead of pseudonyms, or
 * whose other text columns look like BSNs or KvK-nummers, is refused as a whole (and the server
 * deletes it at once). The refusal counts rows and names the column; it never holds a value.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, quoteIdent } from '../engine/session.js';
import { detectIdentifierColumn, DETECTION_THRESHOLD } from '../pseudonym/detect.js';
import { brokerColumnName, type DatasetContract } from './contracts.js';
import type { ContributionError } from './refusal.js';

const DIRECT: { kind: string; words: string[] }[] = [
  {
    kind: 'a name',
    words: [
      'naam',
      'namen',
      'voornaam',
      'voornamen',
      'achternaam',
      'geslachtsnaam',
      'voorletters',
      'roepnaam',
      'tussenvoegsel',
      'name',
      'firstname',
      'lastname',
      'surname',
    ],
  },
  {
    kind: 'an address',
    words: [
      'adres',
      'straat',
      'straatnaam',
      'huisnummer',
      'huisletter',
      'postcode',
      'address',
      'street',
    ],
  },
  {
    kind: 'contact details',
    words: ['telefoon', 'telefoonnummer', 'mobiel', 'email', 'mail', 'emailadres', 'phone'],
  },
  { kind: 'a bank account', words: ['iban', 'rekeningnummer', 'bankrekening'] },
  {
    kind: 'a raw identifier',
    words: [
      'bsn',
      'burgerservicenummer',
      'sofinummer',
      'kvk',
      'kvknummer',
      'paspoortnummer',
      'rijbewijsnummer',
      'documentnummer',
    ],
  },
];

/**
 * What kind of direct identifier a column's name says it holds (`a name`, `an address`, …), or
 * null. By the words of the name (`naam`, `naam_verdachte`, `woon_adres`) and its endings
 * (`bedrijfsnaam`, `woonadres`); `huishoudnummer` or `zaaknummer` are not identifiers.
 */
export function directIdentifierKind(column: string): string | null {
  const words = column
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const compact = words.join('');
  for (const d of DIRECT) {
    if (words.some((w) => d.words.includes(w)) || d.words.includes(compact)) return d.kind;
  }
  if (/(naam|namen)$/.test(compact)) return 'a name';
  if (/adres$/.test(compact)) return 'an address';
  return null;
}

/**
 * SQL over `d`, a value's digits (layout removed, 8 or 9 of them): a BSN is 9 digits (or 8 that
 * lost a leading zero) passing the 11-proef, never all zeros; a KvK-nummer is 8 digits.
 */
function isBsnSql(d: string): string {
  const d9 = `lpad(${d}, 9, '0')`;
  const digit = (k: number) => `(ascii(substr(${d9}, ${k}, 1)) - 48)`;
  const sum = [9, 8, 7, 6, 5, 4, 3, 2].map((w, i) => `${w} * ${digit(i + 1)}`).join(' + ');
  return `(${d9} <> '000000000' AND (${sum} - ${digit(9)}) % 11 = 0)`;
}
const isKvkSql = (d: string) => `(strlen(${d}) = 8 AND ${d} <> '00000000')`;

/** Longer values are no identifier, whatever their layout: they are not looked at further. */
const MAX_IDENTIFIER_CHARS = 20;

/** Values sampled per text column (not an identifier column) to see whether it holds identifiers. */
export const IDENTIFIER_SAMPLE = 10_000;

type Refuse = (code: 'raw-identifier', detail: string, info: ContributionError['info']) => Error;

/**
 * Refuses (throws what `refuse` makes) when the staged delivery holds raw identifiers:
 * - an identifier column (delivered as `<name>_pseudonym`) in which any value is a BSN (the
 *   11-proef) or a KvK-nummer (8 digits): every row is checked;
 * - any other text column in which at least half of a sample of its non-empty values are BSNs
 *   or KvK-nummers (the detector of the provider's own tool, src/pseudonym/detect.ts).
 * `staging` has the delivered columns as VARCHAR and `source_row`.
 */
export async function refuseRawIdentifiers(
  conn: DuckDBConnection,
  dataset: DatasetContract,
  staging: string,
  totalRows: number,
  refuse: Refuse,
): Promise<void> {
  const rowsWord = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'row' : 'rows'}`;
  for (const column of dataset.columns.filter((c) => c.identifier)) {
    const name = brokerColumnName(column);
    // Only short values can be identifiers: the pseudonyms of a large file cost one length test
    // each (the CASE keeps DuckDB from running the regular expression on every value).
    const c = quoteIdent(name);
    const [hit] = await queryRows<{ bsn: bigint; kvk: bigint; first: bigint | null }>(
      conn,
      `WITH c AS (
         SELECT source_row, CASE WHEN strlen(${c}) <= ${MAX_IDENTIFIER_CHARS} THEN regexp_replace(trim(${c}), '[\\s.-]', '', 'g') END AS d
         FROM ${quoteIdent(staging)}
       ), k AS (
         SELECT source_row, ${isBsnSql('d')} AS bsn, ${isKvkSql('d')} AS kvk
         FROM c WHERE regexp_full_match(d, '[0-9]{8,9}')
       )
       SELECT count(*) FILTER (WHERE bsn) AS bsn, count(*) FILTER (WHERE kvk AND NOT bsn) AS kvk,
              min(source_row) FILTER (WHERE bsn OR kvk) AS first
       FROM k`,
    );
    const bsn = Number(hit?.bsn ?? 0);
    const kvk = Number(hit?.kvk ?? 0);
    if (bsn + kvk === 0) continue;
    const what = bsn >= kvk ? 'BSNs' : 'KvK-nummers';
    throw refuse(
      'raw-identifier',
      `column ${name} holds raw ${what}, not pseudonyms: ${(bsn + kvk).toLocaleString('en-US')} of ${rowsWord(totalRows)}, the first in row ${Number(hit!.first)}; pseudonymise the file before delivery (samenzicht deliver does)`,
      { field: name, row: Number(hit!.first), rows: bsn + kvk },
    );
  }
  for (const column of dataset.columns.filter((c) => !c.identifier && c.type === 'VARCHAR')) {
    const name = brokerColumnName(column);
    // Only short values can be identifiers: a longer one is sampled as 'x', so it still counts
    // against the share of identifier-like values without being read in full.
    const sample = await queryRows<{ v: string }>(
      conn,
      `SELECT v FROM (
         SELECT CASE WHEN strlen(trim(${quoteIdent(name)})) <= 20 THEN trim(${quoteIdent(name)}) ELSE 'x' END AS v
         FROM ${quoteIdent(staging)} WHERE trim(${quoteIdent(name)}) <> ''
       ) USING SAMPLE reservoir(${IDENTIFIER_SAMPLE} ROWS) REPEATABLE (15)`,
    );
    const finding = detectIdentifierColumn({ name, values: sample.map((r) => r.v) });
    if (!finding) continue;
    const what = finding.kind === 'bsn' ? 'BSNs' : 'KvK-nummers';
    throw refuse(
      'raw-identifier',
      `column ${name} looks like ${what}: ${Math.round(finding.share * 100)}% of ${finding.nonEmpty.toLocaleString('en-US')} sampled values (at least ${DETECTION_THRESHOLD * 100}% refuses a file); identifiers are delivered only as pseudonyms, in their own columns`,
      { field: name, rows: Math.round(finding.share * finding.nonEmpty) },
    );
  }
}
