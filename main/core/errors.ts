/**
 * Typed errors that cross process boundaries (CLI, IPC, HTTP). Every error has a stable `code`,
 * a JSON-safe `data` payload and `toJSON`, so an edge can serialise it without losing meaning.
 * One table (ERROR_TABLE) maps each code to the CLI exit code and the HTTP status; the message is
 * the one clear sentence a person reads.
 */

export const ERROR_TABLE = {
  USAGE: { exit: 2, http: 400 },
  INVALID_INPUT: { exit: 2, http: 400 },
  PASSWORD_REQUIRED: { exit: 2, http: 401 },
  WRONG_PASSWORD: { exit: 1, http: 403 },
  VAULT_EXISTS: { exit: 1, http: 409 },
  ALREADY_EXISTS: { exit: 1, http: 409 },
  VAULT_NOT_FOUND: { exit: 1, http: 404 },
  VAULT_TOO_NEW: { exit: 1, http: 409 },
  VAULT_LOCKED: { exit: 1, http: 423 },
  /** An object is under S3 Object Lock retention until a date (not another process: waiting for it does not help). */
  OBJECT_LOCKED: { exit: 1, http: 423 },
  NOT_FOUND: { exit: 1, http: 404 },
  AMBIGUOUS: { exit: 2, http: 400 },
  ACCESS_DENIED: { exit: 1, http: 403 },
  NO_SPACE: { exit: 1, http: 507 },
  INTEGRITY: { exit: 1, http: 500 },
  UNSAFE_PATH: { exit: 1, http: 400 },
  CHECK_FAILED: { exit: 1, http: 500 },
  IO: { exit: 1, http: 500 },
  CANCELLED: { exit: 130, http: 499 },
  INTERNAL: { exit: 1, http: 500 },
} as const;

export type ErrorCode = keyof typeof ERROR_TABLE;

export type ErrorData = Record<string, string | number | boolean | null | string[] | undefined>;

export class DeskVaultError extends Error {
  readonly code: ErrorCode;
  readonly data: ErrorData;

  constructor(code: ErrorCode, message: string, data: ErrorData = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeskVaultError';
    this.code = code;
    this.data = data;
  }

  toJSON(): { code: ErrorCode; message: string; data: ErrorData } {
    return { code: this.code, message: this.message, data: this.data };
  }
}

export function isDeskVaultError(err: unknown, code?: ErrorCode): err is DeskVaultError {
  return err instanceof DeskVaultError && (code === undefined || err.code === code);
}

export function exitCodeFor(err: unknown): number {
  return err instanceof DeskVaultError ? ERROR_TABLE[err.code].exit : 1;
}

export function httpStatusFor(err: unknown): number {
  return err instanceof DeskVaultError ? ERROR_TABLE[err.code].http : 500;
}
