/**
 * What a backup and a restore cost in S3 requests (bench/s3.js compares them per GiB with restic),
 * on s3rver behind the S3-answering proxy (test/helpers/s3-proxy.ts keeps the multipart uploads
 * s3rver cannot list), with every store operation recorded by a wrapper over the real S3Store:
 * - a backup does no housekeeping beyond its lease — one PUT, one HEAD before the commit (no
 *   renewal of a lease written seconds ago), one DELETE — and does not list multipart uploads;
 * - after an interrupted backup (orphan packs) the next backup does list them and aborts those older
 *   than a day; otherwise they wait for prune, which always looks;
 * - a restore reads each pack it needs with one GET, several at once.
 */
import * as path from 'node:path';
import { CreateMultipartUploadCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../main/engine/backup/backup.js';
import { prune } from '../../main/engine/prune/prune.js';
import { Vault } from '../../main/engine/repo/vault.js';
import { restore } from '../../main/engine/restore/restore.js';
import { DelegatingStore } from '../../main/engine/storage/delegating-store.js';
import type { ByteRange, ObjectStore } from '../../main/engine/storage/object-store.js';
import { S3Store } from '../../main/engine/storage/s3/s3-store.js';
import { buildSourceTree, diffTrees } from '../helpers/cli.js';
import { caught, PASSPHRASE, SMALL_CHUNKER, SMALL_PACK } from '../helpers/engine-fixtures.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';
import { startS3Proxy, type S3Proxy } from '../helpers/s3-proxy.js';
import { S3_CREDENTIALS, startS3Server, type S3TestServer } from '../helpers/s3-server.js';

const DAY = 86_400_000;
let s3: S3TestServer;
let proxy: S3Proxy;
let client: S3Client;
let src: string;
let n = 0;

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket('costs');
  proxy = await startS3Proxy(s3.endpoint);
  client = new S3Client({ endpoint: proxy.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS, requestChecksumCalculation: 'WHEN_REQUIRED', maxAttempts: 1 });
  src = path.join(makeTempDir('dv-s3req-'), 'docs');
  // ~20 data packs of 256 KiB.
  buildSourceTree(src, 23, { files: 60, maxSize: 200 * 1024, specials: false });
});
afterAll(async () => {
  client?.destroy();
  await proxy?.close();
  await s3?.close();
  removeTempDirs();
});

/** Records every operation with its key, and the most GETs ever in flight at once. */
class OpLog extends DelegatingStore {
  ops: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  failIndexPuts = false;

  override async put(key: string, data: Buffer | readonly Buffer[]): Promise<void> {
    this.ops.push(`put ${key}`);
    if (this.failIndexPuts && key.startsWith('index/')) throw new Error('killed before the index was written');
    return this.inner.put(key, data);
  }

  override async get(key: string, range?: ByteRange, into?: Buffer): Promise<Buffer> {
    this.ops.push(`get ${key}`);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      return await this.inner.get(key, range, into);
    } finally {
      this.inFlight--;
    }
  }

  override head(key: string): ReturnType<ObjectStore['head']> {
    this.ops.push(`head ${key}`);
    return this.inner.head(key);
  }

  override delete(key: string): Promise<void> {
    this.ops.push(`delete ${key}`);
    return this.inner.delete(key);
  }

  /** On S3: ListMultipartUploads (the proxy answers it itself, uncounted), then an abort per stale upload. */
  override cleanTemporaryFiles(olderThanMs: number): Promise<number> {
    this.ops.push('list-uploads');
    return super.cleanTemporaryFiles(olderThanMs);
  }

  take(): string[] {
    return this.ops.splice(0);
  }
}

async function newVault(): Promise<{ vault: Vault; log: OpLog; prefix: string }> {
  const prefix = `v${++n}`;
  const log = new OpLog(new S3Store({ bucket: 'costs', prefix }, { client }));
  const vault = await Vault.init(log, { passphrase: PASSPHRASE, chunker: SMALL_CHUNKER, packSize: SMALL_PACK });
  return { vault, log, prefix };
}

/** A multipart upload a process killed two days ago left behind in this vault. */
async function staleUpload(prefix: string): Promise<void> {
  await client.send(new CreateMultipartUploadCommand({ Bucket: 'costs', Key: `${prefix}/data/ff/killed` }));
  proxy.ageUploads(2 * DAY);
}

const leaseOps = (ops: string[]): string[] => ops.filter((o) => o.includes(' leases/')).map((o) => o.replace(/leases\/\w+/, 'leases/L'));
const uploadsOf = (prefix: string): string[] => proxy.uploadsInProgress().filter((u) => u.key.startsWith(`${prefix}/`)).map((u) => u.key);

describe('S3 requests of a backup', () => {
  it('after a clean backup: the lease is put once, checked once before the commit, deleted once; multipart uploads are not listed (prune does that)', async () => {
    const { vault, log, prefix } = await newVault();
    await backup(vault, { paths: [src] });
    await staleUpload(prefix);
    log.take();
    const r = await backup(vault, { paths: [src] });
    expect(r.point.status).toBe('COMPLETED');
    const ops = log.take();
    expect(leaseOps(ops)).toEqual(['put leases/L', 'head leases/L', 'delete leases/L']);
    expect(ops, 'a backup after a clean one lists no multipart uploads').not.toContain('list-uploads');
    expect(uploadsOf(prefix)).toEqual([`${prefix}/data/ff/killed`]);

    await prune(vault);
    expect(log.take()).toContain('list-uploads');
    expect(uploadsOf(prefix), 'prune aborts the stale upload').toEqual([]);
  });

  it('after an interrupted backup (packs without an index), the next backup re-indexes them and aborts uploads older than a day', async () => {
    const { vault, log, prefix } = await newVault();
    log.failIndexPuts = true;
    expect(await caught(() => backup(vault, { paths: [src] }))).toMatchObject({ message: 'killed before the index was written' });
    log.failIndexPuts = false;
    await staleUpload(prefix);
    log.take();
    const notices: string[] = [];
    const r = await backup(vault, { paths: [src], onNotice: (m) => notices.push(m) });
    expect(notices.join('\n')).toMatch(/re-indexed \d+ pack\(s\) left by an interrupted backup/);
    expect(r.point.stats.storedBytes, 'the orphan packs are reused').toBeLessThan(r.point.stats.bytes / 10);
    expect(log.take().filter((o) => o === 'list-uploads')).toHaveLength(1);
    expect(uploadsOf(prefix)).toEqual([]);
  });
});

describe('S3 requests of a restore', () => {
  it('one GET per data pack needed, several in flight at once; the files come back byte for byte', async () => {
    const { vault, log } = await newVault();
    const { point } = await backup(vault, { paths: [src] });
    const { index } = await vault.loadIndex();
    const dataPacks = new Set<string>();
    for await (const o of vault.store.list('data/')) dataPacks.add(o.key);
    expect(dataPacks.size).toBeGreaterThan(8);
    log.take();
    log.maxInFlight = 0;
    const target = makeTempDir('dv-s3req-restore-');
    const res = await restore(vault, index, { point, mode: { kind: 'target', dir: target } });
    expect(res.errors).toEqual([]);
    expect(diffTrees(src, path.join(target, src))).toEqual([]);
    const gets = log.take().filter((o) => o.startsWith('get data/'));
    expect(gets.sort()).toEqual([...dataPacks].map((k) => `get ${k}`).sort());
    expect(log.maxInFlight).toBeGreaterThan(1);
  });
});
