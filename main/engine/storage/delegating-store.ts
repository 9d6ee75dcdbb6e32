/**
 * Base of the store wrappers (retry, faults, counting, caching, throttling): forwards every
 * operation to the wrapped store, so each wrapper overrides only what it changes.
 */
import { DeskVaultError } from '../../core/errors.js';
import type { ByteRange, ObjectInfo, ObjectStore, StoreProperties } from './object-store.js';

export abstract class DelegatingStore implements ObjectStore {
  readonly properties: StoreProperties;

  constructor(readonly inner: ObjectStore) {
    this.properties = inner.properties;
  }

  put(key: string, data: Buffer | readonly Buffer[]): Promise<void> {
    return this.inner.put(key, data);
  }

  get(key: string, range?: ByteRange, into?: Buffer): Promise<Buffer> {
    return this.inner.get(key, range, into);
  }

  head(key: string): Promise<ObjectInfo | null> {
    return this.inner.head(key);
  }

  list(prefix: string): AsyncIterable<ObjectInfo> {
    return this.inner.list(prefix);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  setStorageClass(key: string, storageClass: string): Promise<void> {
    return this.inner.setStorageClass ? this.inner.setStorageClass(key, storageClass) : Promise.reject(noStorageClasses(this.properties.location));
  }

  async cleanTemporaryFiles(olderThanMs: number): Promise<number> {
    return this.inner.cleanTemporaryFiles ? this.inner.cleanTemporaryFiles(olderThanMs) : 0;
  }
}

/** What a store without storage classes (a folder) answers when asked to move an object to one. */
export function noStorageClasses(location: string): DeskVaultError {
  return new DeskVaultError('USAGE', `${location} has no storage classes (only S3 vaults have a cold storage class)`, { location, retryable: false });
}

/** A whole listing as an array (wrappers that must see a listing succeed or fail as one request). */
export async function collectList(store: ObjectStore, prefix: string): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const o of store.list(prefix)) out.push(o);
  return out;
}
