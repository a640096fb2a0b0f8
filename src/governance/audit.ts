/**
 * The audit trail: an append-only log where every entry carries
 * hash = sha256(prev_hash + canonical JSON of {seq, at, actor, channel, action, subject, details}).
 * Editing, inserting or deleting any entry breaks the chain from that entry on. Entries written
 * before channels were recorded have none, and their hash leaves it out.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Dialect } from '../store/index.js';
import { canonicalJson } from './canonical.js';
import type { AuditEntry, AuditVerification, Channel } from '../contracts/index.js';
import { currentChannel } from './channel.js';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditAction =
  | 'login'
  | 'login.failed'
  | 'login.locked'
  | 'token.create'
  | 'token.revoke'
  | 'organisation.create'
  | 'user.create'
  | 'agreement.create'
  | 'agreement.propose'
  | 'signature'
  | 'agreement.revoke'
  | 'purge'
  | 'upload'
  | 'contribution.refused'
  | 'run'
  | 'run.refused'
  | 'run.failed'
  | 'run.interrupted'
  | 'run.restarted'
  | 'candidate'
  | 'approval'
  | 'rejection'
  | 'publication'
  | 'withdrawal'
  | 'access'
  | 'integrity.refused'
  | 'report.read';

// The entry and the verification as they are read are contracts (src/contracts/audit.ts).
export type { AuditEntry, AuditVerification };

export function entryHash(
  prevHash: string,
  e: Omit<Database['audit_log'], 'details' | 'prev_hash' | 'hash'> & { details: unknown },
): string {
  const body = canonicalJson({
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    ...(e.channel === null ? {} : { channel: e.channel }),
    action: e.action,
    subject: e.subject,
    details: e.details,
  });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

/** The most bytes an entry's details take as canonical JSON (UTF-8); beyond, they are shrunk. */
export const AUDIT_DETAILS_MAX_BYTES = 16 * 1024;
/** The most characters of an entry's subject (and actor); the rest is cut off. */
export const AUDIT_SUBJECT_MAX = 256;
/** When details are too large: strings are cut to this many characters, lists to … */
const SHRUNK_STRING = 1_024;
/** … this many items. */
const SHRUNK_LIST = 100;

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function shrink(value: unknown): unknown {
  if (typeof value === 'string')
    return value.length > SHRUNK_STRING ? `${value.slice(0, SHRUNK_STRING)}…` : value;
  if (Array.isArray(value)) {
    const items = value.slice(0, SHRUNK_LIST).map(shrink);
    if (value.length > SHRUNK_LIST) items.push(`… ${value.length - SHRUNK_LIST} more`);
    return items;
  }
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [shrink(k) as string, shrink(v)]),
    );
  return value;
}

/**
 * An entry as it is stored: a subject beyond 256 characters is cut, and details beyond 16 KB of
 * canonical JSON are shrunk (long strings and lists cut, else replaced by their top-level keys),
 * with `truncated: {bytes, sha256}` of the original canonical details (and `subjectChars` when
 * the subject was cut), so the trail records that and what was cut without growing with it.
 */
export function cappedEntry(
  subject: string,
  details: Record<string, unknown>,
): { subject: string; details: Record<string, unknown> } {
  const canonical = canonicalJson(details);
  const subjectCut = subject.length > AUDIT_SUBJECT_MAX;
  if (!subjectCut && bytes(canonical) <= AUDIT_DETAILS_MAX_BYTES)
    return { subject, details: JSON.parse(canonical) as Record<string, unknown> };
  const note: Record<string, unknown> = {};
  let kept = JSON.parse(canonical) as Record<string, unknown>;
  if (bytes(canonical) > AUDIT_DETAILS_MAX_BYTES) {
    note.bytes = bytes(canonical);
    note.sha256 = sha256(canonical);
    kept = shrink(kept) as Record<string, unknown>;
    if (bytes(canonicalJson(kept)) > AUDIT_DETAILS_MAX_BYTES - 512)
      kept = { keys: (shrink(Object.keys(details)) as string[]).map((k) => k.slice(0, 100)) };
  }
  if (subjectCut) {
    note.subjectChars = subject.length;
    note.subjectSha256 = sha256(subject);
  }
  return {
    subject: subjectCut ? `${subject.slice(0, AUDIT_SUBJECT_MAX)}…` : subject,
    details: JSON.parse(canonicalJson({ ...kept, truncated: note })) as Record<string, unknown>,
  };
}

/**
 * Appends one entry. Call inside a transaction so the entry commits with the action it records.
 * The channel is that of the request or command doing it, unless given.
 */
export async function appendAudit(
  trx: Transaction<Database>,
  dialect: Dialect,
  e: {
    at: Date;
    actor: string;
    channel?: Channel;
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
  const { subject, details } = cappedEntry(e.subject, e.details ?? {});
  const entry = {
    seq,
    at: e.at.toISOString(),
    actor: e.actor,
    channel: e.channel ?? currentChannel(),
    action: e.action,
    subject,
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
    channel: (r.channel ?? null) as Channel | null,
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
      channel: r.channel ?? null,
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
