/**
 * Retry as a wrapper, for every store alike: operations that fail with a retryable DeskVaultError
 * (`data.retryable`: throttling, 5xx, timeouts, dropped connections, damaged transfers) are tried
 * again with exponential backoff and full jitter; everything else fails at once. Safe because every
 * operation is idempotent: puts are atomic and content-addressed or whole-object replacements,
 * deletes of missing objects succeed. Sleep and randomness are injected so tests are deterministic.
 */
import { DeskVaultError } from '../../core/errors.js';
import type { ByteRange, ObjectInfo, ObjectStore, StoreProperties } from './object-store.js';

export interface RetryOptions {
  /** Attempts in all, including the first. 6 rides out a minute-long S3 SlowDown episode. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (info: { op: string; key: string; attempt: number; delayMs: number; error: DeskVaultError }) => void;
}

export function isRetryable(err: unknown): err is DeskVaultError {
  return err instanceof DeskVaultError && err.data.retryable === true;
}

export class RetryStore implements ObjectStore {
  readonly properties: StoreProperties;
  private readonly attempts: number;
  private readonly base: number;
  private readonly max: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    readonly inner: ObjectStore,
    private readonly opts: RetryOptions = {},
  ) {
    this.properties = inner.properties;
    this.attempts = opts.attempts ?? 6;
    this.base = opts.baseDelayMs ?? 200;
    this.max = opts.maxDelayMs ?? 10_000;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
    if (inner.cleanTemporaryFiles) this.cleanTemporaryFiles = (age) => inner.cleanTemporaryFiles!(age);
  }

  cleanTemporaryFiles?: (olderThanMs: number) => Promise<number>;

  private async retry<T>(op: string, key: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!isRetryable(err) || attempt >= this.attempts) throw err;
        const delayMs = Math.floor(this.random() * Math.min(this.max, this.base * 2 ** (attempt - 1)));
        this.opts.onRetry?.({ op, key, attempt, delayMs, error: err });
        await this.sleep(delayMs);
      }
    }
  }

  put(key: string, data: Buffer | readonly Buffer[]): Promise<void> {
    return this.retry('put', key, () => this.inner.put(key, data));
  }

  get(key: string, range?: ByteRange, into?: Buffer): Promise<Buffer> {
    return this.retry('get', key, () => this.inner.get(key, range, into));
  }

  head(key: string): Promise<ObjectInfo | null> {
    return this.retry('head', key, () => this.inner.head(key));
  }

  delete(key: string): Promise<void> {
    return this.retry('delete', key, () => this.inner.delete(key));
  }

  /** A listing is retried whole if it fails before yielding anything (it cannot resume midway). */
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const all = await this.retry('list', prefix, async () => {
      const out: ObjectInfo[] = [];
      for await (const o of this.inner.list(prefix)) out.push(o);
      return out;
    });
    yield* all;
  }
}
