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
 *   never unfinished writes;
 * - `setStorageClass` (only stores whose properties name a `coldStorageClass`) changes where an
 *   object is kept and nothing a reader sees: the same key reads back the same bytes at once.
 */
export interface ObjectInfo {
  key: string;
  size: number;
  /**
   * The object's storage class, from the listing (S3 returns it with every key at no extra cost;
   * `STANDARD` there). Absent from stores without classes (a folder) and from `head`.
   */
  storageClass?: string;
}

export interface ByteRange {
  offset: number;
  length: number;
}

export interface StoreProperties {
  kind: 'local' | 's3' | 'memory';
  /** Human-readable location, without secrets. */
  location: string;
  /**
   * The storage class data packs move to when lifecycle makes them cold (S3: an instant-retrieval
   * class, GLACIER_IR unless the location says otherwise). Absent: the store has no cold class (a
   * folder), and `setStorageClass` is not offered.
   */
  coldStorageClass?: string;
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
  /**
   * Moves an existing object to another storage class in place (S3: a copy onto itself). Offered
   * only by stores with a `coldStorageClass`; idempotent; a missing object is NOT_FOUND.
   */
  setStorageClass?(key: string, storageClass: string): Promise<void>;
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
