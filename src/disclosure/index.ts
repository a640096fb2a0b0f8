/**
 * Disclosure control: primary rules, secondary suppression (HiTaS-like, HiGHS for the audit),
 * rounding, the cell key method, and an interval audit that proves every release safe.
 * A pure module: plain cell tables in, release rows and an audit report out.
 */
export { audit, protect, type ProtectOptions } from './parts.js';
export type { AuditInput } from './audit.js';
export {
  DEFAULT_PROFILES,
  parseRuleProfile,
  ruleProfileSchema,
  cellKeyParamsSchema,
  type RuleProfile,
  type CellKeyParams,
} from './profiles.js';
export { cellKeyFromRecordKeys, buildPerturbationTable, perturb } from './cellkey.js';
export { buildModel, variableId, cellLabel, type Relation } from './model.js';
export { cellFindings } from './primary.js';
export type {
  PublishedCell,
  CellStatus,
  RuleName,
  AuditReport,
  AuditRuleReport,
  AuditInterval,
  ProtectInput,
  ProtectResult,
  ProtectStats,
} from './types.js';
