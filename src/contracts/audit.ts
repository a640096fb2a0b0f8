/** The audit trail as it is read: entries of the hash chain, and the chain's verification. */
import { z } from 'zod';
import { LIMITS } from './limits.js';

/** How an audited action came in (src/governance/channel.ts says what each one means). */
export const CHANNELS = ['api', 'cli', 'dashboard', 'oidc', 'host', 'system'] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

export const AuditEntry = z.object({
  seq: z.int(),
  at: z.string(),
  actor: z.string(),
  /** How the action came in (see channel.ts); null on entries from before channels. */
  channel: Channel.nullable().describe(
    'how the action came in: api, cli, dashboard, oidc, host (on the broker itself) or system; null before channels were recorded',
  ),
  action: z.string(),
  subject: z.string(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditVerification = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), entries: z.int(), head: z.string() }),
  z.object({
    ok: z.literal(false),
    entries: z.int(),
    /** Sequence number of the first entry that does not fit the chain. */
    firstBroken: z.int(),
    reason: z.string(),
  }),
]);
export type AuditVerification = z.infer<typeof AuditVerification>;

/** `GET /audit`. */
export const AuditQuery = z.strictObject({
  after: z.int().min(0).optional(),
  limit: z.int().min(1).max(10000).default(1000),
  action: z.string().max(LIMITS.id).optional(),
});
export type AuditQuery = z.input<typeof AuditQuery>;
