/**
 * ObjectStore on Amazon S3 or an S3-compatible service, through the real AWS SDK v3 clients.
 * Large objects (packs) go up as multipart uploads (@aws-sdk/lib-storage, which aborts the upload if
 * it fails); only data packs use the configured storage class, everything else stays STANDARD so
 * metadata is always fast to read. Data packs move to the cold class by a copy onto themselves
 * (setStorageClass); listings report each object's class. The SDK's own retries are off: RetryStore is the one retry layer
 * for every store, so local and S3 vaults behave alike.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectRetentionCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { DeskVaultError } from '../../../core/errors.js';
import { assertValidKey, type ByteRange, type ObjectInfo, type ObjectStore, type StoreProperties } from '../object-store.js';
import { mapS3Error } from './s3-errors.js';
import { assertStorageClass, INSTANT_CLASSES, s3StoreProperties, type S3Location } from './s3-location.js';
import { S3Retention } from './s3-object-lock.js';

/** Objects above this go up in parts: 16 MiB packs then need one request, bigger ones several. */
export const MULTIPART_THRESHOLD = 32 * 1024 * 1024;
const PART_SIZE = 16 * 1024 * 1024;

export interface S3StoreOptions {
  /** A ready client (tests, custom set-ups); otherwise one is made from the location. */
  client?: S3Client;
  /** Extra client settings (e.g. credentials) merged into the one made from the location. */
  clientConfig?: Partial<S3ClientConfig>;
  /**
   * Object Lock for new objects: called once per put with the vault key; a result puts the object
   * with that retention (in the same request, with the x-amz-checksum-sha256 S3 then requires).
   */
  objectLock?: {
    retentionFor(key: string): { mode: 'GOVERNANCE' | 'COMPLIANCE'; until: Date } | null;
    /**
     * For a copy of an object onto itself (setStorageClass): the retention the new version must
     * carry, given the object's current one. S3 does not carry retention over to a copy, so the
     * copy restates it while it lasts (the old version keeps its own until it ends).
     */
    retentionForCopy?(key: string, current: { mode: 'GOVERNANCE' | 'COMPLIANCE'; until: Date } | null): { mode: 'GOVERNANCE' | 'COMPLIANCE'; until: Date } | null;
  };
}

/**
 * Time a request may take before it counts as stalled and is retried: 60 s covers a 16 MiB pack on
 * a slow uplink; DESKVAULT_S3_TIMEOUT_MS overrides it (tests use a short one).
 */
export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.DESKVAULT_S3_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : 60_000;
}

export function createS3Client(loc: S3Location, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    requestHandler: { requestTimeout: requestTimeoutMs(), connectionTimeout: 10_000 },
    region: loc.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(loc.endpoint ? { endpoint: loc.endpoint } : {}),
    ...(loc.pathStyle !== undefined ? { forcePathStyle: loc.pathStyle } : {}),
    credentials: fromNodeProviderChain(loc.profile ? { profile: loc.profile } : {}),
    maxAttempts: 1,
    ...extra,
  });
}

export class S3Store implements ObjectStore {
  readonly properties: StoreProperties;
  readonly client: S3Client;
  private readonly prefix: string;
  private readonly objectLock: S3StoreOptions['objectLock'];

  constructor(
    readonly location: S3Location,
    opts: S3StoreOptions = {},
  ) {
    this.client = opts.client ?? createS3Client(location, opts.clientConfig);
    this.objectLock = opts.objectLock;
    this.prefix = location.prefix ? `${location.prefix}/` : '';
    this.properties = s3StoreProperties(location);
  }

  /** The S3 key of a vault key (below the location's prefix). */
  keyOf(key: string): string {
    assertValidKey(key);
    return this.prefix + key;
  }

  async put(key: string, data: Buffer | readonly Buffer[]): Promise<void> {
    const Key = this.keyOf(key);
    // BlobWriter hands packs over as one buffer: no 16 MiB copy per pack here.
    const body = Buffer.isBuffer(data) ? data : data.length === 1 ? data[0] : Buffer.concat(data as Buffer[]);
    const StorageClass = key.startsWith('data/') ? this.location.storageClass : undefined;
    const lock = this.objectLock?.retentionFor(key) ?? null;
    try {
      if (body.length > MULTIPART_THRESHOLD) {
        const upload = new Upload({
          client: this.client,
          params: { Bucket: this.location.bucket, Key, Body: body, StorageClass },
          partSize: PART_SIZE,
          queueSize: 2,
          leavePartsOnError: false,
        });
        await upload.done();
        // Parts of an upload created with lock headers would each need a checksum on real S3; the
        // rare object this large (a huge folder listing) gets its retention right after instead.
        if (lock) {
          await this.client.send(new PutObjectRetentionCommand({ Bucket: this.location.bucket, Key, Retention: { Mode: lock.mode, RetainUntilDate: lock.until } }));
        }
      } else {
        const lockHeaders = lock ? { ObjectLockMode: lock.mode, ObjectLockRetainUntilDate: lock.until } : {};
        const command = new PutObjectCommand({ Bucket: this.location.bucket, Key, Body: body, StorageClass, ...lockHeaders });
        withSha256(command, body);
        await this.client.send(command);
      }
    } catch (err) {
      throw mapS3Error(err, { action: 's3:PutObject', key, location: this.properties.location });
    }
  }

