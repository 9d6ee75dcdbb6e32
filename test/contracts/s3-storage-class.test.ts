/**
 * Storage classes on S3: what the two test peers do with them (so the README can say which peer
 * proves what), then S3Store.setStorageClass — the copy onto itself that moves a data pack to the
 * cold class — against the proxy that answers as S3 does where the peers do not
 * (test/helpers/s3-storage-class-emulation.ts), with the real AWS SDK throughout: the class in
 * listings and HEAD, bytes unchanged, idempotence, refusals, the missing right named, and Object
 * Lock retention restated on the copy.
 */
import { randomBytes } from 'node:crypto';
import { CopyObjectCommand, CreateBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startFauxqs } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VaultLock } from '../../main/engine/repo/object-lock.js';
import { LocalStore } from '../../main/engine/storage/local-store.js';
import type { ObjectStore } from '../../main/engine/storage/object-store.js';
import { RetryStore } from '../../main/engine/storage/retry-store.js';
import { parseS3Location } from '../../main/engine/storage/s3/s3-location.js';
import { S3Store } from '../../main/engine/storage/s3/s3-store.js';
import { openStore } from '../../main/service/location.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';
import { startS3Proxy, type S3Proxy } from '../helpers/s3-proxy.js';
import { S3_CREDENTIALS, startS3Server, type S3TestServer } from '../helpers/s3-server.js';

let s3: S3TestServer;
let proxy: S3Proxy;
let viaProxy: S3Client;
let n = 0;
const savedEnv = { ...process.env };

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket('classes');
  await s3.createBucket('locked');
  proxy = await startS3Proxy(s3.endpoint);
  proxy.enableObjectLock('locked');
  viaProxy = new S3Client({ endpoint: proxy.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS, requestChecksumCalculation: 'WHEN_REQUIRED', maxAttempts: 1 });
  Object.assign(process.env, s3.env);
});
afterAll(async () => {
  process.env = savedEnv;
  viaProxy?.destroy();
  await proxy?.close();
  await s3?.close();
  removeTempDirs();
});

const pack = (): string => `data/${randomBytes(1).toString('hex')}/${randomBytes(32).toString('hex')}`;
const store = (client: S3Client, bucket = 'classes', prefix = `p${++n}`): S3Store => new S3Store({ bucket, prefix }, { client });

async function listedClasses(s: S3Store, prefix = ''): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for await (const o of s.list(prefix)) out[o.key] = o.storageClass;
  return out;
}

describe('what the peers do with storage classes', () => {
  it('s3rver keeps the class a PUT gives for HEAD, lists every object as STANDARD, knows no GLACIER_IR, and refuses a copy onto itself that keeps the metadata', async () => {
    const c = s3.client;
    await c.send(new PutObjectCommand({ Bucket: 'classes', Key: 'peer/ia', Body: 'x', StorageClass: 'STANDARD_IA' }));
    expect((await c.send(new HeadObjectCommand({ Bucket: 'classes', Key: 'peer/ia' }))).StorageClass).toBe('STANDARD_IA');
    const listed = await c.send(new ListObjectsV2Command({ Bucket: 'classes', Prefix: 'peer/' }));
    expect(listed.Contents?.map((o) => o.StorageClass)).toEqual(['STANDARD']);
    await expect(c.send(new PutObjectCommand({ Bucket: 'classes', Key: 'peer/ir', Body: 'x', StorageClass: 'GLACIER_IR' }))).rejects.toMatchObject({ name: 'InvalidStorageClass' });
    await expect(
      c.send(new CopyObjectCommand({ Bucket: 'classes', Key: 'peer/ia', CopySource: 'classes/peer/ia', StorageClass: 'ONEZONE_IA', MetadataDirective: 'COPY' })),
    ).rejects.toMatchObject({ name: 'InvalidRequest' });
  });

  it('fauxqs accepts the copy onto itself and keeps the bytes, but keeps no class at all', async () => {
    const fauxqs = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
    const c = new S3Client({ endpoint: `http://127.0.0.1:${fauxqs.port}`, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS, maxAttempts: 1 });
    try {
      await c.send(new CreateBucketCommand({ Bucket: 'faux' }));
      const s = store(c, 'faux');
      const key = pack();
      const bytes = randomBytes(5000);
      await s.put(key, bytes);
      await s.setStorageClass(key, 'GLACIER_IR'); // accepted …
      expect((await s.get(key)).equals(bytes)).toBe(true);
      expect((await c.send(new HeadObjectCommand({ Bucket: 'faux', Key: `${s.location.prefix}/${key}` }))).StorageClass).toBeUndefined(); // … but not kept
      expect(await listedClasses(s)).toEqual({ [key]: 'STANDARD' });
    } finally {
      c.destroy();
      await fauxqs.stop();
    }
  });
});

