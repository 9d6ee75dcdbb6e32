/**
 * Maps what an API call threw to a response: a DeskVaultError gets its status from the one
 * ERROR_TABLE (`httpStatusFor`) and its own `toJSON()` as the body; anything else is a bug or an
 * unexpected failure and answers 500 with a fixed sentence — the message, stack and cause go to the
 * server's log only, never to the client.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DeskVaultError, httpStatusFor } from '../core/errors.js';

export type ServerLog = (message: string, err?: unknown) => void;

export function errorResponse(c: Context, err: unknown, log: ServerLog): Response {
  c.header('Cache-Control', 'no-store');
  if (err instanceof DeskVaultError) {
    return c.json({ error: err.toJSON() }, httpStatusFor(err) as ContentfulStatusCode);
  }
  log(`unexpected error in ${c.req.method} ${c.req.path}`, err);
  return c.json({ error: { code: 'INTERNAL', message: 'The DeskVault service failed unexpectedly; see its log.', data: {} } }, 500);
}
