import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  brokerPseudonymiser,
  deliverProvider,
  filesUnder,
  finaliseTable,
  findRawIdentifiers,
  initBrokerKeys,
  linkageReport,
  readBrokerKeys,
  rotateBrokerKeys,
  type Scheme,
} from '../../src/pseudonym/index.js';
import { inProcessKeyholder, makeBsns, tmp } from './helpers.js';

const entry = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

/** A small world: 30 residents in 2021, 25 of them still in 2022; 10 suspects, 2 not resident. */
function writeProviders(base: string) {
  const bsns = makeBsns(32, 41);
  const residents = bsns.slice(0, 30);
  const outsiders = bsns.slice(30);
  const gem = join(base, 'providers', 'gemeenten');
  const pol = join(base, 'providers', 'politie');
  mkdirSync(gem, { recursive: true });
  mkdirSync(pol, { recursive: true });
  const brp = ['peiljaar;bsn;buurtcode;geboortedatum;geslacht;huishoudnummer'];
  residents.forEach((b, i) =>
    brp.push(`2021;${b};BU03630000;01-01-1980;${i % 2 ? 'M' : 'V'};H${i}`),
  );
  residents
    .slice(0, 25)
    .forEach((b, i) => brp.push(`2022;${b};BU03630000;01-01-1980;${i % 2 ? 'M' : 'V'};H${i}`));
  writeFileSync(join(gem, 'brp_personen.csv'), `${brp.join('\n')}\n`);
  const susp = [
    [residents[0], '01-03-2021'],
    [residents[0], '05-06-2021'], // same person twice (different registrations)
    [residents[1], '01-03-2021'],
    [residents[26], '01-03-2022'], // moved away after 2021: not in the 2022 register
    [residents[2], '01-03-2022'],
    [outsiders[0], '01-03-2021'],
    [outsiders[1], '01-03-2022'],
    [residents[3], '02-02-2021'],
  ] as const;
  const pv = ['registratienummer;bsn;pleegdatum;delictklasse;pleeg_buurtcode'];
  susp.forEach(([b, d], i) => pv.push(`R${i};${b};${d};geweld;BU03630000`));
  pv.push(`R7;${residents[3]};02-02-2021;geweld;BU03630000`); // duplicate key R7
  writeFileSync(join(pol, 'politie_verdachten.csv'), `${pv.join('\n')}\n`);
  writeFileSync(
    join(pol, 'politie_ontmantelingen.csv'),
    'zaaknummer;ontmantelingsdatum;buurtcode;aantal_planten\nZ1;01-05-2021;BU03630000;120\n',
  );
  return { bsns, gem, pol };
}

/** Stands in for the lead's ingest: loads the delivered (stage-1) files, typed. */
async function load(conn: DuckDBConnection, delivery: string) {
  await conn.run(`CREATE TABLE brp_personen AS SELECT CAST(peiljaar AS INTEGER) AS peiljaar, bsn_pseudonym, buurtcode,
    CAST(strptime(geboortedatum, '%d-%m-%Y') AS DATE) AS geboortedatum, geslacht, huishoudnummer
    FROM read_csv('${join(delivery, 'gemeenten', 'brp_personen.csv')}', delim=';', header=true, all_varchar=true)`);
  await conn.run(`CREATE TABLE politie_verdachten AS SELECT registratienummer, bsn_pseudonym,
    CAST(strptime(pleegdatum, '%d-%m-%Y') AS DATE) AS pleegdatum, delictklasse, pleeg_buurtcode
    FROM read_csv('${join(delivery, 'politie', 'politie_verdachten.csv')}', delim=';', header=true, all_varchar=true)`);
}

async function snapshot(conn: DuckDBConnection): Promise<string[][]> {
  const r = await conn.runAndReadAll(
    `SELECT 'brp' AS t, rowid AS r, bsn_pseudonym AS p FROM brp_personen UNION ALL SELECT 'pv', rowid, bsn_pseudonym FROM politie_verdachten ORDER BY 1, 2`,
  );
  return r.getRowsJS().map((row) => row.map(String));
}

/** Same equality pattern: a bijection between old and new values, position by position. */
function sameLinkage(a: string[][], b: string[][]): boolean {
  const fwd = new Map<string, string>();
  const back = new Map<string, string>();
  return a.every((row, i) => {
    const x = row[2] as string;
    const y = (b[i] as string[])[2] as string;
    if ((fwd.get(x) ?? y) !== y || (back.get(y) ?? x) !== x) return false;
    fwd.set(x, y);
    back.set(y, x);
    return true;
  });
}

