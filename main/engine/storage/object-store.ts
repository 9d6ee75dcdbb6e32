/**
 * The storage interface every back end implements (local folder now, S3 later). Deliberately tiny,
 * as restic's backend: retry, limits, throttling and fault injection are wrappers around it.
 *
 * Contract (tested by test/contracts/object-store.contract.ts for every store):
 * - keys are `/`-separated relative names (`data/ab/abcd…`), never starting with `/` or `.`;
 * - `put` is atomic: a reader sees the old object, no object, or the whole new one — never a part;
 *   it is durable when it resolves;
 * - `get` of a missing key throws DeskVaultError NOT_FOUND; a range beyond the end is an error;
 * - `delete` of a missing key succeeds (idempotent);
 * - `list(prefix)` yields every object whose key starts with prefix, in no particular order, and
 *   never unfinished writes.
 */
export interface ObjectInfo {
  key: string;
  size: number;
}

export interface ByteRange {
  offset: number;
  length: number;
}

export interface StoreProperties {
  kind: 'local' | 's3' | 'memory';
  /** Human-readable location, without secrets. */
  location: string;
}

export interface ObjectStore {
  readonly properties: StoreProperties;
  put(key: string, data: Buffer | readonly Buffer[]): Promise<void>;
  /**
   * Reads an object or a range of it. With `into` (large enough), a store may read into that buffer
   * and return a view of it — callers that stream many large reads reuse buffers this way.
   */
  get(key: string, range?: ByteRange, into?: Buffer): Promise<Buffer>;
  head(key: string): Promise<ObjectInfo | null>;
  list(prefix: string): AsyncIterable<ObjectInfo>;
  delete(key: string): Promise<void>;
  /** Removes unfinished writes older than the given age (stores that can have them); returns how many. */
  cleanTemporaryFiles?(olderThanMs: number): Promise<number>;
}

/** Unfinished writes older than this were left by a crashed writer (no live writer takes a day). */
export const UNFINISHED_WRITE_AGE_MS = 24 * 60 * 60 * 1000;

export function assertValidKey(key: string): void {
  if (!key || key.startsWith('/') || key.startsWith('.') || key.includes('..') || key.includes('\\') || key.includes('\0')) {
    throw new Error(`invalid object key: ${JSON.stringify(key)}`);
  }
}
