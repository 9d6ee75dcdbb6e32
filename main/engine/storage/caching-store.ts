/**
 * A local cache of the vault objects that never change once written — index objects, metadata
 * packs (folder listings) and recovery-point manifests — in front of a remote store, so listing
 * points, browsing a point and an incremental backup do not download them again. It lives under
 * `<state folder>/cache/<vault id>/`, is safe to delete at any time (the next read refetches), and
 * is never authoritative: listings still come from the vault. Data packs are not cached (too big);
 * leases and prune plans are not (they change).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DelegatingStore } from './delegating-store.js';
import type { ByteRange, ObjectStore } from './object-store.js';

const CACHED_PREFIXES = ['index/', 'meta/', 'points/'];

export class CachingStore extends DelegatingStore {
  /** Reads answered from the cache (tests and `--json` statistics). */
  hits = 0;
  misses = 0;

  constructor(
    inner: ObjectStore,
    readonly dir: string,
  ) {
    super(inner);
  }

  private cacheable(key: string): boolean {
    return CACHED_PREFIXES.some((p) => key.startsWith(p));
  }

  private file(key: string): string {
    return path.join(this.dir, ...key.split('/'));
  }

  override async put(key: string, data: Buffer | readonly Buffer[]): Promise<void> {
    await this.inner.put(key, data);
    if (this.cacheable(key)) await this.remember(key, Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]));
  }

  override async get(key: string, range?: ByteRange, into?: Buffer): Promise<Buffer> {
    if (!this.cacheable(key)) return this.inner.get(key, range, into);
    const cached = await fs.readFile(this.file(key)).catch(() => null);
    if (cached) {
      this.hits++;
      if (!range) return cached;
      if (range.offset + range.length <= cached.length) return cached.subarray(range.offset, range.offset + range.length);
    }
    this.misses++;
    if (range) return this.inner.get(key, range, into); // a part only: not worth caching
    const whole = await this.inner.get(key);
    await this.remember(key, whole);
    return whole;
  }

  override async delete(key: string): Promise<void> {
    await this.inner.delete(key);
    if (this.cacheable(key)) await fs.rm(this.file(key), { force: true });
  }

  /** Best effort: a cache that cannot be written only costs downloads. */
  private async remember(key: string, bytes: Buffer): Promise<void> {
    const file = this.file(key);
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(tmp, bytes, { mode: 0o600 });
      await fs.rename(tmp, file);
    } catch {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
    }
  }
}
