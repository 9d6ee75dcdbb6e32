/**
 * Vault locations: a folder path or a file:// URL (S3 locations arrive with the S3 back end).
 * This is the one place that turns a location string into an ObjectStore.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeskVaultError } from '../core/errors.js';
import { LocalStore } from '../engine/storage/local-store.js';
import type { ObjectStore } from '../engine/storage/object-store.js';

export function localPathOf(location: string): string | null {
  if (location.startsWith('file://')) return fileURLToPath(location);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return null;
  return path.resolve(location);
}

export function openStore(location: string): ObjectStore {
  if (!location) throw new DeskVaultError('USAGE', 'no vault given: pass --vault LOCATION or set DESKVAULT_VAULT', {});
  const local = localPathOf(location);
  if (local !== null) return new LocalStore(local);
  const scheme = location.slice(0, location.indexOf('://'));
  throw new DeskVaultError('USAGE', `vault locations of the form ${scheme}:// are not supported yet; use a folder path or file:// URL`, { location });
}
