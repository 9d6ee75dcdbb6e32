/**
 * Permission preflight for S3 vaults: tries each S3 right from PERMISSIONS with a harmless probe
 * (a small object under `doctor/` written, read and deleted; a multipart upload started and
 * aborted) and reports every missing one by its IAM name, instead of failing on the first.
 * With `lock`, the Object Lock rights too — without ever locking anything: the probe object's
 * retention is read (it has none), and retention is set on a key that does not exist (S3 checks
 * the right first, then answers NoSuchKey).
 */
import { randomBytes } from 'node:crypto';
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DeskVaultError } from '../../../core/errors.js';
import { mapS3Error } from './s3-errors.js';
import { getBucketObjectLock, S3Retention } from './s3-object-lock.js';
import type { S3Store } from './s3-store.js';

export interface PermissionResult {
  permission: string;
  ok: boolean;
  /** Why it failed, or that it could not be tested because an earlier step failed. */
  message?: string;
}

export async function probeS3Permissions(store: S3Store, opts: { lock?: boolean } = {}): Promise<PermissionResult[]> {
  const { bucket, prefix } = store.location;
  const base = prefix ? `${prefix}/` : '';
  const probe = `doctor/probe-${randomBytes(6).toString('hex')}`;
  const results: PermissionResult[] = [];
  const attempt = async (permission: string, fn: () => Promise<unknown>): Promise<boolean> => {
    try {
      await fn();
      results.push({ permission, ok: true });
      return true;
    } catch (err) {
      const mapped = mapS3Error(err, { action: permission, key: probe, location: store.properties.location });
      const denied = mapped instanceof DeskVaultError && mapped.code === 'ACCESS_DENIED';
      results.push({ permission, ok: false, message: denied ? 'missing' : (mapped as Error).message });
      if (mapped instanceof DeskVaultError && mapped.code === 'VAULT_NOT_FOUND') throw mapped;
      return false;
    }
  };
  const untested = (permission: string, why: string): void => void results.push({ permission, ok: false, message: `not tested: ${why}` });

  await attempt('s3:ListBucket', () => store.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: base })));
  const put = await attempt('s3:PutObject', () => store.put(probe, Buffer.from('deskvault doctor probe')));
  const retention = new S3Retention(store);
  if (put) {
    if (opts.lock) await attempt('s3:GetObjectRetention', () => retention.get(probe));
    await attempt('s3:GetObject', async () => {
      const bytes = await store.get(probe);
      if (bytes.toString() !== 'deskvault doctor probe') throw new Error('the probe object read back different bytes');
    });
    await attempt('s3:DeleteObject', () => store.delete(probe));
    await attempt('s3:AbortMultipartUpload', async () => {
      const up = await store.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: base + probe }));
      await store.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: base + probe, UploadId: up.UploadId }));
    });
  } else {
    if (opts.lock) untested('s3:GetObjectRetention', 'writing the probe object failed');
    untested('s3:GetObject', 'writing the probe object failed');
    untested('s3:DeleteObject', 'writing the probe object failed');
    untested('s3:AbortMultipartUpload', 'writing the probe object failed');
  }
  await attempt('s3:ListBucketMultipartUploads', () => store.client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: base })));
  if (opts.lock) {
    await attempt('s3:GetBucketObjectLockConfiguration', async () => {
      if (!(await getBucketObjectLock(store)).enabled) throw new Error(`the bucket ${bucket} does not have S3 Object Lock enabled`);
    });
    await attempt('s3:PutObjectRetention', async () => {
      const absent = `doctor/absent-${randomBytes(6).toString('hex')}`;
      await retention.set(absent, 'GOVERNANCE', new Date(Date.now() + 86_400_000)).catch((err: unknown) => {
        if (!(err instanceof DeskVaultError && err.code === 'NOT_FOUND')) throw err;
      });
    });
  }
  return results;
}