describe('S3Store.setStorageClass, against S3 semantics (the proxy)', () => {
  it('moves a data pack to the cold class in place: listed and HEAD with it, the same bytes, other objects untouched', async () => {
    const s = store(viaProxy);
    const key = pack();
    const bytes = randomBytes(200_000);
    await s.put(key, bytes);
    await s.put('index/i1', Buffer.from('index'));
    expect(await listedClasses(s)).toEqual({ [key]: 'STANDARD', 'index/i1': 'STANDARD' });

    await s.setStorageClass(key, 'GLACIER_IR');
    expect(await listedClasses(s)).toEqual({ [key]: 'GLACIER_IR', 'index/i1': 'STANDARD' });
    expect((await viaProxy.send(new HeadObjectCommand({ Bucket: 'classes', Key: `${s.location.prefix}/${key}` }))).StorageClass).toBe('GLACIER_IR');
    expect((await s.get(key)).equals(bytes)).toBe(true);
    expect((await s.get(key, { offset: 1000, length: 4096 })).equals(bytes.subarray(1000, 5096))).toBe(true);

    await s.setStorageClass(key, 'GLACIER_IR'); // again: S3 accepts a copy naming the class it has
    expect(await listedClasses(s, 'data/')).toEqual({ [key]: 'GLACIER_IR' });
  });

  it('every instant-retrieval class is accepted; archive classes are refused before any request', async () => {
    const s = store(viaProxy);
    const key = pack();
    await s.put(key, Buffer.from('x'));
    for (const cls of ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'STANDARD']) {
      await s.setStorageClass(key, cls);
      expect((await listedClasses(s))[key]).toBe(cls);
    }
    const copies = { ...proxy.storageClasses.copies };
    await expect(s.setStorageClass(key, 'GLACIER')).rejects.toMatchObject({ code: 'USAGE', message: expect.stringMatching(/GLACIER needs a thaw before every read/) });
    await expect(s.setStorageClass(key, 'DEEP_ARCHIVE')).rejects.toMatchObject({ code: 'USAGE' });
    expect(proxy.storageClasses.copies).toEqual(copies);
  });

  it('a missing object is NOT_FOUND; an object in an archive class says it needs a thaw', async () => {
    const s = store(viaProxy);
    await expect(s.setStorageClass(pack(), 'GLACIER_IR')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const key = pack();
    await s.put(key, Buffer.from('x'));
    proxy.storageClasses.setClass('classes', `${s.location.prefix}/${key}`, 'DEEP_ARCHIVE'); // as a bucket lifecycle rule would
    const thaw = { code: 'INTEGRITY', message: expect.stringMatching(/archive storage class and must be restored \(thawed\) before it can be read/) };
    await expect(s.setStorageClass(key, 'GLACIER_IR')).rejects.toMatchObject(thaw);
    await expect(s.get(key)).rejects.toMatchObject(thaw); // S3 answers 403 InvalidObjectState: no missing permission
  });

  it('a refused copy names the right that is missing: s3:PutObject, or s3:GetObject', async () => {
    const s = store(viaProxy);
    const key = pack();
    await s.put(key, Buffer.from('x'));
    try {
      proxy.deny('s3:PutObject');
      const put = await s.setStorageClass(key, 'GLACIER_IR').catch((e: unknown) => e);
      expect(put).toMatchObject({ code: 'ACCESS_DENIED', data: { permission: 's3:PutObject' } });
      expect((put as Error).message).toMatch(/lack s3:PutObject on s3:\/\/classes\/p\d+, which moving data\/.* to GLACIER_IR needs/);
      proxy.allowAll();
      proxy.deny('s3:GetObject');
      const get = await s.setStorageClass(key, 'GLACIER_IR').catch((e: unknown) => e);
      expect(get).toMatchObject({ code: 'ACCESS_DENIED', data: { permission: 's3:GetObject' } });
    } finally {
      proxy.allowAll();
    }
    expect((await listedClasses(s))[key]).toBe('STANDARD');
  });

  it('in a locked vault the copy restates the object\'s retention (S3 does not copy it), and the old version stays locked', async () => {
    const days = 7;
    let clock = Date.now();
    const lock = new VaultLock({ mode: 'GOVERNANCE', days }, () => clock);
    const s = new S3Store({ bucket: 'locked', prefix: `l${++n}` }, { client: viaProxy, objectLock: lock });
    const key = pack();
    await s.put(key, Buffer.from('locked pack'));
    const before = proxy.retentionOf('locked', `${s.location.prefix}/${key}`);
    expect(before?.until.getTime()).toBeGreaterThan(clock + days * 86_400_000);

    await s.setStorageClass(key, 'GLACIER_IR');
    expect(proxy.retentionOf('locked', `${s.location.prefix}/${key}`)).toEqual(before);
    expect(proxy.storageClasses.classOf('locked', `${s.location.prefix}/${key}`)).toBe('GLACIER_IR');
    const kept = proxy.lockedVersions().filter((v) => v.key === `${s.location.prefix}/${key}`);
    expect(kept.map((v) => [v.why, v.bytes.toString(), v.until])).toEqual([['overwritten', 'locked pack', before!.until]]);

    // Once the retention has ended there is nothing to restate: the copy carries none.
    const later = pack();
    await s.put(later, Buffer.from('old'));
    const ends = proxy.retentionOf('locked', `${s.location.prefix}/${later}`)!.until.getTime();
    clock = ends + 1000;
    proxy.advanceClock(ends + 1000 - Date.now());
    await s.setStorageClass(later, 'STANDARD_IA');
    expect(proxy.retentionOf('locked', `${s.location.prefix}/${later}`)).toBeNull();
  });
});

