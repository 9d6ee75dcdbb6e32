/**
 * The messages between the Electron main process and the service host (a utility process running
 * DeskVaultService, see service-host.ts), and the main side of it: `ServiceClient`.
 *
 * Transport-neutral: anything that can post structured-cloneable messages both ways (Electron's
 * `UtilityProcess`/`parentPort`, a `node:worker_threads` MessageChannel in tests) is a `PortLike`.
 * Calls carry an id and always answer an Envelope (never a thrown error: errors cross as
 * `{ code, message, data }`). Messages on one port keep their order, so a job's `job` event always
 * arrives before the desktop notification about it.
 */
import type { ApiEventName, ApiEvents, ApiMethod, CallSource } from '../core/api.js';
import type { Envelope, SerializedError } from './ipc-contract.js';

/** What the service asks the app to show (the service's DesktopNotification, JSON-safe). */
export interface HostNotification {
  title: string;
  body: string;
  urgent: boolean;
  event: { type: string; time: string; vault: string; plan?: string; jobId?: string; message: string };
}

export type ToHost = { type: 'call'; id: number; method: ApiMethod; input: unknown; source: CallSource } | { type: 'stop' };

export type FromHost =
  | { type: 'ready'; home: string; keyStore: 'keychain' | 'file'; keyStoreWarning: string | null }
  | { type: 'start-failed'; error: SerializedError }
  | { type: 'result'; id: number; envelope: Envelope }
  | { type: 'event'; name: ApiEventName; data: unknown }
  | { type: 'desktop-notification'; notification: HostNotification }
  | { type: 'stopped' };

export interface PortLike {
  postMessage(message: unknown): void;
  /** Subscribes to incoming messages; returns the unsubscribe function. */
  onMessage(listener: (message: unknown) => void): () => void;
}

export type ServiceEventListener = <E extends ApiEventName>(name: E, data: ApiEvents[E]) => void;

export interface HostReady {
  home: string;
  keyStore: 'keychain' | 'file';
  keyStoreWarning: string | null;
}

/**
 * The main process's handle on the service host. `ready` settles once: resolved with what the host
 * reports, or rejected with the host's start error (e.g. VAULT_LOCKED when a daemon already runs
 * on the state folder). After `fail()` (the host exited) pending and later calls answer an
 * INTERNAL envelope at once instead of hanging.
 */
export class ServiceClient {
  readonly ready: Promise<HostReady>;
  private nextId = 1;
  private readonly pending = new Map<number, (e: Envelope) => void>();
  private readonly listeners = new Set<ServiceEventListener>();
  private readonly notificationListeners = new Set<(n: HostNotification) => void>();
  private failedWith: SerializedError | null = null;
  private settleReady!: { resolve: (r: HostReady) => void; reject: (e: SerializedError) => void };
  private stopped: (() => void) | null = null;
  private readonly unsubscribe: () => void;

  constructor(private readonly port: PortLike) {
    this.ready = new Promise<HostReady>((resolve, reject) => (this.settleReady = { resolve, reject }));
    this.ready.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection
    this.unsubscribe = port.onMessage((m) => this.receive(m as FromHost));
  }

  call(method: ApiMethod, input: unknown, source: CallSource = 'ipc'): Promise<Envelope> {
    if (this.failedWith) return Promise.resolve({ ok: false, error: this.failedWith });
    const id = this.nextId++;
    return new Promise<Envelope>((resolve) => {
      this.pending.set(id, resolve);
      this.port.postMessage({ type: 'call', id, method, input, source } satisfies ToHost);
    });
  }

  on(listener: ServiceEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onDesktopNotification(listener: (n: HostNotification) => void): () => void {
    this.notificationListeners.add(listener);
    return () => this.notificationListeners.delete(listener);
  }

  /** Asks the host to stop the service (running jobs are cancelled; their vaults stay consistent). */
  stop(): Promise<void> {
    if (this.failedWith) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.stopped = resolve;
      this.port.postMessage({ type: 'stop' } satisfies ToHost);
    });
  }

  /** The host is gone: every pending and later call answers `error`. Idempotent. */
  fail(error: SerializedError): void {
    if (this.failedWith) return;
    this.failedWith = error;
    this.settleReady.reject(error);
    for (const resolve of this.pending.values()) resolve({ ok: false, error });
    this.pending.clear();
    this.stopped?.();
    this.unsubscribe();
  }

  private receive(m: FromHost): void {
    switch (m.type) {
      case 'ready':
        this.settleReady.resolve({ home: m.home, keyStore: m.keyStore, keyStoreWarning: m.keyStoreWarning });
        return;
      case 'start-failed':
        this.fail(m.error);
        return;
      case 'result': {
        const resolve = this.pending.get(m.id);
        this.pending.delete(m.id);
        resolve?.(m.envelope);
        return;
      }
      case 'event':
        for (const l of this.listeners) safely(() => l(m.name, m.data as ApiEvents[typeof m.name]));
        return;
      case 'desktop-notification':
        for (const l of this.notificationListeners) safely(() => l(m.notification));
        return;
      case 'stopped':
        this.stopped?.();
        this.fail({ code: 'CANCELLED', message: 'the DeskVault service has stopped', data: {} });
        return;
    }
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    /* one faulty listener never stops the others */
  }
}
