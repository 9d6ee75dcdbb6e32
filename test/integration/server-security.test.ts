/**
 * The headless server's security contract (main/server/README.md), over real HTTP on loopback:
 * token, cookie exchange, Host and Origin checks, body limit, input validation, error mapping,
 * the event stream and the static UI. `node:http` is used rather than fetch because fetch forbids
 * setting Host, Origin and Sec-Fetch-Site.
 *
 * The `api` here is a TEST SERVICE STUB (a few methods of DeskVaultApi with fixed answers, the rest
 * throwing); tests against the real service come with it.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, type ApiEventName, type ApiEvents, type ApiParsedInput, type DeskVaultApi } from '../../main/core/api.js';
import { DeskVaultError } from '../../main/core/errors.js';
import type { Job, ServiceStatus } from '../../main/core/model.js';
import { CONTENT_SECURITY_POLICY, cookieNameFor, serveBanner, startServer, type ApiEventListener, type RunningServer } from '../../main/server/index.js';

const FIXED_STATUS: ServiceStatus = { state: 'PROTECTED', paused: false, pausedUntil: null, lastBackupAt: null, runningJobs: 0, percent: null, folders: [], warnings: [] };

/** TEST SERVICE STUB: `status.get`, `plans.get`, `jobs.list` and `vaults.list` answer; the rest throw. */
function createTestServiceStub(): { api: DeskVaultApi; jobsListInputs: unknown[] } {
  const jobsListInputs: unknown[] = [];
  const api = Object.fromEntries(
    Object.keys(API_METHODS).map((name) => [name, () => Promise.reject(new Error(`test service stub: ${name} is not implemented`))]),
  ) as unknown as DeskVaultApi;
  api['status.get'] = async () => FIXED_STATUS;
  api['plans.get'] = async ({ name }) => {
    throw new DeskVaultError('NOT_FOUND', `There is no plan "${name}".`, { plan: name });
  };
  api['jobs.list'] = async (input) => {
    jobsListInputs.push(input);
    return [];
  };
  api['vaults.list'] = async () => {
    throw new Error('secret detail: /home/someone/.deskvault/keys');
  };
  return { api, jobsListInputs };
}

/** A minimal in-test event source: what `startServer` subscribes to. */
function createTestEvents(): { subscribe(l: ApiEventListener): () => void; emit<E extends ApiEventName>(name: E, data: ApiEvents[E]): void; listeners: Set<ApiEventListener> } {
  const listeners = new Set<ApiEventListener>();
  return {
    listeners,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(name, data) {
      for (const l of listeners) l(name, data);
    },
  };
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

interface Call {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send the body with chunked encoding (no Content-Length), in pieces of this size. */
  chunked?: number;
}

function send(server: RunningServer, call: Call): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `127.0.0.1:${server.port}`, ...call.headers };
    if (call.body !== undefined && !call.chunked) headers['content-length'] = String(Buffer.byteLength(call.body));
    const req = http.request({ host: '127.0.0.1', port: server.port, method: call.method ?? 'GET', path: call.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    // The server may answer (413) and close before a large body is fully written.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    if (call.body !== undefined && call.chunked) {
      const body = Buffer.from(call.body);
      for (let i = 0; i < body.length; i += call.chunked) req.write(body.subarray(i, i + call.chunked));
    } else if (call.body !== undefined) req.write(call.body);
    req.end();
  });
}

const bearer = (server: RunningServer): Record<string, string> => ({ authorization: `Bearer ${server.token}` });

function post(server: RunningServer, method: string, input: unknown, headers: Record<string, string> = bearer(server)): Promise<Reply> {
  return send(server, { method: 'POST', path: `/api/${method}`, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(input) });
}

let server: RunningServer;
let stub: ReturnType<typeof createTestServiceStub>;
const logged: string[] = [];

beforeAll(async () => {
  stub = createTestServiceStub();
  server = await startServer({ api: stub.api, events: createTestEvents(), log: (message, err) => logged.push(`${message} ${String(err)}`) });
});
afterAll(async () => {
  await server?.close();
});

