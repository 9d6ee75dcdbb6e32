/**
 * The Hono application behind `startServer`: security headers on every response, the request
 * guard (Host → Origin → token exchange → auth, see request-guard.ts), the generated /api routes,
 * then the built UI. Kept apart from the listening socket so its order of checks reads in one place.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import type { DeskVaultApi } from '../core/api.js';
import { DeskVaultError } from '../core/errors.js';
import { apiRoutes } from './api-routes.js';
import { errorResponse, type ServerLog } from './error-response.js';
import type { ApiEventSource } from './event-stream.js';
import { isApiPath } from './http-refusal.js';
import { requestGuard } from './request-guard.js';
import { serveStaticFile } from './static-files.js';

/** Starts from nothing allowed; the built UI loads only its own scripts, styles, fonts and API. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export interface AppOptions {
  api: DeskVaultApi;
  /** The API bound to call source `cli`, for requests the CLI made (call-source.ts). */
  cliApi?: DeskVaultApi;
  events: ApiEventSource;
  port: number;
  token: string;
  staticDir?: string;
  /** Aborted when the server closes: ends open event streams. */
  shutdown: AbortSignal;
  log: ServerLog;
}

export function createApp(options: AppOptions): Hono {
  const app = new Hono();
  app.use('*', securityHeaders);
  app.use('*', requestGuard({ port: options.port, token: options.token }));
  app.route('/api', apiRoutes(options));
  app.on(['GET', 'HEAD'], '*', async (c) => (await serveStaticFile(c, options.staticDir)) ?? c.notFound());

  app.notFound((c) => {
    if (isApiPath(c.req.path)) return errorResponse(c, new DeskVaultError('NOT_FOUND', `Nothing at ${c.req.method} ${c.req.path}.`), options.log);
    return c.text('Not found.', 404);
  });
  app.onError((err, c) => errorResponse(c, err, options.log));
  return app;
}

const securityHeaders: MiddlewareHandler = async (c, next) => {
  c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('X-Frame-Options', 'DENY');
  c.header('Cross-Origin-Opener-Policy', 'same-origin');
  c.header('Cross-Origin-Resource-Policy', 'same-origin');
  if (isApiPath(c.req.path)) c.header('Cache-Control', 'no-store');
  await next();
};
