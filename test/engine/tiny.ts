/** A hand-made broker database: every contract table (empty unless filled) plus region_hierarchy. */
import { DATASETS, brokerColumnName } from '../../src/ingest/contracts.js';
import { openBrokerDatabase, type BrokerDatabase } from '../../src/engine/session.js';
import { createRegionHierarchy } from '../support/engine-fixture.js';

export const HIERARCHY = [
  {
    buurt_code: 'BU00010101',
    wijk_code: 'WK000101',
    gemeente_code: 'GM0001',
    veiligheidsregio_code: 'VR01',
  },
  {
    buurt_code: 'BU00010102',
    wijk_code: 'WK000101',
    gemeente_code: 'GM0001',
    veiligheidsregio_code: 'VR01',
  },
  {
    buurt_code: 'BU00020101',
    wijk_code: 'WK000201',
    gemeente_code: 'GM0002',
    veiligheidsregio_code: 'VR02',
  },
];

export async function tinyBroker(): Promise<BrokerDatabase> {
  const db = await openBrokerDatabase(':memory:', { threads: 2 });
  for (const d of DATASETS) {
    const cols = d.columns
      .map((c) => `"${brokerColumnName(c)}" ${c.identifier ? 'VARCHAR' : c.type}`)
      .join(', ');
    await db.conn.run(`CREATE TABLE "${d.id}" (${cols})`);
  }
  await createRegionHierarchy(db.conn, HIERARCHY);
  const run = (sql: string) => db.conn.run(sql);
  await run(`INSERT INTO brp_personen VALUES
    (2023, 'p1', 'BU00010101', DATE '2005-03-01', 'V', 'HH1'),
    (2023, 'p2', 'BU00010101', DATE '1980-01-01', 'M', 'HH1'),
    (2023, 'p3', 'BU00010102', DATE '2010-06-01', 'M', 'HH2'),
    (2023, 'p4', 'BU00020101', DATE '1950-05-05', 'V', 'HH3'),
    (2022, 'p1', 'BU00010101', DATE '2005-03-01', 'V', 'HH1')`);
  await run(`INSERT INTO politie_verdachten VALUES
    ('r1', 'p1', DATE '2023-05-01', 'drugs_handel', 'BU00020101'),
    ('r2', 'p3', DATE '2023-02-02', 'geweld', 'BU00010102'),
    ('r3', 'p1', DATE '2022-01-01', 'drugs_productie', 'BU00010101')`);
  await run(`INSERT INTO fiu_meldingen VALUES
    ('f1', 'p2', NULL, DATE '2023-03-01', 100.10),
    ('f2', 'p2', NULL, DATE '2023-04-01', 50),
    ('f3', 'p4', NULL, DATE '2023-05-01', 1000),
    ('f4', NULL, 'k1', DATE '2023-05-01', 99999)`);
  await run(
    `INSERT INTO bd_inkomen VALUES (2023, 'p1', 10000, 0), (2023, 'p2', 50000.5, 0), (2023, 'p3', 0, 0), (2023, 'p4', 30000, 0)`,
  );
  return db;
}
