/**
 * The one interface every screen uses to reach the service, whatever carries the calls: the
 * Electron bridge (IPC) or HTTP to `deskvault serve`. Components call `client.call(method, input)`
 * and `client.subscribe(listener)`; they never build URLs or touch `window.deskvault`.
 *
 * Contract: `call` resolves with the method's result or rejects with an `ApiError` (stable `code`,
 * the sentence a person reads as `message`, JSON `data`). `subscribe` delivers every service event
 * (`job`, `status`, `notification`) until the returned function is called.
 */
import type { ApiEventName, ApiEvents, ApiInput, ApiMethod, ApiResult } from '../../../main/core/api.js';

export type ApiEventListener = <E extends ApiEventName>(name: E, data: ApiEvents[E]) => void;

export interface DeskVaultClient {
  /** 'ipc' in Electron, 'http' in a browser; shown in Settings, never used to branch screens. */
  readonly transport: 'ipc' | 'http';
  call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResult<M>>;
  subscribe(listener: ApiEventListener): () => void;
  /**
   * The path on the service's machine of a file or folder dropped on the page: only the desktop
   * app knows it (a browser never reveals where a dropped file lives), so HTTP clients lack it.
   */
  pathForFile?(file: File): string;
}
