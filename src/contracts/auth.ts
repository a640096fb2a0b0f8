/** Logins, sessions and API tokens. */
import { z } from 'zod';
import { LIMITS } from './limits.js';
import { User } from './organisations.js';

/** Days an API token lasts unless asked otherwise, and at most. */
export const API_TOKEN_DAYS = 90;
export const API_TOKEN_MAX_DAYS = 365;

export const TOKEN_KINDS = ['api', 'session'] as const;

/** One of your tokens as `listTokens` shows it: never the secret, nor its hash. */
export const TokenInfo = z.object({
  id: z.string().describe('opaque id: revoke with DELETE /auth/tokens/{id}'),
  kind: z.enum(TOKEN_KINDS),
  label: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z
    .string()
    .nullable()
    .describe('when it last authenticated a request (to the minute)'),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

/** One of your tokens (GET /auth/tokens): never the secret, nor its hash. */
export const Token = TokenInfo.extend({
  current: z.boolean().describe('the token of this request'),
});
export type Token = z.infer<typeof Token>;

/** A new API token (POST /auth/tokens): the secret is in this answer only. */
export const TokenCreated = z.object({
  token: z.string().describe('the secret: shown once, stored only as its sha256'),
  id: z.string(),
  label: z.string(),
  expiresAt: z.string(),
});
export type TokenCreated = z.infer<typeof TokenCreated>;

export const Session = z.object({ token: z.string(), expiresAt: z.string(), user: User });
export type Session = z.infer<typeof Session>;

/** `POST /auth/login`. */
export const LoginInput = z.strictObject({
  email: z.string().min(3).max(LIMITS.email),
  password: z.string().min(1).max(LIMITS.passwordMax),
});
export type LoginInput = z.infer<typeof LoginInput>;

/** `GET /auth/oidc/callback`: what the provider sends back (other parameters pass). */
export const OidcCallbackQuery = z.looseObject({
  code: z.string().max(LIMITS.url).optional(),
  state: z.string().max(LIMITS.url).optional(),
});

/** `POST /auth/tokens`. */
export const TokenInput = z.strictObject({
  label: z.string().min(1).max(LIMITS.label),
  expiresInDays: z
    .int()
    .min(1)
    .max(API_TOKEN_MAX_DAYS)
    .default(API_TOKEN_DAYS)
    .describe(`days until the token expires (1..${API_TOKEN_MAX_DAYS}, default ${API_TOKEN_DAYS})`),
});
export type TokenInput = z.input<typeof TokenInput>;
