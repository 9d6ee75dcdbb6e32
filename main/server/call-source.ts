/**
 * The call source a request is audited under. Everything through this edge is `http`, except a
 * request that names itself `x-deskvault-source: cli` and is shaped like the CLI's client
 * (main/cli/service-client.ts): it authenticated with the Bearer token, and carries neither of the
 * headers every current browser adds on its own — `Origin` on a POST, `Sec-Fetch-Site` — which a
 * page can neither set nor remove. So the browser UI (cookie, Origin) is always `http`, whatever it
 * sends, and the header's only other values are ignored: no request can claim `scheduler`,
 * `service` or `ipc`. (The audit source is a record of which front door was used; whoever holds
 * the token could act through either door anyway.)
 */
import type { Context } from 'hono';
import type { CallSource } from '../core/api.js';
import { bearerToken } from './request-guard.js';
import { tokenMatches } from './token.js';

export const SOURCE_HEADER = 'x-deskvault-source';

export function callSourceOf(c: Context, token: string): Extract<CallSource, 'cli' | 'http'> {
  if (c.req.header(SOURCE_HEADER) !== 'cli') return 'http';
  // Node's fetch (the CLI) sends Sec-Fetch-Mode too; only browsers send Sec-Fetch-Site and Origin.
  const fromBrowser = c.req.header('origin') !== undefined || c.req.header('sec-fetch-site') !== undefined;
  return !fromBrowser && tokenMatches(bearerToken(c), token) ? 'cli' : 'http';
}
