/** Retention: contributions of agreements that ended are removed after their retention period. */
import { rm } from 'node:fs/promises';
import { agreementStatus } from './agreements.js';
import { absolute, DAY_MS, type GovernanceContext } from './context.js';
import { SYSTEM_ACTOR } from './policy.js';

/**
 * Removes the stored contributions of agreements that ended (expired or revoked) more than
 * their retention period ago; every purge is logged. Returns what was purged.
 */
export async function purgeExpired(
  ctx: GovernanceContext,
  actor = SYSTEM_ACTOR,
): Promise<{ agreementId: string; contributions: number }[]> {
  const now = ctx.now();
  const rows = await ctx.db
    .selectFrom('agreements')
    .selectAll()
    .where('purged_at', 'is', null)
    .execute();
  const purged: { agreementId: string; contributions: number }[] = [];
  for (const row of rows) {
    const status = agreementStatus(row, now);
    if (status !== 'expired' && status !== 'revoked') continue;
    const ended = new Date(
      status === 'revoked' ? (row.revoked_at ?? row.valid_until) : row.valid_until,
    );
    if (now.getTime() < ended.getTime() + Number(row.retention_days) * DAY_MS) continue;
    const contributions = await ctx.db
      .selectFrom('contributions')
      .selectAll()
      .where('agreement_id', '=', row.id)
      .where('purged_at', 'is', null)
      .execute();
    for (const c of contributions) {
      await rm(absolute(ctx, c.storage_path), { force: true });
      if (c.quarantine_path) await rm(absolute(ctx, c.quarantine_path), { force: true });
    }
    await ctx.tx(async (trx) => {
      const at = now.toISOString();
      await trx
        .updateTable('contributions')
        .set({ purged_at: at })
        .where('agreement_id', '=', row.id)
        .where('purged_at', 'is', null)
        .execute();
      await trx.updateTable('agreements').set({ purged_at: at }).where('id', '=', row.id).execute();
      await ctx.audit(trx, actor, 'purge', row.id, {
        status,
        retentionDays: Number(row.retention_days),
        contributions: contributions.map((c) => ({
          id: c.id,
          dataset: c.dataset_id,
          sha256: c.sha256,
        })),
      });
    });
    purged.push({ agreementId: row.id, contributions: contributions.length });
  }
  return purged;
}
