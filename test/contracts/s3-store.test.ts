/**
 * The S3 store against a real S3 protocol server (s3rver) with the real AWS SDK: the same contract
 * suite as every store, then behind injected faults with the shared retry wrapper, then error
 * mapping for a missing bucket and an unreachable endpoint.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultyStore } from '../../main/engine/storage/faulty-store.js';
import { LocalStore } from '../../main/engine/storage/local-store.js';
import { RetryStore } from '../../main/engine/storage/retry-store.js';
import { parseS3Location } from '../../main/engine/storage/s3/s3-location.js';
import { S3Store } from '../../main/engine/storage/s3/s3-store.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';
import { startS3Server, S3_CREDENTIALS, type S3TestServer } from '../helpers/s3-server.js';
import { objectStoreContract } from './object-store.contract.js';

let s3: S3TestServer;
let n = 0;
beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket('contract');
});
afterAll(async () => {
  await s3?.close();
  removeTempDirs();
});

function store(prefix = `p${++n}-${randomBytes(3).toString('hex')}`): S3Store {
  return new S3Store({ bucket: 'contract', prefix }, { client: s3.client });
}

const noSleep = { sleep: async () => undefined };

objectStoreContract('S3 (s3rver)', async () => store());

let seed = 1;
const faulty = (inner: S3Store | LocalStore): { store: RetryStore; faults: FaultyStore } => {
  const faults = new FaultyStore(inner, { seed: seed++, rate: 0.25 });
  return { store: new RetryStore(faults, { ...noSleep, attempts: 12 }), faults };
};
objectStoreContract('S3 behind 25% injected faults, with retries', async () => faulty(store()).store);
objectStoreContract('local folder behind 25% injected faults, with retries', async () => faulty(new LocalStore(makeTempDir('dv-faulty-'))).store);

describe('S3 specifics', () => {
  it('faults were really injected and retried', async () => {
    const { store: s, faults } = faulty(store());
    for (let i = 0; i < 20; i++) await s.put(`index/i${i}`, Buffer.from(`x${i}`));
    for (let i = 0; i < 20; i++) expect((await s.get(`index/i${i}`)).toString()).toBe(`x${i}`);
    expect(faults.injected).toBeGreaterThan(3);
  });

  it('a permanent error is not retried', async () => {
    let tries = 0;
    const s = new RetryStore(store(), { ...noSleep, onRetry: () => tries++ });
    await expect(s.get('points/missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(tries).toBe(0);
  });

  it('a missing bucket says so (VAULT_NOT_FOUND), at once', async () => {
    const s = new S3Store({ bucket: 'no-such-bucket', prefix: '' }, { client: s3.client });
    await expect(s.get('config')).rejects.toMatchObject({ code: 'VAULT_NOT_FOUND' });
  });

  it('an unreachable endpoint is a retryable IO error naming the location, given up after the attempts', async () => {
    const loc = parseS3Location('s3://contract/x?endpoint=http://127.0.0.1:1&path-style=true&region=us-east-1');
    let tries = 0;
    const s = new RetryStore(new S3Store(loc, { clientConfig: { credentials: S3_CREDENTIALS } }), { ...noSleep, attempts: 3, onRetry: () => tries++ });
    const err = await s.get('config').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IO', data: { retryable: true } });
    expect(String((err as Error).message)).toContain('cannot reach s3://contract/x');
    expect(tries).toBe(2);
  });

  it('data packs use the location\'s storage class; metadata stays STANDARD', async () => {
    const { HeadObjectCommand } = await import('@aws-sdk/client-s3');
    const s = new S3Store({ bucket: 'contract', prefix: 'classes', storageClass: 'STANDARD_IA' }, { client: s3.client });
    await s.put('data/aa/pack', Buffer.alloc(10));
    await s.put('index/i', Buffer.alloc(10));
    const cls = async (k: string): Promise<string | undefined> =>
      (await s3.client.send(new HeadObjectCommand({ Bucket: 'contract', Key: `classes/${k}` }))).StorageClass;
    expect(await cls('data/aa/pack')).toBe('STANDARD_IA');
    expect(await cls('index/i')).toBeUndefined(); // STANDARD is reported as absent
  });
});

describe('multipart uploads', () => {
  // s3rver, since fauxqs refuses request bodies of a 16 MiB part (413).
  it('a pack above the multipart threshold goes up in parts and reads back byte for byte', async () => {
    const s = new S3Store({ bucket: 'contract', prefix: 'multipart' }, { client: s3.client });
    const big = randomBytes(40 * 1024 * 1024);
    await s.put('data/ab/big', [big.subarray(0, 1000), big.subarray(1000)]);
    expect((await s.get('data/ab/big')).equals(big)).toBe(true);
    expect((await s.get('data/ab/big', { offset: 33 * 1024 * 1024, length: 4096 })).equals(big.subarray(33 * 1024 * 1024, 33 * 1024 * 1024 + 4096))).toBe(true);
  });
});

describe('s3:// locations', () => {
  it('parses bucket, prefix and options; refuses archive classes and unknown options', () => {
    expect(parseS3Location('s3://my-bucket/a/b/?region=eu-west-1&path-style=true&storage-class=glacier_ir&profile=work&endpoint=http://x:9000')).toEqual({
      bucket: 'my-bucket',
      prefix: 'a/b',
      region: 'eu-west-1',
      pathStyle: true,
      storageClass: 'GLACIER_IR',
      profile: 'work',
      endpoint: 'http://x:9000',
    });
    expect(() => parseS3Location('s3://bkt/p?storage-class=DEEP_ARCHIVE')).toThrow(/thaw/);
    expect(() => parseS3Location('s3://bkt/p?colour=red')).toThrow(/unknown option "colour"/);
    expect(() => parseS3Location('s3://B_ad/p')).toThrow(/not a valid S3 bucket name/);
  });
});

describe('S3 store on fauxqs (the SDK\'s default checksum settings)', () => {
  // fauxqs decodes aws-chunked bodies, so here the client keeps its defaults
  // (requestChecksumCalculation WHEN_SUPPORTED), as against real S3.
  let fauxqs: Awaited<ReturnType<typeof import('fauxqs').startFauxqs>>;
  let client: import('@aws-sdk/client-s3').S3Client;
  beforeAll(async () => {
    const { startFauxqs } = await import('fauxqs');
    const { S3Client, CreateBucketCommand } = await import('@aws-sdk/client-s3');
    fauxqs = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
    client = new S3Client({ endpoint: `http://127.0.0.1:${fauxqs.port}`, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS, maxAttempts: 1 });
    await client.send(new CreateBucketCommand({ Bucket: 'faux' }));
  });
  afterAll(async () => {
    client?.destroy();
    await fauxqs?.stop();
  });
  let m = 0;
  objectStoreContract('S3 (fauxqs, default checksums)', async () => new S3Store({ bucket: 'faux', prefix: `c${++m}` }, { client }));

});

describe('interrupted multipart uploads', () => {
  // s3rver cannot list or abort uploads; the S3-answering proxy tracks those started through it.
  it('are aborted by cleanTemporaryFiles once old enough, and only the vault\'s own', async () => {
    const { S3Client, CreateMultipartUploadCommand } = await import('@aws-sdk/client-s3');
    const { startS3Proxy } = await import('../helpers/s3-proxy.js');
    const proxy = await startS3Proxy(s3.endpoint);
    const client = new S3Client({ endpoint: proxy.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS, requestChecksumCalculation: 'WHEN_REQUIRED', maxAttempts: 1 });
    try {
      await client.send(new CreateMultipartUploadCommand({ Bucket: 'contract', Key: 'mpu/data/aa/killed' }));
      await client.send(new CreateMultipartUploadCommand({ Bucket: 'contract', Key: 'elsewhere/x' }));
      const s = new S3Store({ bucket: 'contract', prefix: 'mpu' }, { client });
      expect(await s.cleanTemporaryFiles(86_400_000)).toBe(0); // young: an upload may be in progress
      proxy.ageUploads(2 * 86_400_000);
      expect(await s.cleanTemporaryFiles(86_400_000)).toBe(1);
      expect(proxy.uploadsInProgress().map((u) => u.key)).toEqual(['elsewhere/x']);
    } finally {
      client.destroy();
      await proxy.close();
    }
  });
});
