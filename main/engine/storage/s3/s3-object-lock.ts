/**
 * S3 Object Lock calls for a vault's store: whether the bucket has Object Lock, and reading and
 * extending the retention of single objects. The vault-level rules (which objects, until when,
 * what may be deleted) live in engine/repo/object-lock.ts; this module only speaks S3.
 *
 * Real S3 semantics these calls rely on (and the test proxy models):
 * - Object Lock needs a bucket created with it (versioning on); it cannot be added per prefix.
 * - A retain-until date may only be moved later: an earlier date, or COMPLIANCE → GOVERNANCE, is
 *   refused with AccessDenied (GOVERNANCE can be shortened only with s3:BypassGovernanceRetention,
 *   which DeskVault never uses).
 * - A plain DELETE of a locked object *succeeds*: it adds a delete marker and the locked version
 *   stays. So S3 alone does not stop a careless delete from hiding data; the product refuses first.
 */
import { GetObjectLockConfigurationCommand, GetObjectRetentionCommand, PutObjectRetentionCommand } from '@aws-sdk/client-s3';
import { DeskVaultError } from '../../../core/errors.js';
import { mapS3Error } from './s3-errors.js';
import type { S3Store } from './s3-store.js';

export type S3LockMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface BucketObjectLock {
  enabled: boolean;
  /** The bucket's default retention, if one is set (it then also locks leases and prune plans). */
  defaultRetention: { mode: S3LockMode; days?: number; years?: number } | null;
}

/** Reads the bucket's Object Lock configuration; a bucket without one answers `enabled: false`. */
export async function getBucketObjectLock(store: S3Store): Promise<BucketObjectLock> {
  try {
    const r = await store.client.send(new GetObjectLockConfigurationCommand({ Bucket: store.location.bucket }));
    const c = r.ObjectLockConfiguration;
    const d = c?.Rule?.DefaultRetention;
    return {
      enabled: c?.ObjectLockEnabled === 'Enabled',
      defaultRetention: d?.Mode ? { mode: d.Mode as S3LockMode, days: d.Days, years: d.Years } : null,
    };
  } catch (err) {
    if (awsName(err) === 'ObjectLockConfigurationNotFoundError') return { enabled: false, defaultRetention: null };
    throw mapS3Error(err, { action: 's3:GetBucketObjectLockConfiguration', key: '', location: store.properties.location });
  }
}

/**
 * Retention of vault objects through one S3Store. Implements engine/repo/object-lock.ts's
 * RetentionControl. Not retried here: the caller wraps calls in its retry (they are idempotent).
 */
export class S3Retention {
  constructor(private readonly store: S3Store) {}

  get location(): string {
    return this.store.properties.location;
  }

  /** The object's retention, or null if it has none. A missing object is NOT_FOUND. */
  async get(key: string): Promise<{ mode: S3LockMode; until: Date } | null> {
    try {
      const r = await this.store.client.send(new GetObjectRetentionCommand({ Bucket: this.store.location.bucket, Key: this.store.keyOf(key) }));
      const until = r.Retention?.RetainUntilDate;
      return until && r.Retention?.Mode ? { mode: r.Retention.Mode as S3LockMode, until: new Date(until) } : null;
    } catch (err) {
      if (awsName(err) === 'NoSuchObjectLockConfiguration') return null;
      throw mapS3Error(err, { action: 's3:GetObjectRetention', key, location: this.location });
    }
  }

  /**
   * Sets the object's retention. Only ever called to move the date later; S3 refuses anything else
   * with AccessDenied, which the caller tells apart from a missing permission by reading it back.
   */
  async set(key: string, mode: S3LockMode, until: Date): Promise<void> {
    try {
      await this.store.client.send(
        new PutObjectRetentionCommand({ Bucket: this.store.location.bucket, Key: this.store.keyOf(key), Retention: { Mode: mode, RetainUntilDate: until } }),
      );
    } catch (err) {
      throw mapS3Error(err, { action: 's3:PutObjectRetention', key, location: this.location });
    }
  }
}

/** The S3 error name (the SDK's `name`, or `Code` for errors it could not model). */
function awsName(err: unknown): string {
  const e = err as { name?: string; Code?: string } | null;
  return e?.name ?? e?.Code ?? '';
}

/** For init: refuse Object Lock settings on a bucket that cannot enforce them. */
export async function assertBucketLockable(store: S3Store): Promise<BucketObjectLock> {
  const lock = await getBucketObjectLock(store);
  if (!lock.enabled) {
    throw new DeskVaultError(
      'INVALID_INPUT',
      `the bucket ${store.location.bucket} does not have S3 Object Lock enabled, so ${store.properties.location} cannot be a locked vault; Object Lock is switched on when a bucket is created (aws s3api create-bucket --object-lock-enabled-for-bucket …) or later with aws s3api put-object-lock-configuration on a versioned bucket; nothing was written`,
      { location: store.properties.location, bucket: store.location.bucket },
    );
  }
  return lock;
}
