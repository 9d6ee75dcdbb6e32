/**
 * Counts requests by operation and bytes moved, so costs can be shown (requests per GiB in the
 * benchmark, "what did this backup cost" in the UI) and idle polling can be caught in tests.
 */
import type { ByteRange, ObjectInfo, ObjectStore, StoreProperties } from './object-store.js';

export interface RequestCounts {
  put: number;
  get: number;
  head: number;
  list: number;
  delete: number;
  bytesUp: number;
  bytesDown: number;
}

export class CountingStore implements ObjectStore {
  readonly properties: StoreProperties;
  readonly counts: RequestCounts = { put: 0, get: 0, head: 0, list: 0, delete: 0, bytesUp: 0, bytesDown: 0 };

  constructor(readonly inner: ObjectStore) {
    this.properties = inner.properties;
    if (inner.cleanTemporaryFiles) this.cleanTemporaryFiles = (age) => inner.cleanTemporaryFiles!(age);
  }

  cleanTemporaryFiles?: (olderThanMs: number) => Promise<number>;

  async put(key: string, data: Buffer | readonly Buffer[]): Promise<void> {
    this.counts.put++;
    this.counts.bytesUp += Buffer.isBuffer(data) ? data.length : (data as Buffer[]).reduce((a, b) => a + b.length, 0);
    await this.inner.put(key, data);
  }

  async get(key: string, range?: ByteRange, into?: Buffer): Promise<Buffer> {
    this.counts.get++;
    const b = await this.inner.get(key, range, into);
    this.counts.bytesDown += b.length;
    return b;
  }

  head(key: string): Promise<ObjectInfo | null> {
    this.counts.head++;
    return this.inner.head(key);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    this.counts.list++;
    yield* this.inner.list(prefix);
  }

  delete(key: string): Promise<void> {
    this.counts.delete++;
    return this.inner.delete(key);
  }
}
