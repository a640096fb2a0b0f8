/** Data-sharing agreements: drafted by the broker, signed by every party, revoked. */
import { z } from 'zod';
import { DateTimeInput, Id, IdList, NewId } from './fields.js';
import { LIMITS } from './limits.js';

export const AGREEMENT_STATUSES = [
  'draft',
  'proposed',
  'signed',
  'active',
  'expired',
  'revoked',
] as const;
export const AgreementStatus = z.enum(AGREEMENT_STATUSES);
export type AgreementStatus = z.infer<typeof AgreementStatus>;

export const AgreementParty = z.object({
  organisationId: z.string(),
  signedBy: z.string().nullable(),
  signedAt: z.string().nullable(),
});
export type AgreementParty = z.infer<typeof AgreementParty>;

/** A dataset's contract as an agreement shows it: columns, types, identifier and region columns. */
export const AgreementDatasetContract = z.object({
  id: z.string(),
  provider: z.string(),
  columns: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      identifier: z.string().nullable(),
      regionLevel: z.string().nullable(),
    }),
  ),
});
export type AgreementDatasetContract = z.infer<typeof AgreementDatasetContract>;

export const Agreement = z.object({
  id: z.string(),
  title: z.string(),
  purpose: z.string(),
  legalBasis: z.string(),
  status: AgreementStatus,
  parties: z.array(AgreementParty),
  datasets: z.array(z.string()),
  /** The contracts of the datasets: columns, types, identifier and region columns. */
  contracts: z.array(AgreementDatasetContract),
  themes: z.array(z.string()),
  indicators: z.array(z.string()),
  validFrom: z.string(),
  validUntil: z.string(),
  retentionDays: z.int(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  revokeReason: z.string().nullable(),
  purgedAt: z.string().nullable(),
});
export type Agreement = z.infer<typeof Agreement>;

/** `POST /agreements`: a draft (the broker proposes it later). */
export const AgreementDraft = z.strictObject({
  id: NewId.optional(),
  title: z.string().min(1).max(LIMITS.name),
  purpose: z.string().min(1).max(LIMITS.reason),
  legalBasis: z.string().min(1).max(LIMITS.reason),
  parties: IdList.min(1),
  datasets: IdList.min(1),
  themes: IdList.min(1),
  indicators: z.array(Id).max(LIMITS.indicatorItems).optional(),
  validFrom: DateTimeInput,
  validUntil: DateTimeInput,
  retentionDays: z.int().min(0),
});
export type AgreementDraft = z.infer<typeof AgreementDraft>;

/** `POST /agreements/{id}/sign`: for which of your organisations (needed when you have more). */
export const SignatureInput = z.strictObject({ organisation: Id.optional() });
export type SignatureInput = z.infer<typeof SignatureInput>;
