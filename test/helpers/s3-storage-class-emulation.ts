/**
 * S3 storage classes for the test proxy (s3-proxy.ts), answering as real S3 does where the test
 * peers do not (what each peer does is in the README's S3 section and test/contracts/s3-storage-class.test.ts):
 * s3rver refuses a copy of an object onto itself unless the metadata is replaced, knows no
 * GLACIER_IR, and lists every object as STANDARD; fauxqs accepts the copy but ignores the class.
 *
 * Modelled (AWS S3 API reference, PutObject / CopyObject / ListObjectsV2 / HeadObject):
 * - PutObject and CreateMultipartUpload with `x-amz-storage-class`: the object's class (the header
 *   is taken off before forwarding, so every class works whatever the peer knows); an unknown
 *   class is 400 InvalidStorageClass. Without the header an object is STANDARD.
 * - CopyObject onto itself (`x-amz-copy-source` naming the same bucket and key): legal when it
 *   names a storage class — AWS accepts it even when the class does not change (reported in
 *   minio/minio#9357) — or replaces the metadata; otherwise 400 InvalidRequest "This copy request
 *   is illegal …". It needs s3:GetObject on the source as well as s3:PutObject (403 AccessDenied).
 *   A missing source is 404 NoSuchKey; a source in GLACIER or DEEP_ARCHIVE is 403
 *   InvalidObjectState (it must be restored first). The bytes do not change (nothing is forwarded:
 *   the upstream keeps them), and in a bucket with Object Lock the copy is a new version whose
 *   retention only the request's headers give (s3-object-lock-emulation.ts).
 * - HeadObject / GetObject: `x-amz-storage-class` for every class but STANDARD (S3 omits it then);
 *   a GET of an object in GLACIER or DEEP_ARCHIVE is 403 InvalidObjectState (HEAD still answers).
 * - ListObjectsV2: each key's `StorageClass`.
 * - DeleteObject: the class goes with the object.
 */
import * as http from 'node:http';
import type { ObjectLockEmulation } from './s3-object-lock-emulation.js';

