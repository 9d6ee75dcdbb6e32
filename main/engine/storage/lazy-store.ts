/**
 * Creates the real store on first use. The AWS SDK takes ~0.2 s to load; a command on a local
 * vault must not pay for it, so S3 stores are built through this.
 */
import { noStorageClasses } from './delegating-store.js';
import type { ByteRange, ObjectInfo, ObjectStore, StoreProperties } from './object-store.js';

export class LazyStore implements ObjectStore {
  private inner: Promise<ObjectStore> | null = null;

  constructor(
    readonly properties: StoreProperties,
    private readonly create: () => Promise<ObjectStore>,
  ) {}

  private store(): Promise<ObjectStore> {
    this.inner ??= this.create();
    return this.inner;
  }

  async put(key: string, data: Buffer | readonly Buffer[]): Promise<void> {
    return (await this.store()).put(key, data);
  }

  async get(key: string, range?: ByteRange, into?: Buffer): Promise<Buffer> {
    return (await this.store()).get(key, range, into);
  }

  async head(key: string): Promise<ObjectInfo | null> {
    return (await this.store()).head(key);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    yield* (await this.store()).list(prefix);
  }

  async delete(key: string): Promise<void> {
    return (await this.store()).delete(key);
  }

  async setStorageClass(key: string, storageClass: string): Promise<void> {
    const s = await this.store();
    if (!s.setStorageClass) throw noStorageClasses(this.properties.location);
    return s.setStorageClass(key, storageClass);
  }

  async cleanTemporaryFiles(olderThanMs: number): Promise<number> {
    const s = await this.store();
    return s.cleanTemporaryFiles ? s.cleanTemporaryFiles(olderThanMs) : 0;
  }
}
