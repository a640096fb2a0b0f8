import { describe, expect, it } from 'vitest';
import { DATASETS, brokerColumnName } from '../../src/ingest/contracts.js';
import { openBrokerDatabase } from '../../src/engine/session.js';
import { comparableGemeenten, createRegionHierarchy } from '../../src/engine/index.js';

describe('comparableGemeenten', () => {
  it('picks peers of the same size class, nearest profile first, never itself', async () => {
    const db = await openBrokerDatabase(':memory:', { threads: 2 });
    try {
      for (const d of DATASETS) {
        const cols = d.columns
          .map((c) => `"${brokerColumnName(c)}" ${c.identifier ? 'VARCHAR' : c.type}`)
          .join(', ');
        await db.conn.run(`CREATE TABLE "${d.id}" (${cols})`);
      }
      const gm = (i: number) => `GM${String(i).padStart(4, '0')}`;
      const hierarchy = Array.from({ length: 30 }, (_, k) => {
        const i = k + 1;
        const g = String(i).padStart(4, '0');
        return {
          buurt_code: `BU${g}0101`,
          wijk_code: `WK${g}01`,
          gemeente_code: gm(i),
          veiligheidsregio_code: i <= 15 ? 'VR01' : 'VR02',
        };
      });
      await createRegionHierarchy(db.conn, hierarchy);
      // Gemeente i has 10·i residents; in the even ones a third are 65+.
      await db.conn.run(`
        INSERT INTO brp_personen
        SELECT 2023, 'p' || g || '-' || k, 'BU' || lpad(g::VARCHAR, 4, '0') || '0101',
          CASE WHEN g % 2 = 0 AND k % 3 = 0 THEN DATE '1940-01-01' ELSE DATE '1990-01-01' END,
          CASE WHEN k % 2 = 0 THEN 'M' ELSE 'V' END, 'HH' || g || '-' || k
        FROM range(1, 31) a(g), LATERAL (SELECT unnest(range(10 * g)) AS k)`);
      const peers = await comparableGemeenten(db.conn);
      expect(peers.size).toBe(30);
      // Size quintiles of 6: GM0025..GM0030 are the largest class.
      const top = peers.get('GM0030')!;
      expect(new Set(top.peers)).toEqual(
        new Set(['GM0025', 'GM0026', 'GM0027', 'GM0028', 'GM0029']),
      );
      // Nearest profile first: the other even (65+-heavy) gemeenten come before the odd ones.
      expect(top.peers.slice(0, 2).sort()).toEqual(['GM0026', 'GM0028']);
      expect(top.method).toContain('size class');
      for (const [code, p] of peers) {
        expect(p.peers).not.toContain(code);
        expect(p.peers).toHaveLength(5);
      }
    } finally {
      db.close();
    }
  });
});
