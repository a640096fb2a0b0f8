/** Governance: organisations, agreements, contributions, purpose binding, airlock, audit trail. */
export { Governance, BOARD_QUORUM, type GovernanceOptions } from './governance.js';
export { GovernanceError, PurposeBindingError, type GovernanceErrorCode } from './errors.js';
export {
  verifyAuditTrail,
  listAudit,
  entryHash,
  GENESIS_HASH,
  type AuditEntry,
  type AuditVerification,
} from './audit.js';
export { canonicalJson } from './canonical.js';
export { receiveUpload, type ReceivedFile } from './upload.js';
export {
  setupDemoGovernance,
  approveAsDemo,
  DEMO_PROVIDER_ORGANISATIONS,
  type DemoGovernance,
  type DemoUser,
} from './demo.js';
export { OidcLogin, type OidcLoginOptions } from './oidc.js';
export * from './types.js';