const KNOWN = new Set(['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'GLACIER_IR', 'OUTPOSTS', 'SNOW', 'EXPRESS_ONEZONE']);
const ARCHIVE = new Set(['GLACIER', 'DEEP_ARCHIVE']);

function error(res: http.ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>DV-TEST</RequestId></Error>`);
}

/** The bucket and key a copy source names (`bucket/key` or `/bucket/key`, URL-encoded). */
export function parseCopySource(header: string): { bucket: string; key: string; versionId: string | null } {
  const [path, query = ''] = header.split('?');
  const decoded = decodeURIComponent(path).replace(/^\//, '');
  const slash = decoded.indexOf('/');
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId: new URLSearchParams(query).get('versionId') };
}

export class StorageClassEmulation {
  /** bucket/key → class, for objects whose class is not STANDARD. */
  private readonly classes = new Map<string, string>();
  /** Copies onto themselves answered, by class (tests check what was asked). */
  readonly copies: Record<string, number> = {};

  constructor(
    private readonly upstream: URL,
    private readonly isDenied: (action: string) => boolean,
  ) {}

  classOf(bucket: string, key: string): string {
    return this.classes.get(`${bucket}/${key}`) ?? 'STANDARD';
  }

  /** Sets an object's class directly, as a bucket lifecycle rule would (e.g. to GLACIER). */
  setClass(bucket: string, key: string, storageClass: string): void {
    if (storageClass === 'STANDARD') this.classes.delete(`${bucket}/${key}`);
    else this.classes.set(`${bucket}/${key}`, storageClass);
  }

  isSelfCopy(req: http.IncomingMessage, bucket: string, key: string): boolean {
    const src = req.headers['x-amz-copy-source'];
    if (req.method !== 'PUT' || typeof src !== 'string' || !key) return false;
    const s = parseCopySource(src);
    return s.bucket === bucket && s.key === key && s.versionId === null;
  }

  /**
   * Before a request is forwarded: records the class a PUT or CreateMultipartUpload sets (taking
   * the header off, so the peer stores the bytes whatever classes it knows), forgets the class of
   * a deleted object. Returns S3's refusal of an unknown class, or null.
   */
  beforeForward(req: http.IncomingMessage, url: URL, bucket: string, key: string): { code: string; message: string } | null {
    if (!key || url.searchParams.has('uploadId')) return null;
    const id = `${bucket}/${key}`;
    if (req.method === 'DELETE') this.classes.delete(id);
    const creating = (req.method === 'PUT' && req.headers['x-amz-copy-source'] === undefined) || (req.method === 'POST' && url.searchParams.has('uploads'));
    if (!creating) return null;
    const cls = req.headers['x-amz-storage-class'];
    delete req.headers['x-amz-storage-class'];
    if (typeof cls === 'string' && !KNOWN.has(cls)) return { code: 'InvalidStorageClass', message: 'The storage class you specified is not valid' };
    this.setClass(bucket, key, typeof cls === 'string' ? cls : 'STANDARD');
    return null;
  }

  /** Answers a CopyObject onto itself as S3 does (see the module comment). */
  async handleSelfCopy(req: http.IncomingMessage, res: http.ServerResponse, bucket: string, key: string, lock: ObjectLockEmulation): Promise<void> {
    req.resume();
    if (this.isDenied('s3:GetObject')) return error(res, 403, 'AccessDenied', 'Access Denied');
    const cls = req.headers['x-amz-storage-class'];
    const replace = req.headers['x-amz-metadata-directive'] === 'REPLACE';
    if (typeof cls !== 'string' && !replace) {
      return error(res, 400, 'InvalidRequest', "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
    }
    if (typeof cls === 'string' && !KNOWN.has(cls)) return error(res, 400, 'InvalidStorageClass', 'The storage class you specified is not valid');
    const head = await this.upstreamHead(bucket, key);
    if (head.status === 404) return error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
    if (ARCHIVE.has(this.classOf(bucket, key))) return error(res, 403, 'InvalidObjectState', "The operation is not valid for the object's storage class");
    const refusal = await lock.copiedOntoItself(bucket, key, req.headers);
    if (refusal) return error(res, refusal.status, refusal.code, refusal.message);
    const to = typeof cls === 'string' ? cls : 'STANDARD'; // a copy without the header is STANDARD
    this.setClass(bucket, key, to);
    this.copies[to] = (this.copies[to] ?? 0) + 1;
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><ETag>${head.etag}</ETag><LastModified>${new Date().toISOString()}</LastModified></CopyObjectResult>`,
    );
  }

  /** S3's refusal to read an object in an archive class that was not restored, or null. */
  readRefusal(method: string, bucket: string, key: string): { code: string; message: string } | null {
    if (method !== 'GET' || !key || !ARCHIVE.has(this.classOf(bucket, key))) return null;
    return { code: 'InvalidObjectState', message: "The operation is not valid for the object's storage class" };
  }

  /** Headers to add to a GET or HEAD of an object. */
  responseHeaders(method: string, bucket: string, key: string): Record<string, string> {
    if (!key || (method !== 'GET' && method !== 'HEAD')) return {};
    const cls = this.classOf(bucket, key);
    return cls === 'STANDARD' ? {} : { 'x-amz-storage-class': cls };
  }

  /** Whether a response must be rewritten: a bucket listing. */
  isListing(method: string, url: URL, key: string): boolean {
    return method === 'GET' && !key && !url.searchParams.has('uploads') && !url.searchParams.has('object-lock') && !url.searchParams.has('location');
  }

  /** A listing with each key's class (the peer says STANDARD for every one). */
  rewriteListing(bucket: string, xml: string): string {
    return xml.replace(/<Contents>([\s\S]*?)<\/Contents>/g, (whole, inner: string) => {
      const key = unescapeXml(/<Key>([\s\S]*?)<\/Key>/.exec(inner)?.[1] ?? '');
      const cls = this.classOf(bucket, key);
      const body = /<StorageClass>[^<]*<\/StorageClass>/.test(inner)
        ? inner.replace(/<StorageClass>[^<]*<\/StorageClass>/, `<StorageClass>${cls}</StorageClass>`)
        : `${inner}<StorageClass>${cls}</StorageClass>`;
      return `<Contents>${body}</Contents>`;
    });
  }

  private upstreamHead(bucket: string, key: string): Promise<{ status: number; etag: string }> {
    const path = `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
    return new Promise((resolve, reject) => {
      const r = http.request({ hostname: this.upstream.hostname, port: this.upstream.port, method: 'HEAD', path, headers: { host: this.upstream.host } }, (up) => {
        up.resume();
        up.on('end', () => resolve({ status: up.statusCode ?? 502, etag: String(up.headers.etag ?? '""') }));
      });
      r.on('error', reject);
      r.end();
    });
  }
}

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
