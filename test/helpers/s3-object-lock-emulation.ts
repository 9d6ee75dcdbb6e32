/**
 * S3 Object Lock for the test proxy (s3-proxy.ts), answering as real S3 does (AWS S3 user guide,
 * "Object Lock" and "Working with delete markers"):
 * - GetObjectLockConfiguration: `ObjectLockEnabled` for an enabled bucket, else 404
 *   ObjectLockConfigurationNotFoundError.
 * - PutObject / CreateMultipartUpload with `x-amz-object-lock-mode` + `-retain-until-date`: refused
 *   (400 InvalidRequest) on a bucket without Object Lock, or without Content-MD5 or an
 *   x-amz-checksum-* header; the date must be in the future.
 * - `?retention` GET/PUT: NoSuchKey for a missing object, 404 NoSuchObjectLockConfiguration when
 *   it has none; a PUT may only move the date later (COMPLIANCE never weakens, GOVERNANCE only with
 *   x-amz-bypass-governance-retention), else 403 AccessDenied.
 * - Buckets with Object Lock are versioned: a plain DELETE of a locked object *succeeds* (a delete
 *   marker: GET answers 404) and the locked version is kept; a DELETE naming a version under
 *   retention is 403 AccessDenied; overwriting a locked object keeps the old version too.
 * Versions are modelled only as far as the tests look: kept locked versions are listed by
 * `lockedVersions()`; a `versionId` always means the current version.
 */
import * as http from 'node:http';

export interface LockedVersion {
  bucket: string;
  key: string;
  bytes: Buffer;
  mode: string;
  until: Date;
  why: 'deleted' | 'overwritten';
}

interface Retention {
  mode: string;
  until: Date;
}

function xml(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/xml', ...headers });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
}

function error(res: http.ServerResponse, status: number, code: string, message: string): void {
  xml(res, status, `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>DV-TEST</RequestId></Error>`);
}

