/**
 * Transport-level refusals: conditions the HTTP edge raises before the service is reached (no
 * token, a foreign Host, an oversized body, a wrong HTTP method). They are not DeskVaultError
 * codes because the service never raises them; their body has the same `{ error: { code, message,
 * data } }` shape as mapped DeskVaultErrors, so a client reads every failure the same way. Pages
 * (non-/api paths) get a short HTML sentence instead of JSON.
 */
import type { Context } from 'hono';
import { escapeHtml } from './escape-html.js';

export const HTTP_REFUSALS = {
  UNAUTHORIZED: 401,
  METHOD_NOT_ALLOWED: 405,
  TOO_LARGE: 413,
  MISDIRECTED: 421,
} as const;

export type HttpRefusal = keyof typeof HTTP_REFUSALS;

export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

export function refuse(c: Context, code: HttpRefusal, message: string): Response {
  const status = HTTP_REFUSALS[code];
  if (code === 'UNAUTHORIZED') c.header('WWW-Authenticate', 'Bearer realm="deskvault"');
  c.header('Cache-Control', 'no-store');
  if (isApiPath(c.req.path)) return c.json({ error: { code, message, data: {} } }, status);
  return c.html(`<!doctype html><meta charset="utf-8"><title>DeskVault</title><p>${escapeHtml(message)}</p>\n`, status);
}
