/**
 * A contract as Fastify's JSON schema (and so @fastify/swagger's OpenAPI document): zod 4's
 * `toJSONSchema` in its OpenAPI 3.0 form (`nullable: true`, no `$schema`, which Fastify's ajv
 * would try to resolve), `input` for what a request may send (a field with a default may be
 * left out), `output` for what a response holds.
 */
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

/** A property's schema; an enum's values are typed, so a test or page can list them. */
type PropertyJson<S> =
  S extends z.ZodEnum<infer E> ? JsonSchema & { type: 'string'; enum: E[keyof E][] } : JsonSchema;

/** An object contract's JSON schema, its properties by name. */
export type ObjectJson<S extends z.ZodObject> = JsonSchema & {
  type: 'object';
  properties: { [K in keyof S['shape']]: PropertyJson<S['shape'][K]> };
  required?: string[];
};

const SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Leaves out what zod adds without being asked: the bounds of a safe integer on every `z.int()`,
 * and `{}` as "any value" of a record (`true`, which fast-json-stringify copies as is).
 */
function plain(schema: JsonSchema): void {
  if (schema.minimum === -SAFE) delete schema.minimum;
  if (schema.maximum === SAFE) delete schema.maximum;
  const extra = schema.additionalProperties;
  if (typeof extra === 'object' && extra !== null && Object.keys(extra).length === 0)
    schema.additionalProperties = true;
}

function convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  return z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io,
    unrepresentable: 'any',
    override: (ctx) => plain(ctx.jsonSchema as JsonSchema),
  }) as JsonSchema;
}

/** The JSON schema of what a response holds. */
export function responseJson<S extends z.ZodObject>(schema: S): ObjectJson<S>;
export function responseJson(schema: z.ZodType): JsonSchema;
export function responseJson(schema: z.ZodType): JsonSchema {
  return convert(schema, 'output');
}

/** The JSON schema of what a request (body, query, params, headers) may send. */
export function requestJson<S extends z.ZodObject>(schema: S): ObjectJson<S>;
export function requestJson(schema: z.ZodType): JsonSchema;
export function requestJson(schema: z.ZodType): JsonSchema {
  return convert(schema, 'input');
}
