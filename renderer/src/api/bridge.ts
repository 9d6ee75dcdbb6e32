/**
 * The Electron bridge: the preload exposes a frozen `window.deskvault` with every API method by
 * name, `(input) => Promise<result>`, plus `subscribe(listener) => unsubscribe` for events and
 * `getPathForFile(file)` for dropped folders. This is the one declaration of that global's type;
 * the preload mirrors it.
 */
import type { DeskVaultApi } from '../../../main/core/api.js';
import { toApiError } from './api-error.js';
import type { ApiEventListener, DeskVaultClient } from './client.js';

export type DeskVaultBridge = Readonly<
  DeskVaultApi & {
    subscribe(listener: ApiEventListener): () => void;
    /** The real path of a dropped file or folder (Electron's webUtils.getPathForFile); "" if none. */
    getPathForFile?(file: File): string;
  }
>;

declare global {
  interface Window {
    deskvault?: DeskVaultBridge;
  }
}

/** A client over a bridge object (Electron's, or an in-process one in tests). */
export function createBridgeClient(bridge: DeskVaultBridge): DeskVaultClient {
  return {
    transport: 'ipc',
    async call(method, input) {
      const fn = bridge[method] as (input: unknown) => Promise<never>;
      if (typeof fn !== 'function') throw toApiError({ code: 'NOT_FOUND', message: `The app does not offer "${method}".` });
      try {
        return await fn(input);
      } catch (err) {
        throw toApiError(err);
      }
    },
    subscribe: (listener) => bridge.subscribe(listener),
    ...(typeof bridge.getPathForFile === 'function' ? { pathForFile: (file: File) => bridge.getPathForFile!(file) } : {}),
  };
}
