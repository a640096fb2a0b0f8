/**
 * `samenzicht release audit ID`: recomputes the true cells of a stored release from the broker's
 * linked data and audits the published rows again, independently of the suppression that made
 * them, together with every earlier release (revisions are a differencing attack).
 */
import { existsSync } from 'node:fs';
import { cellKey } from '../contracts/index.js';
import { audit, type AuditReport, type RuleProfile } from '../disclosure/index.js';
import { computeIndicators } from '../engine/index.js';
import { openBrokerDatabase } from '../engine/session.js';
import { listReleaseIds, readManifest, readReleaseRows } from '../release/index.js';
import { brokerDatabasePath } from '../instance/init.js';

export async function reauditRelease(dataDir: string, id: string): Promise<AuditReport> {
  const ids = listReleaseIds(dataDir);
  if (!ids.includes(id)) {
    throw new Error(`no release '${id}' in ${dataDir} (releases: ${ids.join(', ') || 'none'})`);
  }
  const brokerDatabase = brokerDatabasePath(dataDir);
  if (!existsSync(brokerDatabase)) {
    throw new Error(
      `${brokerDatabase}: the broker database is needed to recompute the true values`,
    );
  }
  const manifest = readManifest(dataDir, id);
  const rows = readReleaseRows(dataDir, id);
  const indicators = [...new Set(rows.map((r) => r.indicator_id))];
  const wanted = new Set(
    rows.map((r) => cellKey(r.indicator_id, r.year, r.region_code, r.breakdown)),
  );
  const earlier = ids
    .filter((other) => other < id)
    .flatMap((other) => readReleaseRows(dataDir, other))
    .filter((r) => indicators.includes(r.indicator_id));
  const db = await openBrokerDatabase(brokerDatabase);
  try {
    // One indicator at a time, as the run computed them: DuckDB's intermediates stay those of
    // one indicator, and the cells come in the run's order.
    const cells = [];
    for (const indicator of indicators) {
      for (const c of await computeIndicators(db.conn, {
        indicators: [indicator],
        years: manifest.years,
      })) {
        if (wanted.has(cellKey(c.indicatorId, c.year, c.regionCode, c.breakdown))) cells.push(c);
      }
    }
    if (cells.length !== rows.length) {
      throw new Error(
        `release ${id} has ${rows.length} cells but the broker data yields ${cells.length}; the linked data changed since the release`,
      );
    }
    return await audit({
      cells,
      published: rows,
      profiles: manifest.rules as Record<string, RuleProfile>,
      earlier,
    });
  } finally {
    db.close();
  }
}