describe('binding and token', () => {
  it('binds 127.0.0.1 only, on a free port, with a fresh base64url token and the banner URL', () => {
    expect(server.address.address).toBe('127.0.0.1');
    expect(server.address.family).toBe('IPv4');
    expect(server.port).toBeGreaterThan(0);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(serveBanner(server.url)).toBe(`DeskVault UI: http://127.0.0.1:${server.port}/?token=${server.token}`);
  });

  it('refuses a request without the token with 401, for the API and for pages', async () => {
    const api = await post(server, 'status.get', {}, {});
    expect(api.status).toBe(401);
    expect(api.json().error.code).toBe('UNAUTHORIZED');
    expect(api.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await send(server, { path: '/api/health' })).status).toBe(401);
    expect((await send(server, { path: '/api/events' })).status).toBe(401);
    expect((await send(server, { path: '/' })).status).toBe(401);
  });

  it('answers with a Bearer token', async () => {
    const reply = await post(server, 'status.get', {});
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({ result: FIXED_STATUS });
    const health = await send(server, { path: '/api/health', headers: bearer(server) });
    expect(health.status).toBe(200);
    expect(health.json()).toEqual({ ok: true });
  });

  it('refuses a wrong token, as Bearer, cookie or URL, with 401 and no cookie', async () => {
    const wrong = 'A'.repeat(43);
    expect((await post(server, 'status.get', {}, { authorization: `Bearer ${wrong}` })).status).toBe(401);
    expect((await post(server, 'status.get', {}, { cookie: `${cookieNameFor(server.port)}=${wrong}` })).status).toBe(401);
    const page = await send(server, { path: `/?token=${wrong}` });
    expect(page.status).toBe(401);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['set-cookie']).toBeUndefined();
  });

  it('exchanges ?token= for an HttpOnly SameSite=Strict cookie and drops it from the URL', async () => {
    const exchange = await send(server, { path: `/?view=jobs&token=${server.token}` });
    expect(exchange.status).toBe(302);
    expect(exchange.headers.location).toBe('/?view=jobs');
    const cookie = exchange.headers['set-cookie']?.[0] ?? '';
    expect(cookie).toMatch(new RegExp(`^${cookieNameFor(server.port)}=${server.token};`));
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Secure/);

    const pair = cookie.split(';')[0]!;
    const page = await send(server, { path: '/?view=jobs', headers: { cookie: pair } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('not built yet');
    expect(page.text).toContain('POST /api/status.get');
    const api = await post(server, 'status.get', {}, { cookie: pair, origin: `http://127.0.0.1:${server.port}` });
    expect(api.status).toBe(200);
  });

  it('never redirects off the server: a //host path becomes a plain path', async () => {
    const exchange = await send(server, { path: `//evil.example/x?token=${server.token}` });
    expect(exchange.status).toBe(302);
    expect(exchange.headers.location).toBe('/evil.example/x');
  });
});

