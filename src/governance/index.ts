/** Governance: organisations, agreements, contributions, purpose binding, airlock, audit trail. */
export {
  Governance,
  BOARD_QUORUM,
  API_TOKEN_DAYS,
  API_TOKEN_MAX_DAYS,
  type GovernanceOptions,
  type TokenInfo,
} from './governance.js';
export { LIMITS } from './limits.js';
export {
  POLICY,
  ACTIONS,
  SYSTEM_ACTOR,
  accessOf,
  authorize,
  permits,
  type Access,
  type Action,
  type Rule,
} from './policy.js';
export { transition, type GovernanceContext } from './context.js';
export { DEFAULT_LOGIN_THROTTLE, type LoginThrottle, type ThrottleRule } from './logins.js';
export {
  ContributionRefused,
  GovernanceError,
  LoginLocked,
  PurposeBindingError,
  type GovernanceErrorCode,
} from './errors.js';
export {
  verifyAuditTrail,
  listAudit,
  AUDIT_DETAILS_MAX_BYTES,
  AUDIT_SUBJECT_MAX,
  entryHash,
  GENESIS_HASH,
  type AuditEntry,
  type AuditVerification,
} from './audit.js';
export { canonicalJson } from './canonical.js';
export { CHANNELS, withChannel, currentChannel, isChannel, type Channel } from './channel.js';
export {
  receiveUpload,
  UploadOffsetConflict,
  PARTIAL_UPLOAD_HOURS,
  type ReceivedFile,
} from './upload.js';
export { OidcLogin, type OidcLoginOptions } from './oidc.js';
export * from './types.js';
