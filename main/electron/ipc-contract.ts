/**
 * The IPC contract between the window and the main process, generated from the API table: one
 * `invoke` channel per method (`deskvault:call:<method>`) and one channel for pushed events. Every
 * call answers an envelope, never a thrown error: `ipcRenderer.invoke` keeps only the message of a
 * thrown Error, so `{ code, message, data }` is serialised here explicitly and rebuilt by the preload.
 *
 * `handleIpcCall` is the whole IPC policy: sender check (own window, main frame, app origin), input
 * validated with the method's schema, then the call. The preload keeps its own copy of the two
 * channel names (it may import nothing from here); a unit test holds them equal.
 */
import { API_METHODS, isApiMethod, type ApiMethod } from '../core/api.js';
import { DeskVaultError, type ErrorCode } from '../core/errors.js';
import { isTrustedSender, type IpcSender } from './security-policy.js';

export const IPC_CALL_PREFIX = 'deskvault:call:';
export const IPC_EVENT_CHANNEL = 'deskvault:event';

export function channelFor(method: ApiMethod): string {
  return `${IPC_CALL_PREFIX}${method}`;
}

export interface SerializedError {
  code: string;
  message: string;
  data: Record<string, unknown>;
}

export type Envelope<T = unknown> = { ok: true; value: T } | { ok: false; error: SerializedError };

/** Any thrown value as `{ code, message, data }`; unknown errors are INTERNAL with their message. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof DeskVaultError) {
    const j = err.toJSON();
    return { code: j.code, message: j.message, data: JSON.parse(JSON.stringify(j.data ?? {})) as Record<string, unknown> };
  }
  if (err instanceof Error) return { code: 'INTERNAL', message: err.message || err.name, data: {} };
  return { code: 'INTERNAL', message: String(err), data: {} };
}

function failure(code: ErrorCode, message: string, data: Record<string, unknown> = {}): Envelope<never> {
  return { ok: false, error: { code, message, data } };
}

export type CallService = (method: ApiMethod, input: unknown) => Promise<Envelope>;

/**
 * Answers one IPC call. Order matters: an untrusted sender learns nothing (not even whether its
 * input was valid); invalid input never reaches the service. The service validates again (it
 * trusts no edge), so this check is about refusing early and naming the field, not about safety
 * alone.
 */
export async function handleIpcCall(method: string, sender: IpcSender, rawInput: unknown, callService: CallService): Promise<Envelope> {
  if (!isTrustedSender(sender)) return failure('ACCESS_DENIED', 'refused: IPC is answered only for the DeskVault window');
  if (!isApiMethod(method)) return failure('NOT_FOUND', `unknown API method ${method}`, { method });
  const parsed = API_METHODS[method].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'input';
    return failure('INVALID_INPUT', `${method}: ${where}: ${issue?.message ?? 'invalid'}`, { method, field: where });
  }
  try {
    // The raw input goes on: the service parses it again and records it as given in the audit trail.
    return await callService(method, rawInput ?? {});
  } catch (err) {
    return { ok: false, error: serializeError(err) };
  }
}