async function readAll(req: http.IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

function withoutFraming(h: http.IncomingHttpHeaders | undefined): http.IncomingHttpHeaders {
  const out = { ...(h ?? {}) };
  delete out['transfer-encoding'];
  delete out['content-length'];
  return out;
}

const hasDigest = (h: http.IncomingHttpHeaders): boolean => h['content-md5'] !== undefined || Object.keys(h).some((k) => k.startsWith('x-amz-checksum-') && k !== 'x-amz-checksum-algorithm');

/** Requests the emulation answers (or must see before they are forwarded). */
export function isLockRequest(req: http.IncomingMessage, url: URL, bucket: string, key: string, lock: ObjectLockEmulation): boolean {
  const q = url.searchParams;
  if (q.has('object-lock') || q.has('retention')) return true;
  if (!key || q.has('uploadId') || q.has('partNumber')) return false;
  if (req.method === 'POST' && q.has('uploads')) return req.headers['x-amz-object-lock-mode'] !== undefined;
  if (req.method === 'PUT') return lock.isEnabled(bucket) || req.headers['x-amz-object-lock-mode'] !== undefined;
  if (req.method === 'DELETE') return lock.isEnabled(bucket);
  return false;
}

export class ObjectLockEmulation {
  private readonly enabled = new Set<string>();
  private readonly current = new Map<string, Retention>();
  private readonly kept: LockedVersion[] = [];
  private readonly pendingUploads = new Map<string, Retention>();
  private offsetMs = 0;

  constructor(
    private readonly upstream: URL,
    private readonly isDenied: (action: string) => boolean,
  ) {}

  enable(bucket: string): void {
    this.enabled.add(bucket);
  }

  isEnabled(bucket: string): boolean {
    return this.enabled.has(bucket);
  }

  advanceClock(ms: number): void {
    this.offsetMs += ms;
  }

  retentionOf(bucket: string, key: string): Retention | null {
    return this.current.get(`${bucket}/${key}`) ?? null;
  }

  lockedVersions(): LockedVersion[] {
    return [...this.kept];
  }

  /** Lock headers on GET/HEAD of an object, as S3 sends them to a caller with GetObjectRetention. */
  responseHeaders(method: string, bucket: string, key: string): Record<string, string> {
    const r = key && (method === 'GET' || method === 'HEAD') && !this.isDenied('s3:GetObjectRetention') ? this.current.get(`${bucket}/${key}`) : undefined;
    return r ? { 'x-amz-object-lock-mode': r.mode, 'x-amz-object-lock-retain-until-date': r.until.toISOString() } : {};
  }

  uploadStarted(uploadId: string, headers: http.IncomingHttpHeaders): void {
    const r = this.headerRetention(headers);
    if (r) this.pendingUploads.set(uploadId, r);
  }

  uploadCompleted(uploadId: string, bucket: string, key: string): void {
    const r = this.pendingUploads.get(uploadId);
    this.pendingUploads.delete(uploadId);
    if (r) this.current.set(`${bucket}/${key}`, r);
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, bucket: string, key: string, forward: () => void): Promise<void> {
    const q = url.searchParams;
    if (q.has('object-lock')) return this.bucketConfig(req, res, bucket);
    if (q.has('retention')) return this.retention(req, res, bucket, key);
    if (req.method === 'POST' || (req.method === 'PUT' && req.headers['x-amz-object-lock-mode'] !== undefined)) {
      const refusal = this.checkLockHeaders(req.headers, bucket, req.method === 'PUT');
      if (refusal) {
        req.resume();
        return error(res, 400, refusal.code, refusal.message);
      }
    }
    if (req.method === 'POST') return forward();
    const id = `${bucket}/${key}`;
    const cur = this.current.get(id);
    const locked = !!cur && cur.until.getTime() > this.now();
    if (req.method === 'DELETE' && q.has('versionId') && locked) {
      req.resume();
      return error(res, 403, 'AccessDenied', 'Access Denied because object protected by object lock.');
    }
    // A delete or overwrite of a locked object leaves the locked version in place.
    if (locked) {
      const bytes = await this.upstreamCall('GET', bucket, key);
      if (bytes.status === 200) this.kept.push({ bucket, key, bytes: bytes.body, mode: cur.mode, until: cur.until, why: req.method === 'DELETE' ? 'deleted' : 'overwritten' });
    }
    if (req.method === 'DELETE') {
      req.resume();
      await this.upstreamCall('DELETE', bucket, key);
      this.current.delete(id);
      res.writeHead(204, locked || cur ? { 'x-amz-delete-marker': 'true' } : {});
      return void res.end();
    }
    // PUT: forward the body, then record the new version's retention (none without headers).
    const body = await readAll(req);
    const up = await this.upstreamCall('PUT', bucket, key, body, req.headers);
    if (up.status < 300) {
      const r = this.headerRetention(req.headers);
      if (r) this.current.set(id, r);
      else this.current.delete(id);
    }
    res.writeHead(up.status, up.headers);
    res.end(up.body);
  }

  /**
   * A copy of an object onto itself (a storage-class change, answered by the storage-class
   * emulation, which calls this first): in a bucket with Object Lock it is a new version, and S3
   * does not carry the source's retention over — the new version has the retention the request's
   * headers give (checked as on a PUT, but without a body there is no digest to require), or none;
   * the old version, if locked, is kept. Returns S3's refusal, or null when the copy may proceed.
   */
  async copiedOntoItself(bucket: string, key: string, headers: http.IncomingHttpHeaders): Promise<{ status: number; code: string; message: string } | null> {
    const withLock = headers['x-amz-object-lock-mode'] !== undefined;
    if (!this.enabled.has(bucket)) return withLock ? { status: 400, code: 'InvalidRequest', message: 'Bucket is missing Object Lock Configuration' } : null;
    if (withLock) {
      const refusal = this.checkLockHeaders(headers, bucket, false);
      if (refusal) return { status: 400, ...refusal };
    }
    const id = `${bucket}/${key}`;
    const cur = this.current.get(id);
    if (cur && cur.until.getTime() > this.now()) {
      const bytes = await this.upstreamCall('GET', bucket, key);
      if (bytes.status === 200) this.kept.push({ bucket, key, bytes: bytes.body, mode: cur.mode, until: cur.until, why: 'overwritten' });
    }
    const r = this.headerRetention(headers);
    if (r) this.current.set(id, r);
    else this.current.delete(id);
    return null;
  }

  private now(): number {
    return Date.now() + this.offsetMs;
  }

  private headerRetention(h: http.IncomingHttpHeaders): Retention | null {
    const mode = h['x-amz-object-lock-mode'];
    const until = h['x-amz-object-lock-retain-until-date'];
    return typeof mode === 'string' && typeof until === 'string' ? { mode, until: new Date(until) } : null;
  }

  private checkLockHeaders(h: http.IncomingHttpHeaders, bucket: string, withBody: boolean): { code: string; message: string } | null {
    const r = this.headerRetention(h);
    if (!r) return { code: 'InvalidRequest', message: 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied' };
    if (!this.enabled.has(bucket)) return { code: 'InvalidRequest', message: 'Bucket is missing Object Lock Configuration' };
    if (r.mode !== 'GOVERNANCE' && r.mode !== 'COMPLIANCE') return { code: 'InvalidArgument', message: 'Unknown wormMode directive.' };
    if (!(r.until.getTime() > this.now())) return { code: 'InvalidArgument', message: 'The retain until date must be in the future!' };
    if (withBody && !hasDigest(h)) return { code: 'InvalidRequest', message: 'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters' };
    return null;
  }

  private bucketConfig(req: http.IncomingMessage, res: http.ServerResponse, bucket: string): void {
    req.resume();
    if (req.method === 'PUT') {
      this.enabled.add(bucket);
      return void xml(res, 200, '');
    }
    if (!this.enabled.has(bucket)) return error(res, 404, 'ObjectLockConfigurationNotFoundError', 'Object Lock configuration does not exist for this bucket');
    xml(res, 200, '<ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>');
  }

  private async retention(req: http.IncomingMessage, res: http.ServerResponse, bucket: string, key: string): Promise<void> {
    const body = (await readAll(req)).toString();
    if (!this.enabled.has(bucket)) return error(res, 400, 'InvalidRequest', 'Bucket is missing Object Lock Configuration');
    if ((await this.upstreamCall('HEAD', bucket, key)).status !== 200) return error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    const id = `${bucket}/${key}`;
    const cur = this.current.get(id);
    if (req.method === 'GET') {
      if (!cur) return error(res, 404, 'NoSuchObjectLockConfiguration', 'The specified object does not have a ObjectLock configuration');
      return xml(res, 200, `<Retention xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Mode>${cur.mode}</Mode><RetainUntilDate>${cur.until.toISOString()}</RetainUntilDate></Retention>`);
    }
    if (!hasDigest(req.headers)) return error(res, 400, 'InvalidRequest', 'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters');
    const mode = /<Mode>([^<]+)<\/Mode>/.exec(body)?.[1];
    const untilText = /<RetainUntilDate>([^<]+)<\/RetainUntilDate>/.exec(body)?.[1];
    const until = untilText ? new Date(untilText) : null;
    if (!mode || !until || !(until.getTime() > this.now())) return error(res, 400, 'InvalidArgument', 'The retain until date must be in the future!');
    if (cur && cur.until.getTime() > this.now()) {
      const shorter = until.getTime() < cur.until.getTime();
      const bypass = req.headers['x-amz-bypass-governance-retention'] === 'true';
      if (cur.mode === 'COMPLIANCE' && (shorter || mode !== 'COMPLIANCE')) return error(res, 403, 'AccessDenied', 'Access Denied because object protected by object lock.');
      if (cur.mode === 'GOVERNANCE' && shorter && !bypass) return error(res, 403, 'AccessDenied', 'Access Denied because object protected by object lock.');
    }
    this.current.set(id, { mode, until });
    xml(res, 200, '');
  }

  /** One request to the real server, answered whole (objects in these tests are small). */
  private upstreamCall(method: string, bucket: string, key: string, body?: Buffer, headers?: http.IncomingHttpHeaders): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    const path = `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
    return new Promise((resolve, reject) => {
      const r = http.request(
        { hostname: this.upstream.hostname, port: this.upstream.port, method, path, headers: { ...withoutFraming(headers), host: this.upstream.host, ...(body ? { 'content-length': String(body.length) } : {}) } },
        (up) => {
          const parts: Buffer[] = [];
          up.on('data', (c: Buffer) => parts.push(c));
          up.on('end', () => resolve({ status: up.statusCode ?? 502, headers: up.headers, body: Buffer.concat(parts) }));
          up.on('error', reject);
        },
      );
      r.on('error', reject);
      r.end(body);
    });
  }
}
