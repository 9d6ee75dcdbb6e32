/**
 * Retry as a wrapper, for every store alike: operations that fail with a retryable DeskVaultError
 * (`data.retryable`: throttling, 5xx, timeouts, dropped connections, damaged transfers) are tried
 * again with exponential backoff and full jitter; everything else fails at once. Safe because every
 * operation is idempotent: puts are atomic and content-addressed or whole-object replacements,
 * deletes of missing objects succeed. Sleep and randomness are injected so tests are deterministic.
 */
import { DeskVaultError } from '../../core/errors.js';
import { collectList, DelegatingStore } from './delegating-store.js';
import type { ByteRange, ObjectInfo, ObjectStore } from './object-store.js';

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

export class RetryStore extends DelegatingStore {
  private readonly attempts: number;
  private readonly base: number;
  private readonly max: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    inner: ObjectStore,
    private readonly opts: RetryOptions = {},
  ) {
    super(inner);
    this.attempts = opts.attempts ?? 6;
    this.base = opts.baseDelayMs ?? 200;
    this.max = opts.maxDelayMs ?? 10_000;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
  }

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

  override put(key: string, data: Buffer | readonly Buffer[]): Promise<void> {
    return this.retry('put', key, () => this.inner.put(key, data));
  }

  override get(key: string, range?: ByteRange, into?: Buffer): Promise<Buffer> {
    return this.retry('get', key, () => this.inner.get(key, range, into));
  }

  override head(key: string): Promise<ObjectInfo | null> {
    return this.retry('head', key, () => this.inner.head(key));
  }

  override delete(key: string): Promise<void> {
    return this.retry('delete', key, () => this.inner.delete(key));
  }

  override setStorageClass(key: string, storageClass: string): Promise<void> {
    return this.retry('setStorageClass', key, () => super.setStorageClass(key, storageClass));
  }

  /** A listing is retried whole if it fails before yielding anything (it cannot resume midway). */
  override async *list(prefix: string): AsyncIterable<ObjectInfo> {
    yield* await this.retry('list', prefix, () => collectList(this.inner, prefix));
  }
}
