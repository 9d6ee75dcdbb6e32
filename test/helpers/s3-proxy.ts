/**
 * An HTTP proxy in front of the S3 test server that answers as S3 does where s3rver cannot:
 * AccessDenied for chosen IAM actions, and faults chosen by a seeded sequence — 500 InternalError,
 * 503 SlowDown, a connection reset, or a response stalled past the client's timeout. It also answers
 * the two multipart housekeeping calls s3rver lacks, as S3 does: it remembers the uploads started
 * through it (CreateMultipartUpload answers) until they complete or are aborted, lists them
 * (ListMultipartUploads) and aborts them (AbortMultipartUpload). Everything else is forwarded
 * untouched, so bytes read back still come from the real server.
 *
 * S3 Object Lock, which neither s3rver nor fauxqs implements, is emulated here with real S3's
 * semantics (test/helpers/s3-object-lock-emulation.ts has the rules): bucket configuration,
 * retention headers on PutObject and CreateMultipartUpload, `?retention`, and versioned deletes —
 * a plain DELETE of a locked object succeeds with a delete marker while the locked version stays.
 *
 * Storage classes, which the peers do not keep (s3rver lists every object as STANDARD and refuses
 * a copy onto itself; fauxqs ignores the class), are answered here too
 * (test/helpers/s3-storage-class-emulation.ts): the class of PUTs, CopyObject onto itself to change
 * it, `x-amz-storage-class` on HEAD/GET and `StorageClass` in listings.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ObjectLockEmulation, isLockRequest, type LockedVersion } from './s3-object-lock-emulation.js';
import { StorageClassEmulation } from './s3-storage-class-emulation.js';

export type Fault = 'internal-error' | 'slow-down' | 'reset' | 'stall';

export interface S3Proxy {
  endpoint: string;
  /** Deny these IAM actions (e.g. 's3:PutObject'). */
  deny(...actions: string[]): void;
  allowAll(): void;
  /** Make `rate` of requests fail with one of `kinds`, chosen by a PRNG seeded with `seed`. */
  faults(opts: { seed: number; rate: number; kinds?: Fault[] } | null): void;
  injected: Record<Fault, number>;
  /** Multipart uploads started through the proxy and neither completed nor aborted. */
  uploadsInProgress(): { key: string; uploadId: string }[];
  /** Records uploads as started this much earlier (an upload left by a process killed long ago). */
  ageUploads(ms: number): void;
  /** Requests forwarded, by IAM action (request counts for cost and caching tests). */
  requests: Record<string, number>;
  /** Object Lock: enable it on a bucket (as at creation: it cannot be switched off again). */
  enableObjectLock(bucket: string): void;
  /** Current retention of an object, or null. */
  retentionOf(bucket: string, key: string): { mode: string; until: Date } | null;
  /** Noncurrent versions kept because they were locked when deleted or overwritten. */
  lockedVersions(): LockedVersion[];
  /** Moves the emulated S3 clock (retention expiry) forward. */
  advanceClock(ms: number): void;
  /** Storage classes as S3 keeps them (the peers do not): read or set an object's class, count copies. */
  storageClasses: Pick<StorageClassEmulation, 'classOf' | 'setClass' | 'copies'>;
  close(): Promise<void>;
}

