/**
 * The HTTP client for `deskvault serve`: `POST /api/<method>` with a JSON body, answered with
 * `{ result }` or `{ error: { code, message, data } }`; events from `GET /api/events` (SSE). The
 * session cookie set when the person opened the printed link authenticates both, so no token is
 * handled here. One EventSource is shared by all subscribers and closed when the last leaves;
 * EventSource reconnects by itself after a dropped connection.
 */
import type { ApiEventName } from '../../../main/core/api.js';
import { ApiError, toApiError } from './api-error.js';
import type { ApiEventListener, DeskVaultClient } from './client.js';

const EVENT_NAMES: readonly ApiEventName[] = ['job', 'status', 'notification'];

export interface HttpClientOptions {
  /** Where the server is; default: this page's origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
}

export function createHttpClient(opts: HttpClientOptions = {}): DeskVaultClient {
  const base = opts.baseUrl ?? globalThis.location?.origin ?? 'http://127.0.0.1';
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const listeners = new Set<ApiEventListener>();
  let source: EventSource | null = null;

  function openStream(): void {
    const ES = opts.EventSource ?? globalThis.EventSource;
    if (!ES) return; // No event stream (old test environments): screens still poll on demand.
    source = new ES(new URL('/api/events', base).toString(), { withCredentials: true });
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (ev) => {
        let data: unknown;
        try {
          data = JSON.parse((ev as MessageEvent<string>).data);
        } catch {
          return;
        }
        for (const l of [...listeners]) l(name, data as never);
      });
    }
  }

  return {
    transport: 'http',
    async call(method, input) {
      let res: Response;
      try {
        res = await doFetch(new URL(`/api/${method}`, base).toString(), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input ?? {}),
          credentials: 'same-origin',
        });
      } catch {
        throw new ApiError('IO', 'DeskVault is not reachable. Is `deskvault serve` still running?');
      }
      let body: { result?: unknown; error?: unknown };
      try {
        body = (await res.json()) as typeof body;
      } catch {
        throw new ApiError('INTERNAL', `DeskVault answered ${res.status} ${res.statusText} without a readable body.`);
      }
      if (body.error !== undefined) throw toApiError(body.error);
      if (!res.ok) throw new ApiError('INTERNAL', `DeskVault answered ${res.status} ${res.statusText}.`);
      return body.result as never;
    },
    subscribe(listener) {
      listeners.add(listener);
      if (source === null) openStream();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source !== null) {
          source.close();
          source = null;
        }
      };
    },
  };
}
