/**
 * Which source the audit trail records for calls through the HTTP server: `cli` only for requests
 * shaped like the CLI's (Bearer token, `x-deskvault-source: cli`, no Origin or Sec-Fetch-Site);
 * everything else — the browser UI with its cookie, Origin or Sec-Fetch-Site, any other claimed
 * source — is `http`.
 * A real service behind a real server; `node:http` because fetch may not set Origin or Sec-Fetch-*.
 */
import * as http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieNameFor, startServer, type RunningServer } from '../../main/server/index.js';
import { FileKeyStore } from '../../main/service/keys/key-store.js';
import { DeskVaultService } from '../../main/service/index.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';

let svc: DeskVaultService;
let server: RunningServer;

beforeAll(async () => {
  const home = makeTempDir('dv-home-');
  svc = await DeskVaultService.start({ home, kind: 'test', keyStore: new FileKeyStore(home), noDefaultVault: true });
  server = await startServer({ api: svc.api, callWith: (s) => svc.apiFor(s), events: { subscribe: (l) => svc.on(l) } });
});

afterAll(async () => {
  await server?.close();
  await svc?.stop();
  removeTempDirs();
});

/** Makes one audited call (`jobs.resume`) with these headers; returns the source it was recorded under. */
function auditedSource(headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = '{}';
    const req = http.request(
      { host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/jobs.resume', agent: false, headers: { host: `127.0.0.1:${server.port}`, 'content-type': 'application/json', 'content-length': String(body.length), ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
          svc.api['audit.list']({ limit: 1 }).then((r) => resolve(r[0].source), reject);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('call source of requests through the server', () => {
  const bearer = (): Record<string, string> => ({ authorization: `Bearer ${server.token}` });
  const cookie = (): Record<string, string> => ({ cookie: `${cookieNameFor(server.port)}=${server.token}` });

  it('records the CLI as `cli`: Bearer token and the header, no browser headers', async () => {
    expect(await auditedSource({ ...bearer(), 'x-deskvault-source': 'cli' })).toBe('cli');
    // What Node's fetch (the CLI's client) adds by itself does not matter.
    expect(await auditedSource({ ...bearer(), 'x-deskvault-source': 'cli', 'sec-fetch-mode': 'cors', 'user-agent': 'node' })).toBe('cli');
  });

  it('records everything else as `http`', async () => {
    expect(await auditedSource(bearer())).toBe('http');
    // The browser UI: cookie, its own Origin and Sec-Fetch-* — whatever it claims.
    const origin = { origin: `http://127.0.0.1:${server.port}` };
    expect(await auditedSource({ ...cookie(), ...origin, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', 'x-deskvault-source': 'cli' })).toBe('http');
    expect(await auditedSource({ ...cookie(), 'x-deskvault-source': 'cli' })).toBe('http');
    expect(await auditedSource({ ...bearer(), ...origin, 'x-deskvault-source': 'cli' })).toBe('http');
    expect(await auditedSource({ ...bearer(), 'sec-fetch-site': 'same-origin', 'x-deskvault-source': 'cli' })).toBe('http');
    // Only `cli` is honoured: no request may claim the scheduler, the service itself or IPC.
    for (const claim of ['scheduler', 'service', 'ipc', 'CLI', 'cli, http']) expect(await auditedSource({ ...bearer(), 'x-deskvault-source': claim })).toBe('http');
  });
});
