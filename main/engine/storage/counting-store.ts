/**
 * Counts requests by operation and bytes moved, so costs can be shown (requests per GiB in the
 * benchmark, "what did this backup cost" in the UI) and idle polling can be caught in tests.
 */
import { DelegatingStore } from './delegating-store.js';
import type { ByteRange, ObjectInfo } from './object-store.js';

export interface RequestCounts {
  put: number;
  get: number;
  head: number;
  list: number;
  delete: number;
  bytesUp: number;
  bytesDown: number;
}

export class CountingStore extends DelegatingStore {
  readonly counts: RequestCounts = { put: 0, get: 0, head: 0, list: 0, delete: 0, bytesUp: 0, bytesDown: 0 };

  override async put(key: string, data: Buffer | readonly Buffer[]): Promise<void> {
    this.counts.put++;
    this.counts.bytesUp += Buffer.isBuffer(data) ? data.length : (data as Buffer[]).reduce((a, b) => a + b.length, 0);
    await this.inner.put(key, data);
  }

  override async get(key: string, range?: ByteRange, into?: Buffer): Promise<Buffer> {
    this.counts.get++;
    const b = await this.inner.get(key, range, into);
    this.counts.bytesDown += b.length;
    return b;
  }

  override head(key: string): Promise<ObjectInfo | null> {
    this.counts.head++;
    return this.inner.head(key);
  }

  override async *list(prefix: string): AsyncIterable<ObjectInfo> {
    this.counts.list++;
    yield* this.inner.list(prefix);
  }

  override delete(key: string): Promise<void> {
    this.counts.delete++;
    return this.inner.delete(key);
  }
}
