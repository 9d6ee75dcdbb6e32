/** The audit trail's public surface (see README.md). */
export { AUDIT_FILE_NAME, AuditLog, type AuditEntry, type AuditLogOptions } from './audit-log.js';
export { AuditMirrorer, type AuditMirror, type AuditMirrorerOptions, type MirrorVerifyResult, type SyncResult } from './audit-mirrorer.js';
export { AUDIT_SOURCES, GENESIS_HASH, errorCodeOf, hashRecord, type AuditActor, type AuditRecord, type AuditSource } from './audit-record.js';
export { INCOMPLETE_REASON, readAuditRecords, verifyAuditFile } from './audit-file.js';
export { canonicalJson } from './canonical-json.js';
export { REDACTED, isSecretKey, redactSecrets, type JsonValue } from './redact-secrets.js';
export { ChainVerifier, verifyRecords, type ProblemKind, type VerifyProblem, type VerifyResult } from './verify-records.js';