describe.each<Scheme>(['keyed', 'pep'])('broker linkage, scheme %s', (scheme) => {
  it('links across providers, reports every row, rotates without changing linkage, leaks no BSN', async () => {
    const base = tmp(`world-${scheme}`);
    const { bsns, gem, pol } = writeProviders(base);
    const kh = join(base, 'keyholder');
    const keys = await inProcessKeyholder(kh, 2);
    const delivery = join(base, 'delivery');
    await deliverProvider({
      providerDir: gem,
      outDir: join(delivery, 'gemeenten'),
      provider: 'gemeenten',
      scheme,
      keys,
    });
    await deliverProvider({
      providerDir: pol,
      outDir: join(delivery, 'politie'),
      provider: 'politie',
      scheme,
      keys,
    });

    const brokerDir = join(base, 'broker');
    const keysDir = join(brokerDir, 'keys');
    initBrokerKeys(keysDir);
    const dbFile = join(brokerDir, 'broker.duckdb');
    let db = await DuckDBInstance.create(dbFile);
    let conn = await db.connect();
    await load(conn, delivery);
    const p = await brokerPseudonymiser({ scheme, keysDir, keyholder: keys });
    // Small pages, so that paging through the distinct values is exercised too.
    const f1 = await finaliseTable(conn, 'brp_personen', ['bsn_pseudonym'], p, { pageSize: 7 });
    const f2 = await finaliseTable(conn, 'politie_verdachten', ['bsn_pseudonym'], p, {
      pageSize: 7,
    });
    // keyed: one delivered value per person, and the 5 residents among the suspects are already
    // in the vault from the BRP; pep: one value per distinct id per file (each file encrypts
    // afresh, so the suspects' 7 distinct ids are all new ciphertexts).
    expect([f1.newValues, f2.newValues]).toEqual(scheme === 'keyed' ? [30, 2] : [30, 7]);

    const report = await linkageReport(conn, ['brp_personen', 'politie_verdachten']);
    const pv = report.datasets[1]!;
    expect({ rows: pv.rows, duplicates: pv.duplicates }).toEqual({ rows: 9, duplicates: 1 });
    expect(pv.columns[0]).toMatchObject({
      column: 'bsn_pseudonym',
      withPseudonym: 9,
      missing: 0,
      distinctPseudonyms: 7,
      matchedRows: 6, // residents 0,0,1,2,3,3
      unmatchedRows: 3, // resident 26 in 2022, two outsiders
      matchedDistinct: 4,
      unmatchedDistinct: 3,
      yearsWithoutRegister: [],
    });
    expect(report.datasets[0]).toMatchObject({ rows: 55, duplicates: 0 });
    expect(report.datasets[0]!.columns[0]).toMatchObject({
      matchedRows: 55,
      distinctPseudonyms: 30,
    });
    writeFileSync(join(brokerDir, 'linkage.json'), JSON.stringify(report));

    const before = await snapshot(conn);
    expect(before[0]![2]).toMatch(new RegExp(`^ZS:${scheme}:v1:`));
    let rotation;
    if (scheme === 'keyed') {
      conn.closeSync();
      db.closeSync();
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', entry, 'keys', 'rotate', '--dir', keysDir, '--db', dbFile],
        { cwd: root, encoding: 'utf8' },
      );
      expect(r.stderr).toBe('');
      rotation = r.stdout;
      expect(rotation).toContain('broker key rotated from version 1 to 2');
      db = await DuckDBInstance.create(dbFile);
      conn = await db.connect();
    } else {
      const r = await rotateBrokerKeys(conn, { keysDir, keyholder: keys, pageSize: 4 });
      expect(r).toMatchObject({ fromVersion: 1, toVersion: 2 });
      expect(r.columns.map((c) => [c.table, c.rowsUpdated])).toEqual([
        ['brp_personen', 55],
        ['politie_verdachten', 9],
      ]);
    }
    const after = await snapshot(conn);
    expect(after[0]![2]).toMatch(new RegExp(`^ZS:${scheme}:v2:`));
    expect(after.every((row, i) => row[2] !== before[i]![2])).toBe(true);
    expect(sameLinkage(before, after)).toBe(true);
    const again = await linkageReport(conn, ['brp_personen', 'politie_verdachten']);
    expect(again.datasets).toEqual(report.datasets);
    expect(Object.keys(readBrokerKeys(keysDir).k2)).toEqual(['2']);
    await conn.run('CHECKPOINT');
    conn.closeSync();
    db.closeSync();

    // No raw identifier anywhere the broker stores or outputs (nor in what the providers sent).
    const scanned = [...filesUnder(brokerDir), ...filesUnder(delivery)];
    expect(scanned.length).toBeGreaterThan(5);
    expect(findRawIdentifiers([brokerDir, delivery], bsns)).toEqual([]);
    // The scan does find them where they are: the provider's own files.
    expect(findRawIdentifiers([gem], bsns.slice(0, 30)).length).toBe(30);
  });
});
