/**
 * Bandwidth limits (`--limit-upload`, `--limit-download`) as a store wrapper, for every store:
 * a token bucket per direction, refilled at the limit with one second of burst. Clock and sleep are
 * injected, so tests check the waits without waiting.
 */
import { DelegatingStore } from './delegating-store.js';
import type { ByteRange, ObjectStore } from './object-store.js';

export interface ThrottleOptions {
  /** Bytes per second; undefined or 0 = unlimited. */
  uploadBytesPerSec?: number;
  downloadBytesPerSec?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.tokens = rate;
    this.last = now();
  }

  /** Waits until `bytes` may pass; returns how long it waited (ms). */
  async take(bytes: number): Promise<number> {
    const t = this.now();
    this.tokens = Math.min(this.rate, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    this.tokens -= bytes;
    if (this.tokens >= 0) return 0;
    const waitMs = Math.ceil((-this.tokens / this.rate) * 1000);
    await this.sleep(waitMs);
    return waitMs;
  }
}

export class ThrottleStore extends DelegatingStore {
  private readonly up: TokenBucket | null;
  private readonly down: TokenBucket | null;

  constructor(inner: ObjectStore, opts: ThrottleOptions) {
    super(inner);
    const now = opts.now ?? Date.now;
    const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    this.up = opts.uploadBytesPerSec ? new TokenBucket(opts.uploadBytesPerSec, now, sleep) : null;
    this.down = opts.downloadBytesPerSec ? new TokenBucket(opts.downloadBytesPerSec, now, sleep) : null;
  }

  override async put(key: string, data: Buffer | readonly Buffer[]): Promise<void> {
    await this.up?.take(Buffer.isBuffer(data) ? data.length : (data as Buffer[]).reduce((a, b) => a + b.length, 0));
    await this.inner.put(key, data);
  }

  override async get(key: string, range?: ByteRange, into?: Buffer): Promise<Buffer> {
    if (range) await this.down?.take(range.length);
    const b = await this.inner.get(key, range, into);
    if (!range) await this.down?.take(b.length);
    return b;
  }
}
