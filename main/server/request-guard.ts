/**
 * The security checks every request passes, in this order (the first failure answers):
 *
 * 1. Host must be exactly `127.0.0.1:PORT` or `localhost:PORT` — else 421. A DNS-rebinding page
 *    reaches us under its own host name, so this is what keeps a foreign site from talking to the
 *    API through the person's browser.
 * 2. For state-changing requests (anything but GET/HEAD) and for everything under /api/: an Origin,
 *    if present, must be `http://127.0.0.1:PORT` or `http://localhost:PORT`, and
 *    `Sec-Fetch-Site: cross-site` is refused — else 403 (ACCESS_DENIED). Other loopback ports are
 *    the *same site* for cookies, so SameSite alone does not stop a page served by another local
 *    program; the Origin check does.
 * 3. Token exchange: a non-API GET/HEAD with `?token=` sets the session cookie and 302-redirects to
 *    the same URL without `token` when it matches (so it leaves the address bar and history), and
 *    answers 401 when it does not.
 * 4. Auth: `Authorization: Bearer TOKEN` (scripts, the CLI) or the cookie (the browser: EventSource
 *    and WebSocket cannot send headers), compared in constant time — else 401.
 *
 * The cookie is named after the port because cookies are not port-scoped: two servers on the same
 * loopback address must not overwrite each other's token. It is HttpOnly and SameSite=Strict, and
 * not Secure because the server speaks plain HTTP on loopback.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { DeskVaultError } from '../core/errors.js';
import { isApiPath, refuse } from './http-refusal.js';
import { tokenMatches } from './token.js';

export interface GuardOptions {
  port: number;
  token: string;
}

export function cookieNameFor(port: number): string {
  return `deskvault_token_${port}`;
}

export function requestGuard({ port, token }: GuardOptions): MiddlewareHandler {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const cookieName = cookieNameFor(port);

  return async (c, next) => {
    const host = c.req.header('host')?.toLowerCase();
    if (host === undefined || !hosts.has(host)) {
      return refuse(c, 'MISDIRECTED', 'This server answers only to 127.0.0.1 and localhost on its own port.');
    }

    const method = c.req.method;
    const safeMethod = method === 'GET' || method === 'HEAD';
    if (!safeMethod || isApiPath(c.req.path)) {
      const origin = c.req.header('origin');
      if ((origin !== undefined && !origins.has(origin)) || c.req.header('sec-fetch-site') === 'cross-site') {
        throw new DeskVaultError('ACCESS_DENIED', 'Requests from other sites are refused.');
      }
    }

    const url = new URL(c.req.url);
    if (safeMethod && !isApiPath(c.req.path) && url.searchParams.has('token')) {
      if (!tokenMatches(url.searchParams.get('token'), token)) {
        return refuse(c, 'UNAUTHORIZED', 'This link has a wrong or outdated token. Open the link printed by `deskvault serve`.');
      }
      setCookie(c, cookieName, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      url.searchParams.delete('token');
      c.header('Cache-Control', 'no-store');
      // A path-only Location, with leading slashes collapsed: `//evil.example` would otherwise be a
      // protocol-relative URL, and the redirect an open one.
      return c.redirect(`/${url.pathname.replace(/^\/+/, '')}${url.search}`, 302);
    }

    if (!tokenMatches(bearerToken(c), token) && !tokenMatches(getCookie(c, cookieName), token)) {
      return refuse(c, 'UNAUTHORIZED', 'A token is required. Open the link printed by `deskvault serve`, or send `Authorization: Bearer TOKEN`.');
    }
    await next();
  };
}

/** The token of an `Authorization: Bearer` header, if any (not yet compared). */
export function bearerToken(c: Context): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  return match?.[1];
}
