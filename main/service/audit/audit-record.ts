/**
 * The audit record and its hash. One record per state-changing call, one JSON line each:
 *
 *   { seq, time, action, source, actor?, args?, outcome, errorCode?, prevHash, hash }
 *
 * `seq` counts from 1 without gaps; `prevHash` is the previous record's `hash` (GENESIS_HASH for
 * seq 1); `hash` = hex SHA-256 of prevHash ‖ canonicalJson(record without `hash`). The hash is
 * fixed for this log format; a different one would have to be named by a new record field, never
 * implied by the code version.
 */
import { createHash } from 'node:crypto';
import { isDeskVaultError } from '../../core/errors.js';
import { canonicalJson } from './canonical-json.js';
import type { JsonValue } from './redact-secrets.js';

export const HASH_ALGORITHM = 'sha256';
export const GENESIS_HASH = '0'.repeat(64);

/** Which front door the call came through. */
export type AuditSource = 'cli' | 'http' | 'ipc' | 'scheduler' | 'service';
export const AUDIT_SOURCES: readonly AuditSource[] = ['cli', 'http', 'ipc', 'scheduler', 'service'];

/** Who asked, when known: the host the request came from and the OS or API user. */
export interface AuditActor {
  host?: string;
  user?: string;
}

export interface AuditRecord {
  seq: number;
  /** ISO 8601, UTC. */
  time: string;
  /** `<noun>.<verb>`, e.g. `plan.create`, `vault.key.add`. */
  action: string;
  source: AuditSource;
  actor?: AuditActor;
  /** The call's arguments after redactSecrets. */
  args?: JsonValue;
  outcome: 'ok' | 'error';
  /** The stable error code when outcome is 'error' (`WRONG_PASSWORD`, `CANCELLED`, …). */
  errorCode?: string;
  prevHash: string;
  hash: string;
}

export const ACTION_PATTERN = /^[a-z][A-Za-z0-9-]*(\.[a-z][A-Za-z0-9-]*)+$/;
const HEX64 = /^[0-9a-f]{64}$/;

export function hashRecord(record: Omit<AuditRecord, 'hash'> | Record<string, unknown>): string {
  const { hash: _ignored, ...rest } = record as Record<string, unknown>;
  return createHash(HASH_ALGORITHM).update(String(rest.prevHash)).update(canonicalJson(rest)).digest('hex');
}

/** Why `value` is not a well-formed record, or undefined when it is. Checks shape, not the chain. */
export function recordShapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const r = value as Record<string, unknown>;
  if (!Number.isSafeInteger(r.seq) || (r.seq as number) < 1) return 'seq is not a positive integer';
  if (typeof r.time !== 'string' || Number.isNaN(Date.parse(r.time))) return 'time is not a date';
  if (typeof r.action !== 'string' || !ACTION_PATTERN.test(r.action)) return 'action is not of the form noun.verb';
  if (!AUDIT_SOURCES.includes(r.source as AuditSource)) return 'source is not one of ' + AUDIT_SOURCES.join(', ');
  if (r.outcome !== 'ok' && r.outcome !== 'error') return "outcome is not 'ok' or 'error'";
  if (r.outcome === 'error' && typeof r.errorCode !== 'string') return 'an error record has no errorCode';
  if (typeof r.prevHash !== 'string' || !HEX64.test(r.prevHash)) return 'prevHash is not a SHA-256 hex digest';
  if (typeof r.hash !== 'string' || !HEX64.test(r.hash)) return 'hash is not a SHA-256 hex digest';
  return undefined;
}

/**
 * The code recorded for a failed call: a DeskVaultError's code; `CANCELLED` for an abort (a
 * cancelled call is recorded, but as cancelled, not as a failure of something else); else a
 * string `code` that looks like one of ours; else `INTERNAL`.
 */
export function errorCodeOf(err: unknown): string {
  if (isDeskVaultError(err)) return err.code;
  const e = err as { name?: unknown; code?: unknown } | null;
  if (e && (e.name === 'AbortError' || e.code === 'ABORT_ERR')) return 'CANCELLED';
  if (e && typeof e.code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(e.code)) return e.code;
  return 'INTERNAL';
}
