/** Field schemas the contracts share: ids, id lists, timestamps, hashes. */
import { z } from 'zod';
import { LIMITS } from './limits.js';

/** An id in a path or a body: at most 100 characters (LIMITS.id). */
export const Id = z.string().max(LIMITS.id);

/** A new id chosen by the caller: lower-case letters, digits and hyphens. */
export const NewId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/)
  .max(LIMITS.id);

/** A list of ids in a request body: at most 100, each at most 100 characters. */
export const IdList = z.array(Id).max(LIMITS.listItems);

/** A timestamp in a request body (ISO 8601; Fastify's ajv-formats checks `date-time`). */
export const DateTimeInput = z.string().max(40).meta({ format: 'date-time' });

/** A sha256 as 64 hex digits. */
export const Sha256Hex = z.string().regex(/^[0-9a-fA-F]{64}$/);

/** A reason (revocation, withdrawal): at most 2,000 characters (LIMITS.reason). */
export const ReasonBody = z.strictObject({
  reason: z.string().min(1).max(LIMITS.reason),
});
export type ReasonBody = z.infer<typeof ReasonBody>;

/** `{ id }` in a path. */
export const IdParams = z.object({ id: Id });
export type IdParams = z.infer<typeof IdParams>;