describe('Host and Origin', () => {
  it('refuses a foreign Host with 421, even with the token', async () => {
    const reply = await send(server, { path: '/api/health', headers: { ...bearer(server), host: `evil.example:${server.port}` } });
    expect(reply.status).toBe(421);
    const other = await send(server, { path: '/api/health', headers: { ...bearer(server), host: `127.0.0.1:${server.port + 1}` } });
    expect(other.status).toBe(421);
  });

  it('accepts localhost:PORT as Host', async () => {
    const reply = await send(server, { path: '/api/health', headers: { ...bearer(server), host: `localhost:${server.port}` } });
    expect(reply.status).toBe(200);
  });

  it('refuses a state-changing request with a foreign Origin or from a cross site with 403', async () => {
    const foreign = await post(server, 'status.get', {}, { ...bearer(server), origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.json().error.code).toBe('ACCESS_DENIED');
    const otherPort = await post(server, 'status.get', {}, { ...bearer(server), origin: `http://127.0.0.1:${server.port + 1}` });
    expect(otherPort.status).toBe(403);
    const crossSite = await post(server, 'status.get', {}, { ...bearer(server), 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const own = await post(server, 'status.get', {}, { ...bearer(server), origin: `http://localhost:${server.port}`, 'sec-fetch-site': 'same-origin' });
    expect(own.status).toBe(200);
  });
});

describe('input and errors', () => {
  it('refuses a 2 MiB body with 413, with or without Content-Length', async () => {
    const big = JSON.stringify({ limit: 1, pad: 'x'.repeat(2 * 1024 * 1024) });
    const declared = await send(server, { method: 'POST', path: '/api/jobs.list', headers: { ...bearer(server), 'content-type': 'application/json' }, body: big });
    expect(declared.status).toBe(413);
    const chunked = await send(server, { method: 'POST', path: '/api/jobs.list', headers: { ...bearer(server), 'content-type': 'application/json' }, body: big, chunked: 64 * 1024 });
    expect(chunked.status).toBe(413);
    expect(chunked.json().error.code).toBe('TOO_LARGE');
    expect(stub.jobsListInputs).toEqual([]);
  });

  it('answers invalid input with 400 INVALID_INPUT naming the field', async () => {
    const reply = await post(server, 'plans.get', { name: 'no/slashes' });
    expect(reply.status).toBe(400);
    const { error } = reply.json();
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.data.fields).toEqual(['name']);
    expect(error.data.issues[0]).toMatch(/^name: /);
    expect(error.message).toContain('name');

    const extra = (await post(server, 'status.get', { surprise: 1 })).json().error;
    expect(extra.code).toBe('INVALID_INPUT');
    expect(extra.data.fields).toEqual(['surprise']);
  });

  it('answers a body that is not JSON, or not sent as JSON, with 400', async () => {
    const broken = await send(server, { method: 'POST', path: '/api/status.get', headers: { ...bearer(server), 'content-type': 'application/json' }, body: '{' });
    expect(broken.status).toBe(400);
    expect(broken.json().error.code).toBe('INVALID_INPUT');
    const formType = await send(server, { method: 'POST', path: '/api/status.get', headers: { ...bearer(server), 'content-type': 'text/plain' }, body: '{}' });
    expect(formType.status).toBe(400);
  });

  it('passes the parsed input (defaults applied) to the service; an empty body means {}', async () => {
    const reply = await send(server, { method: 'POST', path: '/api/jobs.list', headers: bearer(server) });
    expect(reply.status).toBe(200);
    expect(reply.json()).toEqual({ result: [] });
    expect(stub.jobsListInputs.at(-1)).toEqual({ limit: 50 } satisfies ApiParsedInput<'jobs.list'>);
  });

  it('answers an unknown method with 404 and a known one called with GET with 405', async () => {
    const unknown = await post(server, 'vaults.format', {});
    expect(unknown.status).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
    expect((await send(server, { path: '/api/nothing/here', headers: bearer(server) })).status).toBe(404);
    const wrongVerb = await send(server, { path: '/api/status.get', headers: bearer(server) });
    expect(wrongVerb.status).toBe(405);
    expect(wrongVerb.headers.allow).toBe('POST');
  });

  it('maps a DeskVaultError through ERROR_TABLE: NOT_FOUND → 404 with its toJSON body', async () => {
    const reply = await post(server, 'plans.get', { name: 'Documents' });
    expect(reply.status).toBe(404);
    expect(reply.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'There is no plan "Documents".', data: { plan: 'Documents' } } });
  });

  it('answers any other error with a generic 500 and keeps the detail in the log', async () => {
    const reply = await post(server, 'vaults.list', {});
    expect(reply.status).toBe(500);
    expect(reply.json().error.code).toBe('INTERNAL');
    expect(reply.text).not.toContain('secret detail');
    expect(reply.text).not.toContain('at ');
    expect(logged.join('\n')).toContain('secret detail');
  });

  it('sets the security headers on every response, and no-store on the API', async () => {
    const replies = [
      await post(server, 'status.get', {}),
      await send(server, { path: '/api/health' }),
      await send(server, { path: '/', headers: { host: 'evil.example' } }),
      await send(server, { path: '/', headers: bearer(server) }),
    ];
    for (const reply of replies) {
      expect(reply.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['referrer-policy']).toBe('no-referrer');
    }
    expect(CONTENT_SECURITY_POLICY.startsWith("default-src 'none'")).toBe(true);
    expect(replies[0]!.headers['cache-control']).toBe('no-store');
    expect(replies[1]!.headers['cache-control']).toBe('no-store');
  });
});

