/**
 * Object Lock settings in the two spellings that meet here: the API and the CLI say `governance` /
 * `compliance` (lower case, as people type them); the vault format says `GOVERNANCE` /
 * `COMPLIANCE`, as S3 does. One place converts, for `vault add`, `init` and the registry record.
 */
import type { LockSettings } from '../../core/model.js';
import type { ObjectLockSettings } from '../../engine/index.js';

export function engineLock(lock: LockSettings | undefined): ObjectLockSettings | undefined {
  return lock ? { mode: lock.mode === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE', days: lock.days } : undefined;
}

export function apiLock(lock: ObjectLockSettings): LockSettings {
  return { mode: lock.mode === 'COMPLIANCE' ? 'compliance' : 'governance', days: lock.days };
}