  async get(key: string, range?: ByteRange, into?: Buffer): Promise<Buffer> {
    const Key = this.keyOf(key);
    if (range && range.length === 0) return Buffer.alloc(0);
    try {
      const r = await this.client.send(
        new GetObjectCommand({ Bucket: this.location.bucket, Key, ...(range ? { Range: `bytes=${range.offset}-${range.offset + range.length - 1}` } : {}) }),
      );
      const expected = range ? range.length : r.ContentLength;
      const buf = await readBody(r.Body as Readable, expected, into);
      if (range && buf.length !== range.length) {
        throw new DeskVaultError('INTEGRITY', `${key} is shorter than expected (wanted bytes ${range.offset}–${range.offset + range.length})`, { key });
      }
      return buf;
    } catch (err) {
      if (isInvalidRange(err)) {
        throw new DeskVaultError('INTEGRITY', `${key} is shorter than expected (wanted bytes ${range!.offset}–${range!.offset + range!.length})`, { key });
      }
      throw mapS3Error(err, { action: 's3:GetObject', key, location: this.properties.location });
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.location.bucket, Key: this.keyOf(key) }));
      return { key, size: r.ContentLength ?? 0 };
    } catch (err) {
      const mapped = mapS3Error(err, { action: 's3:GetObject', key, location: this.properties.location });
      if (mapped instanceof DeskVaultError && mapped.code === 'NOT_FOUND') return null;
      throw mapped;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    let ContinuationToken: string | undefined;
    do {
      let r;
      try {
        r = await this.client.send(new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: this.prefix + prefix, ContinuationToken }));
      } catch (err) {
        throw mapS3Error(err, { action: 's3:ListBucket', key: prefix, location: this.properties.location });
      }
      for (const o of r.Contents ?? []) {
        if (!o.Key) continue;
        const key = o.Key.slice(this.prefix.length);
        if (key.split('/').some((part) => part.startsWith('.'))) continue;
        yield { key, size: o.Size ?? 0, storageClass: o.StorageClass ?? 'STANDARD' };
      }
      ContinuationToken = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  /**
   * Moves an object to another storage class in place: CopyObject onto itself with `StorageClass`
   * and `MetadataDirective: COPY` — S3's way (there is no other call), done server-side, so no
   * byte passes through this machine. Idempotent: real S3 accepts a self-copy that names a storage
   * class even when the class does not change. The copy needs s3:GetObject (it reads the object)
   * and s3:PutObject (it writes it); on AccessDenied a HEAD tells which one is missing.
   *
   * Object Lock: the bucket is versioned, so the copy is a new version, and S3 does not copy the
   * source's retention to it; in a locked vault the copy restates the current retention (asked
   * with GetObjectRetention), so what the vault's points need stays locked. The old version keeps
   * its own retention and is billed in its class until it ends (docs/vault-format.md).
   */
  async setStorageClass(key: string, storageClass: string): Promise<void> {
    assertStorageClass(storageClass, INSTANT_CLASSES, { key, location: this.properties.location });
    const Key = this.keyOf(key);
    let lock: { mode: 'GOVERNANCE' | 'COMPLIANCE'; until: Date } | null = null;
    if (this.objectLock?.retentionForCopy) lock = this.objectLock.retentionForCopy(key, await new S3Retention(this).get(key));
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.location.bucket,
          Key,
          CopySource: `${this.location.bucket}/${Key.split('/').map(encodeURIComponent).join('/')}`,
          StorageClass: storageClass as SdkStorageClass,
          MetadataDirective: 'COPY',
          ...(lock ? { ObjectLockMode: lock.mode, ObjectLockRetainUntilDate: lock.until } : {}),
        }),
      );
    } catch (err) {
      const mapped = mapS3Error(err, { action: 's3:PutObject', key, location: this.properties.location });
      if (!(mapped instanceof DeskVaultError) || mapped.code !== 'ACCESS_DENIED' || !mapped.data.permission) throw mapped;
      throw await this.copyDenied(key, storageClass, lock !== null, mapped);
    }
  }

  /** Which right a refused self-copy lacked: s3:GetObject if a HEAD is refused too, else the write. */
  private async copyDenied(key: string, storageClass: string, locked: boolean, denied: DeskVaultError): Promise<DeskVaultError> {
    const readable = await this.head(key).then(
      () => true,
      (e: unknown) => !(e instanceof DeskVaultError && e.code === 'ACCESS_DENIED'),
    );
    const permission = readable ? 's3:PutObject' : 's3:GetObject';
    const also = readable && locked ? ' (or s3:PutObjectRetention, which a copy of an object under Object Lock also needs)' : '';
    return new DeskVaultError(
      'ACCESS_DENIED',
      `access denied: the AWS credentials in use lack ${permission}${also} on ${this.properties.location}, which moving ${key} to ${storageClass} needs (S3 changes a storage class by copying the object onto itself: s3:GetObject to read it, s3:PutObject to write it)`,
      { ...denied.data, permission },
      { cause: denied },
    );
  }

  /**
   * The S3 analogue of unfinished writes: multipart uploads a killed process never completed or
   * aborted (their parts are billed). Those older than `olderThanMs` are aborted; a service that
   * cannot list uploads (some S3-compatible ones) is left alone.
   */
  async cleanTemporaryFiles(olderThanMs: number, now = Date.now()): Promise<number> {
    let aborted = 0;
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    try {
      do {
        const r = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.location.bucket, Prefix: this.prefix, KeyMarker, UploadIdMarker }));
        for (const u of r.Uploads ?? []) {
          if (!u.Key || !u.UploadId || (u.Initiated && now - u.Initiated.getTime() < olderThanMs)) continue;
          await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.location.bucket, Key: u.Key, UploadId: u.UploadId }));
          aborted++;
        }
        KeyMarker = r.IsTruncated ? r.NextKeyMarker : undefined;
        UploadIdMarker = r.IsTruncated ? r.NextUploadIdMarker : undefined;
      } while (KeyMarker);
    } catch (err) {
      const mapped = mapS3Error(err, { action: 's3:ListBucketMultipartUploads', key: this.prefix, location: this.properties.location });
      if (mapped instanceof DeskVaultError && mapped.data.retryable === false) return aborted;
      throw mapped;
    }
    return aborted;
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.location.bucket, Key: this.keyOf(key) }));
    } catch (err) {
      const mapped = mapS3Error(err, { action: 's3:DeleteObject', key, location: this.properties.location });
      if (mapped instanceof DeskVaultError && mapped.code === 'NOT_FOUND') return;
      throw mapped;
    }
  }
}

