/**
 * Fault injection as a store wrapper (as kopia's blobtesting): a seeded sequence decides which
 * operations fail, so a failing run replays exactly. Two kinds of fault: the request fails before
 * reaching the store, or it succeeds but its answer is lost (the caller sees an error for a write
 * that happened) — the second is what makes idempotency matter. Used by tests and fault drills.
 */
import { DeskVaultError } from '../../core/errors.js';
import { collectList, DelegatingStore } from './delegating-store.js';
import type { ByteRange, ObjectInfo, ObjectStore } from './object-store.js';

export interface FaultOptions {
  seed: number;
  /** Share of operations that fail, 0..1. */
  rate: number;
  /** Which operations may fail (default: all). */
  ops?: ('put' | 'get' | 'head' | 'list' | 'delete')[];
}

export class FaultyStore extends DelegatingStore {
  /** Faults injected so far (tests assert that faults really happened). */
  injected = 0;
  private state: number;

  constructor(
    inner: ObjectStore,
    private readonly opts: FaultOptions,
  ) {
    super(inner);
    this.state = opts.seed >>> 0 || 1;
  }

  /** mulberry32 */
  private next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private decide(op: string): 'before' | 'after' | null {
    if (this.opts.ops && !this.opts.ops.includes(op as never)) return null;
    if (this.next() >= this.opts.rate) return null;
    this.injected++;
    return this.next() < 0.5 ? 'before' : 'after';
  }

  private fault(op: string, key: string): DeskVaultError {
    return new DeskVaultError('IO', `injected fault during ${op} of ${key}`, { retryable: true, injected: true });
  }

  private async run<T>(op: string, key: string, fn: () => Promise<T>): Promise<T> {
    const f = this.decide(op);
    if (f === 'before') throw this.fault(op, key);
    const r = await fn();
    if (f === 'after') throw this.fault(op, key);
    return r;
  }

  override put(key: string, data: Buffer | readonly Buffer[]): Promise<void> {
    return this.run('put', key, () => this.inner.put(key, data));
  }

  override get(key: string, range?: ByteRange, into?: Buffer): Promise<Buffer> {
    return this.run('get', key, () => this.inner.get(key, range, into));
  }

  override head(key: string): Promise<ObjectInfo | null> {
    return this.run('head', key, () => this.inner.head(key));
  }

  override delete(key: string): Promise<void> {
    return this.run('delete', key, () => this.inner.delete(key));
  }

  override async *list(prefix: string): AsyncIterable<ObjectInfo> {
    yield* await this.run('list', prefix, () => collectList(this.inner, prefix));
  }
}
