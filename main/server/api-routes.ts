/**
 * The /api routes, generated from the one API_METHODS table (no route is written by hand):
 *
 * - `POST /api/<method>` with a JSON body (an empty body means `{}`), parsed by the method's zod
 *   schema; `{ result }` on success. Invalid JSON or input → 400 INVALID_INPUT with `data.issues`
 *   ("field.path: problem") and `data.fields` (the dotted paths). An unknown method → 404
 *   NOT_FOUND; another HTTP verb on a known method → 405.
 * - `GET /api/events` → the event stream (event-stream.ts).
 * - `GET /api/health` → `{ ok: true }`, behind the token like everything else: whoever needs it
 *   (the CLI, a script, the UI) has the token, and an open endpoint would only tell other local
 *   pages and programs that DeskVault is listening.
 *
 * A body must be `application/json` when present: an HTML form or a "simple" cross-origin fetch
 * cannot send that type without a CORS preflight, which this server never grants — one more wall
 * behind the Origin check. Bodies over 1 MiB are refused with 413 while they are read (bodyLimit
 * counts bytes when there is no Content-Length, and refuses a larger declared length up front).
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { API_METHODS, isApiMethod, type ApiMethod, type DeskVaultApi } from '../core/api.js';
import { DeskVaultError } from '../core/errors.js';
import { callSourceOf } from './call-source.js';
import { eventStream, type ApiEventSource } from './event-stream.js';
import { refuse } from './http-refusal.js';

export const MAX_API_BODY_BYTES = 1024 * 1024;

export interface ApiRoutesOptions {
  api: DeskVaultApi;
  /** The API bound to source `cli`, for requests the CLI made (call-source.ts); absent: all go to `api`. */
  cliApi?: DeskVaultApi;
  /** The server's token: a `cli` request must have authenticated with it as Bearer. */
  token: string;
  events: ApiEventSource;
  shutdown: AbortSignal;
}

export function apiRoutes({ api, cliApi, token, events, shutdown }: ApiRoutesOptions): Hono {
  const routes = new Hono();
  routes.use('*', bodyLimit({ maxSize: MAX_API_BODY_BYTES, onError: (c) => refuse(c, 'TOO_LARGE', `A request body may be at most ${MAX_API_BODY_BYTES} bytes.`) }));

  routes.get('/health', (c) => c.json({ ok: true }));
  routes.get('/events', (c) => eventStream(c, events, shutdown));

  routes.post('/:method', async (c) => {
    const name = c.req.param('method');
    if (!isApiMethod(name)) throw unknownMethod(name);
    const raw = await c.req.text();
    if (raw.trim() !== '' && !/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
      throw new DeskVaultError('INVALID_INPUT', 'Send the input as JSON with Content-Type: application/json.', { method: name });
    }
    const input = parseInput(name, raw);
    const target = cliApi && callSourceOf(c, token) === 'cli' ? cliApi : api;
    const call = target[name] as (input: unknown) => Promise<unknown>;
    const result = await call.call(target, input);
    return c.json({ result });
  });

  routes.all('/:method', (c) => {
    const name = c.req.param('method');
    if (!isApiMethod(name)) throw unknownMethod(name);
    c.header('Allow', 'POST');
    return refuse(c, 'METHOD_NOT_ALLOWED', `Call ${name} with POST and a JSON body.`);
  });
  return routes;
}

/** Parses a request body with the method's schema: the one validation at this edge. */
export function parseInput(name: ApiMethod, raw: string): unknown {
  let json: unknown;
  try {
    json = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch {
    throw new DeskVaultError('INVALID_INPUT', `The body of ${name} is not valid JSON.`, { method: name });
  }
  const parsed = (API_METHODS[name].input as z.ZodType).safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issuePath(issue) || '(input)'}: ${issue.message}`);
  const fields = [...new Set(parsed.error.issues.flatMap(issueFields))];
  throw new DeskVaultError('INVALID_INPUT', `Invalid input for ${name}: ${issues.join('; ')}`, { method: name, issues, fields });
}

function issuePath(issue: z.core.$ZodIssue): string {
  return issue.path.map(String).join('.');
}

/** The fields an issue is about; for an unrecognised key, the key itself. */
function issueFields(issue: z.core.$ZodIssue): string[] {
  const base = issuePath(issue);
  if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => (base === '' ? k : `${base}.${k}`));
  return base === '' ? [] : [base];
}

function unknownMethod(name: string): DeskVaultError {
  return new DeskVaultError('NOT_FOUND', `There is no API method "${name}".`, { method: name });
}
