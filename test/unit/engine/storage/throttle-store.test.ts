/** Bandwidth limits: waits computed from a token bucket, with an injected clock (no real waiting). */
import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../../../main/engine/storage/object-store.js';
import { ThrottleStore, TokenBucket } from '../../../../main/engine/storage/throttle-store.js';

function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return { now: () => t, sleep: async (ms) => void (slept.push(ms), (t += ms)), slept };
}

describe('TokenBucket', () => {
  it('lets a second of burst through, then paces to the rate', async () => {
    const c = fakeClock();
    const b = new TokenBucket(1000, c.now, c.sleep);
    expect(await b.take(1000)).toBe(0);
    expect(await b.take(500)).toBe(500);
    expect(await b.take(2000)).toBe(2000);
    expect(c.slept).toEqual([500, 2000]);
  });
});

describe('ThrottleStore', () => {
  it('paces puts by upload rate and gets by download rate, independently', async () => {
    const c = fakeClock();
    const blobs = new Map<string, Buffer>();
    const inner: ObjectStore = {
      properties: { kind: 'memory', location: 'mem' },
      put: async (k, d) => void blobs.set(k, Buffer.isBuffer(d) ? d : Buffer.concat(d as Buffer[])),
      get: async (k, r) => (r ? blobs.get(k)!.subarray(r.offset, r.offset + r.length) : blobs.get(k)!),
      head: async () => null,
      list: async function* () {},
      delete: async () => undefined,
    };
    const s = new ThrottleStore(inner, { uploadBytesPerSec: 1_000_000, downloadBytesPerSec: 4_000_000, now: c.now, sleep: c.sleep });
    await s.put('data/aa/p', Buffer.alloc(3_000_000)); // 1 s burst, then 2 s
    expect(c.slept).toEqual([2000]);
    await s.get('data/aa/p'); // 3 MB within the 4 MB/s burst
    await s.get('data/aa/p', { offset: 0, length: 3_000_000 }); // 2 MB short: 0.5 s
    expect(c.slept).toEqual([2000, 500]);
  });
});
