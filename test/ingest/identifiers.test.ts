/**
 * Identities refused at the door (src/ingest/identifiers.ts): columns named as direct
 * identifiers, and raw BSNs or KvK-nummers in the values, the latter compiled to SQL and checked
 * here against the provider's own definitions (src/pseudonym/identifiers.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openBrokerDatabase, type BrokerDatabase } from '../../src/engine/session.js';
import { datasetContract } from '../../src/ingest/contracts.js';
import { directIdentifierKind, refuseRawIdentifiers } from '../../src/ingest/identifiers.js';
import { completeBsn, isValidBsn, isValidKvk } from '../../src/pseudonym/identifiers.js';

let db: BrokerDatabase;
beforeAll(async () => {
  db = await openBrokerDatabase(':memory:', { threads: 1 });
});
afterAll(() => db.close());

describe('directIdentifierKind', () => {
  it('knows names, addresses, contact details, accounts and raw identifiers by their column names', () => {
    const kinds = Object.fromEntries(
      [
        'naam',
        'adres',
        'voornamen',
        'naam_verdachte',
        'bedrijfsnaam',
        'woonadres',
        'Postcode',
        'e-mail',
        'telefoonnummer',
        'iban',
        'bsn',
        'kvk_nummer',
        'huishoudnummer',
        'zaaknummer',
        'buurtcode',
        'geslacht',
        'object_id',
      ].map((c) => [c, directIdentifierKind(c)]),
    );
    expect(kinds).toEqual({
      naam: 'a name',
      adres: 'an address',
      voornamen: 'a name',
      naam_verdachte: 'a name',
      bedrijfsnaam: 'a name',
      woonadres: 'an address',
      Postcode: 'an address',
      'e-mail': 'contact details',
      telefoonnummer: 'contact details',
      iban: 'a bank account',
      bsn: 'a raw identifier',
      kvk_nummer: 'a raw identifier',
      huishoudnummer: null,
      zaaknummer: null,
      buurtcode: null,
      geslacht: null,
      object_id: null,
    });
  });
});

/** A staging table for uwv_uitkeringen whose identifier column holds `values`. */
async function stage(values: readonly string[], column = 'bsn_pseudonym') {
  await db.conn.run(
    `CREATE OR REPLACE TABLE staging (source_row BIGINT, bsn_pseudonym VARCHAR, uitkeringssoort VARCHAR, startdatum VARCHAR, einddatum VARCHAR)`,
  );
  const a = await db.conn.createAppender('staging');
  values.forEach((v, i) => {
    a.appendBigInt(BigInt(i + 1));
    a.appendVarchar(column === 'bsn_pseudonym' ? v : 'ZS1:keyed:k1v1:x');
    a.appendVarchar(column === 'uitkeringssoort' ? v : 'ww');
    a.appendVarchar('2020-01-01');
    a.appendNull();
    a.endRow();
  });
  a.closeSync();
}

const refusalOf = async (total: number) =>
  refuseRawIdentifiers(
    db.conn,
    datasetContract('uwv_uitkeringen'),
    'staging',
    total,
    (code, detail, info) => Object.assign(new Error(detail), { code, info }),
  ).then(
    () => null,
    (e: Error & { info: unknown }) => ({ message: e.message, info: e.info }),
  );

describe('refuseRawIdentifiers', () => {
  it('counts exactly the values in an identifier column that are BSNs (11-proef) or KvK-nummers', async () => {
    const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));
    const value = fc.oneof(
      digits(9),
      digits(8),
      digits(8).map((d) => completeBsn(d) ?? d),
      digits(9).map((d) => `${d.slice(0, 3)}.${d.slice(3, 6)} ${d.slice(6)}`),
      fc.constant('000000000'),
      fc.constant('ZS1:keyed:k1v1:abc'),
      fc.string({ maxLength: 12 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 40 }), async (values) => {
        await stage(values);
        const raw = values.flatMap((v, i) =>
          isValidBsn(v.trim()) || isValidKvk(v.trim()) ? [i + 1] : [],
        );
        const got = await refusalOf(values.length);
        if (raw.length === 0) expect(got).toBeNull();
        else expect(got?.info).toEqual({ field: 'bsn_pseudonym', row: raw[0], rows: raw.length });
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  it('refuses another text column when half of its values are BSNs, and never names a value', async () => {
    const bsns = ['100000009', '100079192', '100158389', '100237575', '100316761'];
    await stage([...bsns, 'ww', 'ww', 'ww', 'ww', 'ww'], 'uitkeringssoort');
    const got = await refusalOf(10);
    expect(got).toEqual({
      message:
        'column uitkeringssoort looks like BSNs: 50% of 10 sampled values (at least 50% refuses a file); identifiers are delivered only as pseudonyms, in their own columns',
      info: { field: 'uitkeringssoort', rows: 5 },
    });
    for (const b of bsns) expect(JSON.stringify(got)).not.toContain(b);
    await stage([...bsns.slice(0, 4), 'ww', 'ww', 'ww', 'ww', 'ww'], 'uitkeringssoort');
    expect(await refusalOf(9)).toBeNull();
  });
});
