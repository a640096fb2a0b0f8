/**
 * The audit trail: an append-only log where every entry carries
 * hash = sha256(prev_hash + canonical JSON of {seq, at, actor, action, subject, details}).
 * Editing, inserting or deleting any entry breaks the chain from that entry on.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Dialect } from '../store/index.js';
import { canonicalJson } from './canonical.js';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditAction =
  | 'login'
  | 'login.failed'
  | 'token.create'
  | 'organisation.create'
  | 'user.create'
  | 'agreement.create'
  | 'agreement.propose'
  | 'signature'
  | 'agreement.revoke'
  | 'purge'
  | 'upload'
  | 'run'
  | 'run.refused'
  | 'candidate'
  | 'approval'
  | 'rejection'
  | 'publication'
  | 'withdrawal'
  | 'access'
  | 'integrity.refused'
  | 'report.read';

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export function entryHash(
  prevHash: string,
  e: { seq: number; at: string; actor: string; action: string; subject: string; details: unknown },
): string {
  const body = canonicalJson({
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    details: e.details,
  });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

/** Appends one entry. Call inside a transaction so the entry commits with the action it records. */
export async function appendAudit(
  trx: Transaction<Database>,
  dialect: Dialect,
  e: {
    at: Date;
    actor: string;
    action: AuditAction;
    subject: string;
    details?: Record<string, unknown>;
  },
): Promise<AuditEntry> {
  // Serialise appenders on PostgreSQL; SQLite already runs one writer at a time.
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(775100)`.execute(trx);
  const last = await trx
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const seq = last ? Number(last.seq) + 1 : 1;
  const prevHash = last ? last.hash : GENESIS_HASH;
  const details = JSON.parse(canonicalJson(e.details ?? {})) as Record<string, unknown>;
  const entry = {
    seq,
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    details,
  };
  const hash = entryHash(prevHash, entry);
  await trx
    .insertInto('audit_log')
    .values({ ...entry, details: canonicalJson(details), prev_hash: prevHash, hash })
    .execute();
  return { ...entry, prevHash, hash };
}

function toEntry(r: Database['audit_log']): AuditEntry {
  return {
    seq: Number(r.seq),
    at: r.at,
    actor: r.actor,
    action: r.action,
    subject: r.subject,
    details: JSON.parse(r.details) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export async function listAudit(
  db: Kysely<Database>,
  opts: { afterSeq?: number; limit?: number; action?: string } = {},
): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('seq', 'asc');
  if (opts.afterSeq !== undefined) q = q.where('seq', '>', opts.afterSeq);
  if (opts.action !== undefined) q = q.where('action', '=', opts.action);
  if (opts.limit !== undefined) q = q.limit(opts.limit);
  return (await q.execute()).map(toEntry);
}

export type AuditVerification =
  | { ok: true; entries: number; head: string }
  | {
      ok: false;
      entries: number;
      /** Sequence number of the first entry that does not fit the chain. */
      firstBroken: number;
      reason: string;
    };

/**
 * Walks the chain from the start. Deleting the newest entries cannot be seen from the chain
 * alone; compare `head` with a copy kept elsewhere (every release audit stores it).
 */
export async function verifyAuditTrail(db: Kysely<Database>): Promise<AuditVerification> {
  const rows = await db.selectFrom('audit_log').selectAll().orderBy('seq', 'asc').execute();
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const r of rows) {
    const seq = Number(r.seq);
    const fail = (reason: string): AuditVerification => ({
      ok: false,
      entries: rows.length,
      firstBroken: seq,
      reason: `entry ${seq}: ${reason}`,
    });
    if (seq !== expectedSeq) {
      return fail(
        seq > expectedSeq
          ? `expected entry ${expectedSeq} before it (missing: deleted entries ${expectedSeq}..${seq - 1})`
          : `sequence number repeats or goes back (expected ${expectedSeq})`,
      );
    }
    if (r.prev_hash !== prevHash) {
      return fail(
        'prev_hash does not match the hash of the entry before it (entry inserted or removed)',
      );
    }
    let details: unknown;
    try {
      details = JSON.parse(r.details);
    } catch {
      return fail('details are not valid JSON (entry edited)');
    }
    const hash = entryHash(prevHash, {
      seq,
      at: r.at,
      actor: r.actor,
      action: r.action,
      subject: r.subject,
      details,
    });
    if (hash !== r.hash || canonicalJson(details) !== r.details) {
      return fail('content does not match its hash (entry edited)');
    }
    prevHash = r.hash;
    expectedSeq = seq + 1;
  }
  return { ok: true, entries: rows.length, head: prevHash };
}
