/**
 * The engine's public entry: everything the service may use, and nothing else (a lint rule keeps
 * the service from reaching past it). Modules that load the AWS SDK are not exported statically —
 * `loadS3Support()` loads them on demand, so commands on local vaults never pay for the SDK.
 */
export { backup, type BackupOptions, type BackupResult } from './backup/backup.js';
export { estimateTotals } from './backup/estimate.js';
export { pathComponents } from './backup/root-layout.js';
export { check, type CheckOptions, type CheckResult } from './check/check.js';
export { copyPoints, type CopyResult } from './copy/copy.js';
export { ARCHIVE_CLASSES, coldStorageClassOf, dataPackHolders, listDataPacks, moveToColdStorage, type ColdMoveResult, type DataPackState } from './cold/cold-storage.js';
export { probeKmsKey, probeKmsPermissions, type KmsSlot } from './keys/kms-slots.js';
export { parseDuration } from './match/parse-duration.js';
export { parseSize } from './match/parse-size.js';
export { createPathMatcher, EXCLUDE_PRESETS } from './match/path-matcher.js';
export { prune, type PruneOptions, type PruneResult } from './prune/prune.js';
export { applyRetention, type RetentionDecision, type RetentionPolicy } from './prune/retention.js';
export { repairIndex, type RepairIndexResult } from './repair/repair-index.js';
export { listSlots, removeSlot, summarizeSlot, type KeySlot, type KeySlotSummary } from './repo/key-slots.js';
export type { RecoveryPoint } from './repo/point.js';
export type { TreeNode } from './repo/tree.js';
export { Vault, type LoadedIndex } from './repo/vault.js';
export { restore, type RestoreOptions, type RestoreResult } from './restore/restore.js';
export { CachingStore } from './storage/caching-store.js';
export { LazyStore } from './storage/lazy-store.js';
export { LocalStore } from './storage/local-store.js';
export type { ObjectStore } from './storage/object-store.js';
export { RetryStore } from './storage/retry-store.js';
export { iamPolicy, PERMISSIONS } from './storage/s3/permissions.js';
export { COLD_CLASSES, DEFAULT_COLD_CLASS, describeS3Location, isS3Location, parseS3Location, s3StoreProperties, type S3Location } from './storage/s3/s3-location.js';
export { ThrottleStore } from './storage/throttle-store.js';

/** The S3 store and its permission probe, with the AWS SDK they need, loaded on first use. */
export async function loadS3Support(): Promise<{
  S3Store: typeof import('./storage/s3/s3-store.js').S3Store;
  probeS3Permissions: typeof import('./storage/s3/s3-doctor.js').probeS3Permissions;
}> {
  const [{ S3Store }, { probeS3Permissions }] = await Promise.all([import('./storage/s3/s3-store.js'), import('./storage/s3/s3-doctor.js')]);
  return { S3Store, probeS3Permissions };
}

// ---- S3 Object Lock ----
export { forget, pointLockedUntil, type ForgetOptions } from './prune/forget.js';
export type { ObjectLockMode, ObjectLockSettings } from './repo/config.js';
export { isLockedKey, lockSlackMs, VaultLock, type RetentionControl } from './repo/object-lock.js';

/** The S3 Object Lock calls (bucket check, object retention), loaded on first use like loadS3Support. */
export async function loadS3LockSupport(): Promise<typeof import('./storage/s3/s3-object-lock.js')> {
  return import('./storage/s3/s3-object-lock.js');
}
export type { BackupScan } from './backup/backup.js';