describe('event stream', () => {
  it('delivers pushed events as SSE and ends the stream and subscription on close', async () => {
    const events = createTestEvents();
    const own = await startServer({ api: createTestServiceStub().api, events });
    const job = { id: 'job-1', kind: 'BACKUP', state: 'RUNNING' } as Job;

    const received: string[] = [];
    let onChunk = (): void => {};
    const ended = new Promise<void>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: own.port, path: '/api/events', headers: { host: `127.0.0.1:${own.port}`, ...bearer(own) }, agent: false }, (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          received.push(chunk);
          onChunk();
        });
        res.on('end', resolve);
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    const waitFor = (text: string): Promise<void> =>
      new Promise((resolve) => {
        onChunk = () => received.join('').includes(text) && resolve();
        onChunk();
      });

    await waitFor(': connected');
    expect(events.listeners.size).toBe(1);
    events.emit('job', job);
    events.emit('notification', { type: 'BACKUP_COMPLETED', time: '2025-01-01T00:00:00.000Z', message: 'two\nlines' });
    await waitFor('event: notification');
    const stream = received.join('');
    expect(stream).toContain(`event: job\ndata: ${JSON.stringify(job)}\n\n`);
    expect(stream).toContain('"message":"two\\nlines"');

    await own.close();
    await ended;
    expect(events.listeners.size).toBe(0);
  });

  it('unsubscribes when the client disconnects', async () => {
    const events = createTestEvents();
    const own = await startServer({ api: createTestServiceStub().api, events });
    const unsubscribed = new Promise<void>((resolve) => {
      const subscribe = events.subscribe.bind(events);
      events.subscribe = (listener) => {
        const off = subscribe(listener);
        return () => {
          off();
          resolve();
        };
      };
    });
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: own.port, path: '/api/events', headers: { host: `127.0.0.1:${own.port}`, ...bearer(own) }, agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
      req.end();
    });
    await unsubscribed;
    expect(events.listeners.size).toBe(0);
    await own.close();
  });
});

describe('static UI', () => {
  let work: string;
  let ui: RunningServer;

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'dv-server-'));
    const dist = path.join(work, 'dist');
    fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>DeskVault UI</title>');
    fs.writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log("ui")');
    fs.writeFileSync(path.join(work, 'secret.txt'), 'outside the UI');
    fs.symlinkSync(path.join(work, 'secret.txt'), path.join(dist, 'assets', 'link.txt'));
    ui = await startServer({ api: createTestServiceStub().api, events: createTestEvents(), staticDir: dist });
  });
  afterAll(async () => {
    await ui?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('serves index.html for / and assets under it, behind the token', async () => {
    expect((await send(ui, { path: '/' })).status).toBe(401);
    const index = await send(ui, { path: '/', headers: bearer(ui) });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.text).toContain('DeskVault UI');
    const js = await send(ui, { path: '/assets/app.js', headers: bearer(ui) });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('never serves a file outside staticDir', async () => {
    for (const p of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/..%5csecret.txt', '/assets/link.txt', '/nothing.js']) {
      const reply = await send(ui, { path: p, headers: bearer(ui) });
      expect(reply.status, p).toBe(404);
      expect(reply.text, p).not.toContain('outside the UI');
    }
  });
});