/** The IAM action an S3 REST request needs (path-style requests: /bucket/key?query). */
export function actionOf(method: string, url: URL): string {
  const q = url.searchParams;
  const hasKey = url.pathname.split('/').filter(Boolean).length > 1;
  if (q.has('object-lock')) return method === 'GET' ? 's3:GetBucketObjectLockConfiguration' : 's3:PutBucketObjectLockConfiguration';
  if (q.has('retention')) return method === 'GET' ? 's3:GetObjectRetention' : 's3:PutObjectRetention';
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
  /** Uploads in progress: uploadId → { bucket, key, initiated }. */
  const uploads = new Map<string, { bucket: string; key: string; initiated: Date }>();

  const lock = new ObjectLockEmulation(upstream, (a) => denied.has(a));
  const classes = new StorageClassEmulation(upstream, (a) => denied.has(a));

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const action = actionOf(req.method ?? 'GET', url);
    // Putting an object with retention needs s3:PutObjectRetention as well as s3:PutObject.
    const lockHeaders = req.headers['x-amz-object-lock-mode'] !== undefined && denied.has('s3:PutObjectRetention');
    if (denied.has(action) || lockHeaders) {
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
    const [bucket = '', ...keyParts] = url.pathname.split('/').filter(Boolean);
    const objectKey = decodeURIComponent(keyParts.join('/'));
    if (req.method === 'GET' && url.searchParams.has('uploads')) {
      req.resume();
      const prefix = url.searchParams.get('prefix') ?? '';
      const list = [...uploads].filter(([, u]) => u.bucket === bucket && u.key.startsWith(prefix));
      const items = list.map(([id, u]) => `<Upload><Key>${u.key}</Key><UploadId>${id}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated></Upload>`).join('');
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${bucket}</Bucket><IsTruncated>false</IsTruncated>${items}</ListMultipartUploadsResult>`);
      return;
    }
    if (req.method === 'DELETE' && url.searchParams.has('uploadId')) {
      req.resume();
      uploads.delete(url.searchParams.get('uploadId')!);
      res.writeHead(204);
      res.end();
      return;
    }
    const started = req.method === 'POST' && url.searchParams.has('uploads');
    const completing = req.method === 'POST' && url.searchParams.has('uploadId') ? url.searchParams.get('uploadId') : null;
    requests[action] = (requests[action] ?? 0) + 1;
    if (classes.isSelfCopy(req, bucket, objectKey)) {
      void classes.handleSelfCopy(req, res, bucket, objectKey, lock).catch(() => res.destroy());
      return;
    }
    const badClass = classes.beforeForward(req, url, bucket, objectKey);
    const archived = classes.readRefusal(req.method ?? 'GET', bucket, objectKey);
    if (badClass || archived) {
      req.resume();
      res.writeHead(archived ? 403 : 400, { 'content-type': 'application/xml' });
      res.end(xmlError((badClass ?? archived)!.code, (badClass ?? archived)!.message));
      return;
    }
    if (isLockRequest(req, url, bucket, objectKey, lock)) {
      void lock.handle(req, res, url, bucket, objectKey, forward).catch(() => res.destroy());
      return;
    }
    forward();
    function forward(): void {
    const fwd = http.request(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (up) => {
        if (completing && (up.statusCode ?? 500) < 300) {
          uploads.delete(completing);
          lock.uploadCompleted(completing, bucket, objectKey);
        }
        if (started && (up.statusCode ?? 500) < 300) {
          // Remember the upload (its id is in the XML answer), then pass the answer on.
          const chunks: Buffer[] = [];
          up.on('data', (c: Buffer) => chunks.push(c));
          up.on('end', () => {
            const body = Buffer.concat(chunks);
            const id = /<UploadId>([^<]+)<\/UploadId>/.exec(body.toString())?.[1];
            if (id) uploads.set(id, { bucket, key: objectKey, initiated: new Date() });
            if (id) lock.uploadStarted(id, req.headers);
            res.writeHead(up.statusCode ?? 200, { ...up.headers, 'content-length': String(body.length) });
            res.end(body);
          });
          return;
        }
        if ((up.statusCode ?? 500) < 300 && classes.isListing(req.method ?? 'GET', url, objectKey)) {
          // A listing names each key's class: rewritten from what the emulation knows.
          const chunks: Buffer[] = [];
          up.on('data', (c: Buffer) => chunks.push(c));
          up.on('end', () => {
            const body = Buffer.from(classes.rewriteListing(bucket, Buffer.concat(chunks).toString('utf8')));
            res.writeHead(up.statusCode ?? 200, { ...up.headers, 'content-length': String(body.length) });
            res.end(body);
          });
          return;
        }
        const method = req.method ?? 'GET';
        res.writeHead(up.statusCode ?? 502, { ...up.headers, ...lock.responseHeaders(method, bucket, objectKey), ...((up.statusCode ?? 500) < 300 ? classes.responseHeaders(method, bucket, objectKey) : {}) });
        up.pipe(res);
      },
    );
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
    }
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
    enableObjectLock: (b) => lock.enable(b),
    retentionOf: (b, k) => lock.retentionOf(b, k),
    lockedVersions: () => lock.lockedVersions(),
    advanceClock: (ms) => lock.advanceClock(ms),
    storageClasses: classes,
    uploadsInProgress: () => [...uploads].map(([uploadId, u]) => ({ key: u.key, uploadId })),
    ageUploads: (ms) => {
      for (const u of uploads.values()) u.initiated = new Date(u.initiated.getTime() - ms);
    },
    close: () =>
      new Promise((resolve) => {
        for (const r of stalled) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
