/**
 * Downloads ahead of a single consumer: up to `inFlight` reads at once, and at most `held` results
 * fetched but not yet released by the consumer, each read into a buffer of its own slot that the
 * consumer hands back with `release()`. Results come in completion order, so one slow read never
 * stalls the consumer while others are ready, and reads go on while the consumer works on what
 * already arrived: download and processing overlap instead of taking turns.
 *
 * Reads ramp up: one at first, one more each time a read completes, up to `inFlight`. Reads started
 * together share the link and finish together, so starting four at once made the first result
 * arrive only after four results' worth of bytes; alone, the first arrives as soon as the link
 * allows and the consumer starts work while the others come.
 *
 * A failed read is a result with `error` (the consumer decides what it means). `close()` stops
 * starting reads; reads already in flight finish into their own buffers and are dropped.
 */
export interface Fetched<T> {
  item: T;
  bytes: Buffer | null;
  error: unknown;
  /** Gives the result's buffer back for the next read; call once, after the last use of `bytes`. */
  release(): void;
}

export interface FetchAheadOptions {
  /** Reads in flight at once. */
  inFlight: number;
  /** Results in flight or waiting for the consumer (≥ inFlight); bounds memory to held × bufferSize. */
  held: number;
  /** Size of each slot's buffer (the largest read). */
  bufferSize: number;
}

export interface FetchAhead<T> {
  /** The next completed read, or null when every item has been handed out. */
  next(): Promise<Fetched<T> | null>;
  close(): void;
}

export function fetchAhead<T>(items: readonly T[], read: (item: T, into: Buffer) => Promise<Buffer>, opts: FetchAheadOptions): FetchAhead<T> {
  const held = Math.max(1, opts.held, opts.inFlight);
  const free: Buffer[] = [];
  const ready: Fetched<T>[] = [];
  let slotsInUse = 0;
  let inFlight = 0;
  let completed = 0;
  let nextItem = 0;
  let closed = false;
  let wake: (() => void) | null = null;

  const settle = (f: Fetched<T>): void => {
    inFlight--;
    completed++;
    if (closed) f.release();
    else ready.push(f);
    const w = wake;
    wake = null;
    w?.();
    pump();
  };

  const pump = (): void => {
    while (!closed && nextItem < items.length && inFlight < Math.min(opts.inFlight, completed + 1) && slotsInUse < held) {
      const item = items[nextItem++];
      const buffer = free.pop() ?? Buffer.allocUnsafe(opts.bufferSize);
      slotsInUse++;
      inFlight++;
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        slotsInUse--;
        free.push(buffer);
        pump();
      };
      read(item, buffer).then(
        (bytes) => settle({ item, bytes, error: null, release }),
        (error: unknown) => settle({ item, bytes: null, error, release }),
      );
    }
  };

  // Reads start now, not at the first next(): the consumer may have other work first.
  pump();
  return {
    async next(): Promise<Fetched<T> | null> {
      pump();
      for (;;) {
        const f = ready.shift();
        if (f) return f;
        if (closed || (nextItem >= items.length && inFlight === 0)) return null;
        if (inFlight === 0) throw new Error('fetchAhead: every slot is held by the consumer; release a result before asking for the next');
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
    close(): void {
      closed = true;
      for (const f of ready.splice(0)) f.release();
      const w = wake;
      wake = null;
      w?.();
    },
  };
}