describe('cold storage classes of a location, through the wrappers the service builds', () => {
  const loc = (q = ''): string => `s3://classes/w${++n}?endpoint=${encodeURIComponent(proxy.endpoint)}&path-style=true&region=us-east-1${q}`;

  it('an S3 vault\'s cold class is GLACIER_IR unless the location names another instant-retrieval class', async () => {
    expect(openStore(loc()).properties).toMatchObject({ kind: 's3', coldStorageClass: 'GLACIER_IR' });
    expect(openStore(loc('&cold-storage-class=standard_ia')).properties.coldStorageClass).toBe('STANDARD_IA');
    expect(() => parseS3Location(loc('&cold-storage-class=DEEP_ARCHIVE'))).toThrow(/DEEP_ARCHIVE needs a thaw before every read/);
    expect(() => parseS3Location(loc('&cold-storage-class=STANDARD'))).toThrow(/STANDARD is not a cold storage class/);
  });

  it('the retrying, lazily loaded store moves objects too', async () => {
    const location = loc();
    const s = openStore(location);
    const key = pack();
    await s.put(key, Buffer.from('through the wrappers'));
    await s.setStorageClass!(key, s.properties.coldStorageClass!);
    const classes: Record<string, string | undefined> = {};
    for await (const o of s.list('data/')) classes[o.key] = o.storageClass;
    expect(classes).toEqual({ [key]: 'GLACIER_IR' });
  });

  it('a folder has no cold class: its properties say so, and a move is refused by name', async () => {
    const local = new LocalStore(makeTempDir('dv-classes-'));
    expect(local.properties.coldStorageClass).toBeUndefined();
    expect((local as ObjectStore).setStorageClass).toBeUndefined();
    await local.put('data/aa/x', Buffer.from('x'));
    await expect(new RetryStore(local).setStorageClass('data/aa/x', 'GLACIER_IR')).rejects.toMatchObject({ code: 'USAGE', message: expect.stringMatching(/has no storage classes/) });
    for await (const o of local.list('data/')) expect(o.storageClass).toBeUndefined();
  });
});