async function readBody(body: Readable, expected: number | undefined, into?: Buffer): Promise<Buffer> {
  if (expected !== undefined && into && into.length >= expected) {
    let pos = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (pos + chunk.length > into.length) throw new DeskVaultError('INTEGRITY', 'the object is longer than its announced size', {});
      chunk.copy(into, pos);
      pos += chunk.length;
    }
    return into.subarray(0, pos);
  }
  const parts: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts);
}

/**
 * Upload integrity with one hash pass. The body's SHA-256 is computed once (OpenSSL, ~1.5 GB/s)
 * and sent twice:
 * - as `x-amz-checksum-sha256` (base64): S3 recomputes it and refuses a body damaged on the way
 *   (BadDigest, retried by RetryStore); it is also the digest S3 requires on a put with Object Lock
 *   headers (Content-MD5 or an x-amz-checksum-* header), and S3 keeps it with the object;
 * - as `x-amz-content-sha256` (hex), the payload hash SigV4 signs: the signer takes a hash already
 *   in that header instead of hashing the body again, and the service checks the body against it
 *   (XAmzContentSHA256Mismatch, retried) — also on S3-compatible services that ignore flexible
 *   checksums.
 * This replaced Content-MD5, which cost a second pass over every pack (~1.2 s of the one thread per
 * GiB here) on top of the signer's SHA-256; with a checksum header present the SDK's default
 * flexible checksum (CRC32, computed in JavaScript on Node 20) is skipped too.
 */
function withSha256(command: PutObjectCommand, body: Buffer): void {
  const digest = createHash('sha256').update(body).digest();
  command.input.ChecksumSHA256 = digest.toString('base64');
  command.middlewareStack.add(
    (next) => async (args) => {
      const req = args.request as { headers?: Record<string, string> };
      if (req.headers) req.headers['x-amz-content-sha256'] = digest.toString('hex');
      return next(args);
    },
    { step: 'build', name: 'deskvaultPayloadSha256' },
  );
}

/** The SDK's storage-class type (a string union); callers pass a class assertStorageClass accepted. */
type SdkStorageClass = NonNullable<ConstructorParameters<typeof CopyObjectCommand>[0]['StorageClass']>;

function isInvalidRange(err: unknown): boolean {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'InvalidRange' || e?.Code === 'InvalidRange' || e?.$metadata?.httpStatusCode === 416;
}
