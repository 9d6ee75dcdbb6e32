/**
 * The object the page sees as `window.deskvault`: one function per API method (from the method
 * table, generated at build time), `subscribe` for the service's events, and `getPathForFile` for
 * dropped folders. No logic beyond the envelope: a call answers `{ ok, value }` or
 * `{ ok: false, error: { code, message, data } }` from the main process, and a failure rejects.
 *
 * Rejections are plain `{ name: 'DeskVaultError', code, message, data }` records, not Error
 * instances: contextBridge copies an Error with its message only (custom fields are dropped on the
 * way to the page), while a plain object crosses whole. The page's client turns it back into an
 * Error (renderer/src/api). Everything here is frozen, and no ipcRenderer handle is ever exposed.
 */
import type { ApiEventName, ApiEvents, DeskVaultApi } from '../main/core/api.js';

export interface BridgeError {
  name: 'DeskVaultError';
  code: string;
  message: string;
  data: Record<string, unknown>;
}

export type BridgeListener = <E extends ApiEventName>(name: E, data: ApiEvents[E]) => void;

export type DeskVaultBridge = Readonly<
  DeskVaultApi & {
    /** Calls `listener(name, data)` for every service event; returns the unsubscribe function. */
    subscribe(listener: BridgeListener): () => void;
    /** The real path of a dropped File (Electron's webUtils.getPathForFile); "" when it has none. */
    getPathForFile(file: File): string;
  }
>;

export interface BridgeDeps {
  methods: readonly string[];
  events: readonly string[];
  /** Sends one call; resolves with the main process's envelope. */
  invoke(method: string, input: unknown): Promise<unknown>;
  /** Adds a raw listener for pushed events; returns its remover. */
  onEvent(listener: (name: unknown, data: unknown) => void): () => void;
  getPathForFile(file: File): string;
}

function bridgeError(e: unknown): BridgeError {
  const r = (e && typeof e === 'object' ? e : {}) as Partial<BridgeError>;
  return {
    name: 'DeskVaultError',
    code: typeof r.code === 'string' ? r.code : 'INTERNAL',
    message: typeof r.message === 'string' ? r.message : 'the call failed',
    data: r.data && typeof r.data === 'object' ? r.data : {},
  };
}

function unwrap(envelope: unknown): unknown {
  const e = envelope as { ok?: unknown; value?: unknown; error?: unknown } | null;
  if (e && e.ok === true) return e.value;
  throw bridgeError(e?.error);
}

export function createBridge(deps: BridgeDeps): DeskVaultBridge {
  const api: Record<string, unknown> = {};
  for (const method of deps.methods) {
    api[method] = (input?: unknown) =>
      deps.invoke(method, input ?? {}).then(unwrap, (err: unknown) => {
        // The IPC itself failed (no handler, window closing): still a record with a code.
        throw bridgeError({ code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) });
      });
  }
  const known = new Set(deps.events);
  api.subscribe = (listener: BridgeListener): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('subscribe needs a function');
    let off: (() => void) | null = deps.onEvent((name, data) => {
      if (typeof name !== 'string' || !known.has(name)) return;
      try {
        listener(name as ApiEventName, data as ApiEvents[ApiEventName]);
      } catch {
        /* a page listener's error stays in the page */
      }
    });
    return () => {
      off?.();
      off = null;
    };
  };
  api.getPathForFile = (file: File): string => deps.getPathForFile(file);
  return Object.freeze(api) as DeskVaultBridge;
}
