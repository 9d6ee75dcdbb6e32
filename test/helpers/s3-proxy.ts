/**
 * An HTTP proxy in front of the S3 test server that answers as S3 does where s3rver cannot:
 * AccessDenied for chosen IAM actions, and faults chosen by a seeded sequence — 500 InternalError,
 * 503 SlowDown, a connection reset, or a response stalled past the client's timeout. It also answers
 * the two multipart housekeeping calls s3rver lacks (listing uploads, aborting one) the way S3 does
 * for a bucket with no upload in progress. Everything else is forwarded untouched, so bytes read back
 * still come from the real server.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'internal-error' | 'slow-down' | 'reset' | 'stall';

export interface S3Proxy {
  endpoint: string;
  /** Deny these IAM actions (e.g. 's3:PutObject'). */
  deny(...actions: string[]): void;
  allowAll(): void;
  /** Make `rate` of requests fail with one of `kinds`, chosen by a PRNG seeded with `seed`. */
  faults(opts: { seed: number; rate: number; kinds?: Fault[] } | null): void;
  injected: Record<Fault, number>;
  /** Requests forwarded, by IAM action (request counts for cost and caching tests). */
  requests: Record<string, number>;
  close(): Promise<void>;
}

/** The IAM action an S3 REST request needs (path-style requests: /bucket/key?query). */
export function actionOf(method: string, url: URL): string {
  const q = url.searchParams;
  const hasKey = url.pathname.split('/').filter(Boolean).length > 1;
  if (method === 'GET' && q.has('uploads')) return 's3:ListBucketMultipartUploads';
  if (method === 'GET' && !hasKey) return 's3:ListBucket';
  if (method === 'HEAD' && !hasKey) return 's3:ListBucket';
  if (method === 'GET' || method === 'HEAD') return 's3:GetObject';
  if (method === 'DELETE' && q.has('uploadId')) return 's3:AbortMultipartUpload';
  if (method === 'DELETE') return 's3:DeleteObject';
  return 's3:PutObject'; // PUT object/part, POST uploads / complete
}

function xmlError(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>DV-TEST</RequestId></Error>`;
}

export async function startS3Proxy(target: string): Promise<S3Proxy> {
  const upstream = new URL(target);
  const denied = new Set<string>();
  let faultOpts: { rate: number; kinds: Fault[] } | null = null;
  let state = 1;
  const rand = (): number => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const injected: Record<Fault, number> = { 'internal-error': 0, 'slow-down': 0, reset: 0, stall: 0 };
  const stalled = new Set<http.ServerResponse>();
  const requests: Record<string, number> = {};

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const action = actionOf(req.method ?? 'GET', url);
    if (denied.has(action)) {
      req.resume();
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end(xmlError('AccessDenied', 'Access Denied'));
      return;
    }
    if (faultOpts && rand() < faultOpts.rate) {
      const kind = faultOpts.kinds[Math.floor(rand() * faultOpts.kinds.length)];
      injected[kind]++;
      req.resume();
      if (kind === 'reset') return void req.socket.destroy();
      if (kind === 'stall') return void stalled.add(res); // never answered; the client times out
      res.writeHead(kind === 'slow-down' ? 503 : 500, { 'content-type': 'application/xml' });
      res.end(kind === 'slow-down' ? xmlError('SlowDown', 'Please reduce your request rate.') : xmlError('InternalError', 'We encountered an internal error. Please try again.'));
      return;
    }
    if (req.method === 'GET' && url.searchParams.has('uploads')) {
      req.resume();
      const bucket = url.pathname.split('/').filter(Boolean)[0] ?? '';
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${bucket}</Bucket><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>`);
      return;
    }
    if (req.method === 'DELETE' && url.searchParams.has('uploadId')) {
      req.resume();
      res.writeHead(204);
      res.end();
      return;
    }
    requests[action] = (requests[action] ?? 0) + 1;
    const fwd = http.request(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    deny: (...a) => a.forEach((x) => denied.add(x)),
    allowAll: () => denied.clear(),
    faults(o) {
      faultOpts = o ? { rate: o.rate, kinds: o.kinds ?? ['internal-error', 'slow-down', 'reset', 'stall'] } : null;
      state = (o?.seed ?? 1) >>> 0 || 1;
    },
    injected,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const r of stalled) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
