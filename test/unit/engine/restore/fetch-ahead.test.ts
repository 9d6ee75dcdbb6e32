/**
 * fetchAhead, the restore's download queue: reads in flight and results held stay within their
 * bounds, results come in completion order, a failed read is a result, buffers are reused slot by
 * slot, and close() stops new reads. Reads are promises the test settles by hand (no timing).
 */
import { describe, expect, it } from 'vitest';
import { fetchAhead } from '../../../../main/engine/restore/fetch-ahead.js';

interface Pending {
  item: number;
  into: Buffer;
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
}

function manualReads(): { read: (item: number, into: Buffer) => Promise<Buffer>; pending: Pending[]; started: number[]; settle(item: number, error?: Error): void } {
  const pending: Pending[] = [];
  const started: number[] = [];
  return {
    pending,
    started,
    read: (item, into) =>
      new Promise<Buffer>((resolve, reject) => {
        started.push(item);
        pending.push({ item, into, resolve, reject });
      }),
    settle(item, error) {
      const i = pending.findIndex((p) => p.item === item);
      const [p] = pending.splice(i, 1);
      if (error) p.reject(error);
      else {
        p.into.fill(item, 0, 4);
        p.resolve(p.into.subarray(0, 4));
      }
    },
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('fetchAhead', () => {
  it('starts one read when created, adds one per completed read up to inFlight, and hands results over in completion order', async () => {
    const m = manualReads();
    const f = fetchAhead([0, 1, 2, 3, 4, 5], m.read, { inFlight: 3, held: 4, bufferSize: 16 });
    expect(m.started, 'reading starts at once (alone, the first read gets the whole link)').toEqual([0]);
    const first = f.next();
    m.settle(0);
    const a = (await first)!;
    expect(a.item).toBe(0);
    expect([...a.bytes!]).toEqual([0, 0, 0, 0]);
    expect(m.started).toEqual([0, 1, 2]);
    a.release();
    const second = f.next();
    m.settle(2);
    const b = (await second)!;
    expect(b.item, 'completion order').toBe(2);
    expect(m.started).toEqual([0, 1, 2, 3, 4]);
    b.release();
    expect(m.pending.map((p) => p.item)).toEqual([1, 3, 4]);
  });

  it('holds at most `held` results (in flight or not yet released) and reuses their buffers', async () => {
    const m = manualReads();
    const f = fetchAhead([0, 1, 2, 3, 4, 5, 6, 7], m.read, { inFlight: 2, held: 3, bufferSize: 16 });
    const first = f.next();
    m.settle(0);
    const a = (await first)!;
    await tick();
    // 0 held by the consumer, 1 and 2 in flight: the third slot is taken, so no fourth read yet.
    expect(m.started).toEqual([0, 1, 2]);
    m.settle(1);
    await tick();
    expect(m.started, 'all three slots held: no read may start').toEqual([0, 1, 2]);
    a.release();
    expect(m.started).toEqual([0, 1, 2, 3]);
    const buffers = new Set<ArrayBufferLike>([a.bytes!.buffer]);
    const seen: number[] = [a.item];
    for (;;) {
      const next = f.next();
      if (m.pending.length > 0) m.settle(m.pending[m.pending.length - 1].item);
      const r = await next;
      if (!r) break;
      seen.push(r.item);
      buffers.add(r.bytes!.buffer);
      r.release();
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(buffers.size).toBeLessThanOrEqual(3);
  });

  it('hands over a failed read as a result with its error, and goes on', async () => {
    const m = manualReads();
    const f = fetchAhead([0, 1], m.read, { inFlight: 2, held: 2, bufferSize: 8 });
    const first = f.next();
    m.settle(0, new Error('503 SlowDown'));
    const r = (await first)!;
    expect(r.bytes).toBeNull();
    expect((r.error as Error).message).toBe('503 SlowDown');
    r.release();
    const second = f.next();
    m.settle(1);
    expect((await second)!.item).toBe(1);
    expect(await f.next()).toBeNull();
  });

  it('close() starts no further read and ends next()', async () => {
    const m = manualReads();
    const f = fetchAhead([0, 1, 2, 3], m.read, { inFlight: 1, held: 1, bufferSize: 8 });
    const first = f.next();
    m.settle(0);
    (await first)!.release();
    expect(m.started).toEqual([0, 1]);
    f.close();
    m.settle(1);
    await tick();
    expect(m.started).toEqual([0, 1]);
    expect(await f.next()).toBeNull();
  });

  it('refuses to wait forever when the consumer holds every slot', async () => {
    const m = manualReads();
    const f = fetchAhead([0, 1], m.read, { inFlight: 1, held: 1, bufferSize: 8 });
    const first = f.next();
    m.settle(0);
    await first; // not released
    await expect(f.next()).rejects.toThrow(/release a result/);
  });
});
