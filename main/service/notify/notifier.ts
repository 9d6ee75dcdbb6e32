/**
 * Fan-out of service events to sinks (desktop, SNS, webhook). The contract the job runner relies
 * on: `notify` never rejects and never throws — a sink's failure is a Delivery with status
 * 'failed' and the error as JSON, returned and passed to `onDidDeliver` listeners, never an
 * exception in the job. A job may `await` it or fire and forget.
 *
 * Ordering: each sink receives events in the order `notify` was called (one queue per sink), so a
 * webhook never sees COMPLETED before STARTED; sinks run independently, so a slow webhook does not
 * delay the desktop. `close` aborts deliveries in flight (reported as 'cancelled', not 'failed').
 */
import { DeskVaultError, isDeskVaultError, type ErrorCode, type ErrorData } from '../../core/errors.js';
import type { ServiceEvent, ServiceEventType } from './events.js';

export interface NotificationSink {
  /** Names the sink in reports; must hold no secret (a webhook shows no query string). */
  readonly name: string;
  /**
   * Delivers one event: 'sent', or 'skipped' when this sink has nothing configured for it (say, no
   * SNS topic for the vault). Failure is a thrown DeskVaultError; `signal` aborts on Notifier.close.
   */
  send(event: ServiceEvent, signal: AbortSignal): Promise<'sent' | 'skipped'>;
  /** Releases clients and sockets; called by Notifier.close. */
  close?(): Promise<void> | void;
}

export interface Delivery {
  sink: string;
  type: ServiceEventType;
  vault: string;
  status: 'sent' | 'skipped' | 'failed' | 'cancelled';
  error?: { code: ErrorCode; message: string; data: ErrorData };
}

interface Entry {
  sink: NotificationSink;
  filter?: (e: ServiceEvent) => boolean;
  tail: Promise<unknown>;
}

export class Notifier {
  private readonly entries: Entry[] = [];
  private readonly listeners = new Set<(d: Delivery) => void>();
  private readonly abort = new AbortController();

  constructor(sinks: NotificationSink[] = []) {
    for (const s of sinks) this.add(s);
  }

  /** Adds a sink, optionally only for the events `filter` accepts; returns a function removing it. */
  add(sink: NotificationSink, filter?: (e: ServiceEvent) => boolean): () => void {
    const entry: Entry = { sink, filter, tail: Promise.resolve() };
    this.entries.push(entry);
    return () => {
      const i = this.entries.indexOf(entry);
      if (i >= 0) this.entries.splice(i, 1);
    };
  }

  /** Called with every delivery outcome (sent, skipped, failed, cancelled); returns unsubscribe. */
  onDidDeliver(listener: (d: Delivery) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Sends `event` to every sink that accepts it; resolves with one Delivery per sink. Never rejects. */
  notify(event: ServiceEvent): Promise<Delivery[]> {
    const runs: Promise<Delivery>[] = [];
    for (const entry of this.entries) {
      let accepted: boolean;
      try {
        accepted = entry.filter ? entry.filter(event) : true;
      } catch {
        accepted = false;
      }
      if (!accepted) continue;
      const run = entry.tail.then(() => this.deliver(entry.sink, event));
      entry.tail = run;
      runs.push(run);
    }
    return Promise.all(runs);
  }

  /** Resolves when every delivery requested so far has finished. */
  async flush(): Promise<void> {
    await Promise.all(this.entries.map((e) => e.tail));
  }

  /** Aborts deliveries in flight, waits for the queues to drain and closes the sinks. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.flush();
    await Promise.all(this.entries.map(async (e) => e.sink.close?.()));
  }

  private async deliver(sink: NotificationSink, event: ServiceEvent): Promise<Delivery> {
    const base = { sink: sink.name, type: event.type, vault: event.vault };
    let delivery: Delivery;
    if (this.abort.signal.aborted) {
      delivery = { ...base, status: 'cancelled' };
    } else {
      try {
        delivery = { ...base, status: await sink.send(event, this.abort.signal) };
      } catch (err) {
        const e = asDeskVaultError(err, sink.name);
        delivery = { ...base, status: e.code === 'CANCELLED' ? 'cancelled' : 'failed', error: e.toJSON() };
      }
    }
    for (const l of this.listeners) {
      try {
        l(delivery);
      } catch {
        /* a listener's bug must not break delivery to the others */
      }
    }
    return delivery;
  }
}

function asDeskVaultError(err: unknown, sink: string): DeskVaultError {
  if (isDeskVaultError(err)) return err;
  if ((err as Error)?.name === 'AbortError') return new DeskVaultError('CANCELLED', `${sink}: delivery cancelled`);
  return new DeskVaultError('INTERNAL', `${sink}: ${(err as Error)?.message ?? String(err)}`, { sink });
}
