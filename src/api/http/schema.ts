/**
 * Building blocks of the public routes' JSON schemas (Fastify validation and serialisation, and
 * so the OpenAPI document). A closed object lists exactly what the public may see: the response
 * serialiser drops any other property, so a field added upstream never leaks by accident.
 *
 * The key order of what these return is the order of the OpenAPI document's bytes: keep it.
 */

export const STRING = { type: 'string' } as const;
export const INTEGER = { type: 'integer' } as const;
export const NUMBER = { type: 'number' } as const;
export const BOOLEAN = { type: 'boolean' } as const;
export const NULLABLE_STRING = { type: ['string', 'null'] } as const;
export const NULLABLE_NUMBER = { type: ['number', 'null'] } as const;
export const STRINGS = { type: 'array', items: STRING } as const;
export const INTEGERS = { type: 'array', items: INTEGER } as const;

/** An object with these properties and no others. */
export const closedObject = <const P extends Record<string, unknown>>(properties: P) =>
  ({ type: 'object', additionalProperties: false, properties }) as const;

/** An array of closed objects with these properties. */
export const listOf = <const P extends Record<string, unknown>>(properties: P) =>
  ({ type: 'array', items: closedObject(properties) }) as const;

/** A string out of a fixed list. */
export const oneOf = <const V extends readonly string[]>(values: V) =>
  ({ type: 'string', enum: values }) as const;

/** A text in both languages of the dashboard. */
export const BILINGUAL = {
  type: 'object',
  additionalProperties: false,
  required: ['nl', 'en'],
  properties: { nl: STRING, en: STRING },
} as const;
