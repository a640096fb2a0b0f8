/**
 * JSON schemas of what the release routes answer: a public cell, a release's public state and
 * its public manifest. The comparison's cells reuse the cell's key properties.
 */
import { PUBLIC_RELEASE_STATES } from '../../contracts/index.js';
import { PUBLIC_STATUSES } from '../../public/index.js';
import { REGION_LEVELS } from '../../regions/index.js';
import {
  BOOLEAN,
  closedObject,
  INTEGER,
  INTEGERS,
  listOf,
  NULLABLE_NUMBER,
  NULLABLE_STRING,
  oneOf,
  STRING,
  STRINGS,
} from '../http/schema.js';

/** What names a cell across releases (src/public `CELL_KEY_COLUMNS`), as JSON schema. */
export const cellKeyProperties = {
  indicator_id: STRING,
  year: INTEGER,
  region_level: oneOf(REGION_LEVELS),
  region_code: STRING,
  parent_code: NULLABLE_STRING,
  breakdown: STRING,
} as const;

export const publicCellSchema = closedObject({
  ...cellKeyProperties,
  value: NULLABLE_NUMBER,
  numerator: NULLABLE_NUMBER,
  denominator: NULLABLE_NUMBER,
  status: oneOf(PUBLIC_STATUSES),
});

export const releaseInfoSchema = closedObject({
  id: STRING,
  status: { type: 'string', enum: [...PUBLIC_RELEASE_STATES] },
  createdAt: STRING,
  publishedAt: NULLABLE_STRING,
  withdrawnReason: NULLABLE_STRING,
  indicators: STRINGS,
  years: INTEGERS,
  reviews: listOf({ capacity: STRING, decision: oneOf(['approve', 'reject']), createdAt: STRING }),
});

const ruleSummarySchema = closedObject({
  rule: STRING,
  cells: INTEGER,
  passed: BOOLEAN,
  parameters: listOf({
    indicators: STRINGS,
    values: { type: 'object', additionalProperties: true },
  }),
});

/** The public manifest (src/public/surface.ts `PublicManifest`). */
export const publicManifestSchema = closedObject({
  id: STRING,
  format: STRING,
  createdAt: STRING,
  codeVersion: STRING,
  regionSet: closedObject({
    year: INTEGER,
    kind: oneOf(['cbs', 'synthetic']),
    attribution: NULLABLE_STRING,
  }),
  years: INTEGERS,
  indicators: listOf({ id: STRING, levels: STRINGS, breakdowns: STRINGS }),
  rules: { type: 'object', additionalProperties: { type: 'object', additionalProperties: true } },
  inputs: listOf({ dataset: STRING, provider: STRING }),
  cells: closedObject({
    count: INTEGER,
    sha256: STRING,
    byStatus: closedObject(Object.fromEntries(PUBLIC_STATUSES.map((s) => [s, INTEGER]))),
  }),
  disclosure: closedObject({ passed: BOOLEAN, rules: { type: 'array', items: ruleSummarySchema } }),
  previousRelease: NULLABLE_STRING,
  notes: listOf({ nl: STRING, en: STRING }),
});
