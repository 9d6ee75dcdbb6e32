/**
 * The error every client call rejects with: the service's `{ code, message, data }` (see
 * main/core/errors.ts), whichever way it travelled. `toApiError` accepts what the transports
 * deliver — an HTTP error body, a DeskVaultError (in-process or cloned through IPC: an Error with
 * `code` and `data`), Electron's "Error invoking remote method 'x': Error: msg" wrapping, or a
 * network failure — and keeps the one sentence a person should read.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly data: Record<string, unknown>;

  constructor(code: string, message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.data = data;
  }
}

const ELECTRON_PREFIX = /^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/;

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; message?: unknown; data?: unknown };
    const message = typeof e.message === 'string' ? e.message.replace(ELECTRON_PREFIX, '') : String(err);
    const code = typeof e.code === 'string' ? e.code : 'INTERNAL';
    const data = typeof e.data === 'object' && e.data !== null ? (e.data as Record<string, unknown>) : {};
    return new ApiError(code, message, data);
  }
  return new ApiError('INTERNAL', String(err));
}
