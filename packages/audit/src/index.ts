export { AUDIT_DETAILS_MAX_BYTES, isSecretLikeDetailKey } from './audit-details.js';
export {
  AUDIT_ACTION_PATTERN,
  AUDIT_ACTOR_KINDS,
  AUDIT_ENTRY_ID_PATTERN,
  AUDIT_MAX_AT,
  AUDIT_OUTCOMES,
  AUDIT_USER_AGENT_MAX_LENGTH,
  type AuditActor,
  type AuditActorKind,
  type AuditDetails,
  type AuditEntry,
  type AuditEntryInput,
  type AuditOutcome,
  type AuditSource,
  type AuditTarget,
  auditActorSchema,
  auditEntrySchema,
  auditSourceSchema,
  auditTargetSchema,
  parseAuditEntry,
} from './audit-entry.js';
export {
  AuditError,
  type AuditErrorCode,
  type AuditIssue,
  AuditWriteError,
  DuplicateAuditEntryError,
  InvalidAuditEntryError,
  InvalidAuditQueryError,
} from './audit-errors.js';
export { ALL_SCOPE, AUDIT_FOLDER, auditEntryKeys, PLATFORM_SCOPE } from './audit-keys.js';
export {
  AUDIT_QUERY_DEFAULT_LIMIT,
  AUDIT_QUERY_MAX_LIMIT,
  type AuditLog,
  type AuditPage,
  type AuditQuery,
} from './audit-log.js';
export { StateAuditLog, type StateAuditLogOptions } from './state-audit-log.js';
