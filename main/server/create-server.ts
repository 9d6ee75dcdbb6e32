/**
 * `startServer`: the headless API server behind `deskvault serve` — JSON over HTTP under /api/,
 * events over SSE, and the built UI — bound to 127.0.0.1 only, guarded by a random per-start token
 * (request-guard.ts). The promise resolves once the socket accepts connections, so the caller may
 * print `serveBanner(url)` as its first line of stdout right then.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { CallSource, DeskVaultApi } from '../core/api.js';
import { DeskVaultError } from '../core/errors.js';
import { createApp } from './create-app.js';
import type { ServerLog } from './error-response.js';
import type { ApiEventSource } from './event-stream.js';
import { createToken, isValidToken } from './token.js';

export interface StartServerOptions {
  /** The service API. Calls are made through `callWith('http')` instead when that is given. */
  api: DeskVaultApi;
  /**
   * The service bound to a call source, for its audit trail: mutating calls through this edge are
   * recorded with source `http`, or `cli` for the CLI's own requests (call-source.ts). Optional so
   * a plain DeskVaultApi (or a test stub) suffices.
   */
  callWith?: (source: CallSource) => DeskVaultApi;
  events: ApiEventSource;
  /** Default 0: any free port. */
  port?: number;
  /** Default: 32 random bytes, base64url. A given token must match /^[A-Za-z0-9_-]{16,256}$/. */
  token?: string;
  /** The built UI; optional and may not exist (yet): `/` then answers a placeholder page. */
  staticDir?: string;
  /** Unexpected errors (answered as a generic 500) are reported here. Default: stderr. */
  log?: ServerLog;
}

export interface RunningServer {
  /** `http://127.0.0.1:PORT/?token=TOKEN` — opening it exchanges the token for a cookie. */
  url: string;
  port: number;
  token: string;
  /** The bound socket address (always 127.0.0.1, IPv4). */
  address: AddressInfo;
  /** Stops listening, ends open event streams and waits for in-flight requests. Idempotent. */
  close(): Promise<void>;
}

/** Loopback only: the server is never reachable from another machine. */
export const SERVER_HOST = '127.0.0.1';

/** The exact first line `deskvault serve` prints on stdout. */
export function serveBanner(url: string): string {
  return `DeskVault UI: ${url}`;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new DeskVaultError('USAGE', `The port must be a whole number from 0 to 65535, not ${requestedPort}.`);
  }
  const token = options.token ?? createToken();
  if (!isValidToken(token)) throw new DeskVaultError('USAGE', 'The token must be 16–256 letters, digits, "-" or "_".');
  const api = options.callWith ? options.callWith('http') : options.api;
  const cliApi = options.callWith ? options.callWith('cli') : undefined;
  const log = options.log ?? defaultLog;
  const shutdown = new AbortController();

  // The app needs the real port (for the Host and Origin checks), known only once listening; no
  // request can arrive before then.
  let handler: ((request: Request, env: unknown) => Response | Promise<Response>) | null = null;
  const server = createAdaptorServer({
    fetch: (request, env) => (handler ? handler(request, env) : new Response(null, { status: 503 })),
    overrideGlobalObjects: false,
  }) as Server;
  await listen(server, requestedPort);
  const address = server.address() as AddressInfo;
  const port = address.port;
  const app = createApp({ api, cliApi, events: options.events, port, token, staticDir: options.staticDir, shutdown: shutdown.signal, log });
  handler = (request, env) => app.fetch(request, env);

  let closing: Promise<void> | null = null;
  return {
    url: `http://${SERVER_HOST}:${port}/?token=${token}`,
    port,
    token,
    address,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        shutdown.abort();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new DeskVaultError('USAGE', `Port ${port} is already in use; choose another with --port, or 0 for any free one.`, { port }));
      else reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, SERVER_HOST);
  });
}

function defaultLog(message: string, err?: unknown): void {
  process.stderr.write(`deskvault serve: ${message}${err === undefined ? '' : `\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}`}\n`);
}
