/**
 * Vault locations: a folder path, a file:// URL, or s3://bucket/prefix?options (see
 * engine/storage/s3/s3-location.ts). This is the one place that turns a location string into an
 * ObjectStore, always behind the shared retry wrapper.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeskVaultError } from '../core/errors.js';
import { isS3Location, LazyStore, loadS3Support, LocalStore, parseS3Location, RetryStore, s3StoreProperties, ThrottleStore, type ObjectStore } from '../engine/index.js';

export function localPathOf(location: string): string | null {
  if (location.startsWith('file://')) return fileURLToPath(location);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return null;
  return path.resolve(location);
}

export interface StoreOptions {
  /** Bandwidth limits in bytes per second (0 or absent: none). */
  limitUpload?: number;
  limitDownload?: number;
}

export function openStore(location: string, opts: StoreOptions = {}): ObjectStore {
  if (!location) throw new DeskVaultError('USAGE', 'no vault given: pass --vault LOCATION or set DESKVAULT_VAULT', {});
  // Limits apply per attempt, inside the retry wrapper.
  const limit = (s: ObjectStore): ObjectStore =>
    opts.limitUpload || opts.limitDownload ? new ThrottleStore(s, { uploadBytesPerSec: opts.limitUpload, downloadBytesPerSec: opts.limitDownload }) : s;
  const local = localPathOf(location);
  if (local !== null) return new RetryStore(limit(new LocalStore(local)));
  if (isS3Location(location)) {
    const loc = parseS3Location(location);
    const s3 = new LazyStore(s3StoreProperties(loc), async () => new (await loadS3Support()).S3Store(loc));
    return new RetryStore(limit(s3));
  }
  const scheme = location.slice(0, location.indexOf('://'));
  throw new DeskVaultError('USAGE', `vault locations of the form ${scheme}:// are not supported yet; use a folder path, a file:// URL or s3://bucket/prefix`, { location });
}
