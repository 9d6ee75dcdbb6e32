/**
 * Cold storage through the service API, on an S3 vault (s3rver behind the proxy that keeps storage
 * classes as S3 does: test/helpers/s3-storage-class-emulation.ts) with the real AWS SDK. A plan
 * sets moveToColdStorageAfterDays 30; one point is made, the service clock moves 31 days, a fresh
 * point is made that shares some of the old point's data. The daily lifecycle job then moves
 * exactly the data packs only the old point uses, keeps those the fresh point uses warm, says why
 * for each, is idempotent, names a missing permission, and the old point restores byte for byte
 * from the cold packs. Every claim about classes is checked on the bucket listing itself.
 */
import { createCipheriv } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job, RecoveryPointInfo } from '../../main/core/model.js';
import { packsOfPoint } from '../../main/engine/repo/object-lock.js';
import { planTag } from '../../main/service/backups/backup-job.js';
import { FileKeyStore } from '../../main/service/keys/key-store.js';
import { DeskVaultService } from '../../main/service/index.js';
import { diffTrees } from '../helpers/cli.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';
import { startS3Proxy, type S3Proxy } from '../helpers/s3-proxy.js';
import { S3_CREDENTIALS, startS3Server, type S3TestServer } from '../helpers/s3-server.js';

const DAY = 86_400_000;
const MiB = 1024 * 1024;
let s3: S3TestServer;
let proxy: S3Proxy;
let client: S3Client;
let svc: DeskVaultService;
let src: string;
let expectedOld: string;
let offset = 0;
const savedEnv = { ...process.env };
const prefix = 'laptop';

/** Deterministic incompressible bytes (AES-256-CTR of zeros under a seed-derived key). */
function pseudoRandom(seed: number, size: number): Buffer {
  const key = Buffer.alloc(32, seed);
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

const finished = async (job: Job): Promise<Job> => {
  for (;;) {
    const j = await svc.api['jobs.get']({ id: job.id });
    if (['COMPLETED', 'FAILED', 'ABORTED', 'EXPIRED'].includes(j.state)) return j;
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** Every object of the vault with its storage class, from the bucket listing (through the proxy). */
async function classes(): Promise<Map<string, string>> {
  return new Map([...(await listing())].map(([k, o]) => [k, o.storageClass]));
}

async function listing(): Promise<Map<string, { storageClass: string; size: number }>> {
  const out = new Map<string, { storageClass: string; size: number }>();
  let token: string | undefined;
  do {
    const r = await client.send(new ListObjectsV2Command({ Bucket: 'cold', Prefix: `${prefix}/`, ContinuationToken: token }));
    for (const o of r.Contents ?? []) out.set(o.Key!.slice(prefix.length + 1), { storageClass: o.StorageClass ?? 'STANDARD', size: o.Size ?? 0 });
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/** The data pack keys a point needs (the engine's own walk, independent of the lifecycle code). */
async function dataPacksOf(pointId: string): Promise<Set<string>> {
  const session = await svc.registry.open('s3');
  const point = (await session.points()).find((p) => p.id === pointId)!;
  const { index } = await session.vault.loadIndex();
  return new Set((await packsOfPoint(session.vault, index, point)).filter((k) => k.startsWith('data/')));
}

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket('cold');
  proxy = await startS3Proxy(s3.endpoint);
  client = new S3Client({ endpoint: proxy.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS, requestChecksumCalculation: 'WHEN_REQUIRED', maxAttempts: 1 });
  Object.assign(process.env, s3.env, { DESKVAULT_S3_TIMEOUT_MS: '10000' });
  const home = makeTempDir('dv-cold-home-');
  svc = await DeskVaultService.start({ home, kind: 'test', keyStore: new FileKeyStore(home), now: () => new Date(Date.now() + offset) });
  const location = `s3://cold/${prefix}?endpoint=${encodeURIComponent(proxy.endpoint)}&path-style=true&region=us-east-1`;
  await svc.api['vaults.add']({ name: 's3', location, keyProvider: 'passphrase', passphrase: 'pw' });
  await svc.api['plans.create']({
    name: 'Work',
    resources: [{ path: (src = path.join(makeTempDir('dv-cold-src-'), 'work')) }],
    rules: [{ targetVault: 's3', schedule: 'rate(1 day)', lifecycle: { moveToColdStorageAfterDays: 30, deleteAfterDays: 365 } }],
  });
  // Old-only data first (32 MiB: at least one 16 MiB pack holds nothing else), then data both
  // points keep.
  fs.mkdirSync(src, { recursive: true });
  fs.writeFileSync(path.join(src, 'a-old-1.bin'), pseudoRandom(1, 16 * MiB));
  fs.writeFileSync(path.join(src, 'a-old-2.bin'), pseudoRandom(2, 16 * MiB));
  fs.writeFileSync(path.join(src, 'm-shared.bin'), pseudoRandom(3, 6 * MiB));
  fs.writeFileSync(path.join(src, 'notes.txt'), 'kept in both points\n');
}, 120_000);

afterAll(async () => {
  await svc?.stop();
  process.env = savedEnv;
  client?.destroy();
  await proxy?.close();
  await s3?.close();
  removeTempDirs();
});

describe('cold storage of an S3 vault by the lifecycle job', () => {
  let oldPoint: RecoveryPointInfo;
  let freshPoint: RecoveryPointInfo;
  let oldOnly: string[];
  let keptWarm: string[];

  it('a point, then 31 days later a fresh one that shares part of its data', async () => {
    const backup = await finished(await svc.api['backups.start']({ plan: 'Work' }));
    expect(backup.state, backup.statusMessage ?? '').toBe('COMPLETED');
    expectedOld = path.join(makeTempDir('dv-cold-expected-'), 'work');
    fs.cpSync(src, expectedOld, { recursive: true });

    fs.rmSync(path.join(src, 'a-old-1.bin'));
    fs.rmSync(path.join(src, 'a-old-2.bin'));
    fs.writeFileSync(path.join(src, 'z-new.bin'), pseudoRandom(4, 3 * MiB));
    offset = 31 * DAY;
    // The plan's next backup, made at the service's (moved) time: a point 31 days younger.
    const session = await svc.registry.open('s3');
    await session.backup({ paths: [src], tags: [planTag('Work')], now: svc.now });

    [freshPoint, oldPoint] = await svc.api['points.list']({ vault: 's3' });
    expect(oldPoint.id).toBe(backup.recoveryPointId);
    expect(oldPoint.moveToColdStorageAt).toBe(new Date(Date.parse(oldPoint.time) + 30 * DAY).toISOString());
    expect(freshPoint.moveToColdStorageAt).toBe(new Date(Date.parse(freshPoint.time) + 30 * DAY).toISOString());
    expect(Date.parse(freshPoint.time) - Date.parse(oldPoint.time)).toBeGreaterThanOrEqual(31 * DAY);

    const usedOld = await dataPacksOf(oldPoint.id);
    const usedFresh = await dataPacksOf(freshPoint.id);
    oldOnly = [...usedOld].filter((k) => !usedFresh.has(k)).sort();
    keptWarm = [...usedFresh].sort();
    expect(oldOnly.length).toBeGreaterThan(0);
    expect([...usedOld].some((k) => usedFresh.has(k))).toBe(true); // a pack both points use
    expect([...(await classes()).values()].every((c) => c === 'STANDARD')).toBe(true);
  }, 120_000);

  it('a dry run says what would move and why, and moves nothing', async () => {
    const job = await finished(await svc.api['lifecycle.run']({ vault: 's3', dryRun: true }));
    expect(job.state).toBe('COMPLETED');
    expect(job.statusMessage).toBe(`would delete 0 of 2 recovery points; would move ${oldOnly.length} data pack(s) to GLACIER_IR`);
    expect(job.log.some((l) => l.includes(`would move to GLACIER_IR: every point using it is past its cold-storage date (the last, point ${oldPoint.id.slice(0, 8)}`))).toBe(true);
    expect([...(await classes()).values()].every((c) => c === 'STANDARD')).toBe(true);
  });

  it('moves exactly the packs only old points use; packs a fresh point uses, and all metadata, stay STANDARD', async () => {
    const job = await finished(await svc.api['lifecycle.run']({ vault: 's3' }));
    expect(job.state, job.statusMessage ?? '').toBe('COMPLETED');
    expect(job.statusMessage).toBe(`deleted 0 of 2 recovery points; moved ${oldOnly.length} data pack(s) to GLACIER_IR`);

    const after = await classes();
    const cold = [...after].filter(([, c]) => c === 'GLACIER_IR').map(([k]) => k).sort();
    expect(cold).toEqual(oldOnly);
    for (const k of keptWarm) expect(after.get(k)).toBe('STANDARD');
    for (const [k, c] of after) if (!k.startsWith('data/')) expect(`${k} ${c}`).toBe(`${k} STANDARD`);

    const sizes = await listing();
    const bytes = oldOnly.reduce((a, k) => a + sizes.get(k)!.size, 0);
    const fresh8 = freshPoint.id.slice(0, 8);
    expect(job.log).toContainEqual(expect.stringMatching(new RegExp(`^\\S+ cold storage: ${oldOnly.length} pack\\(s\\) \\(${bytes} bytes\\) move to GLACIER_IR: every point using it is past its cold-storage date \\(the last, point ${oldPoint.id.slice(0, 8)}, since ${oldPoint.moveToColdStorageAt}\\)$`)));
    expect(job.log).toContainEqual(expect.stringMatching(new RegExp(`cold storage: ${keptWarm.length} pack\\(s\\) \\(\\d+ bytes\\) kept in STANDARD: point ${fresh8} uses it until it goes cold on ${freshPoint.moveToColdStorageAt}$`)));
    expect(job.log).toContainEqual(expect.stringMatching(new RegExp(`cold storage: moved ${oldOnly.length} data pack\\(s\\) \\(${bytes} bytes\\) to GLACIER_IR; 0 already in GLACIER_IR, ${keptWarm.length} not moved$`)));
  });

  it('is idempotent: the next run finds the packs cold in the listing and copies nothing', async () => {
    const copies = proxy.storageClasses.copies.GLACIER_IR;
    const job = await finished(await svc.api['lifecycle.run']({ vault: 's3' }));
    expect(job.statusMessage).toBe('deleted 0 of 2 recovery points; moved 0 data pack(s) to GLACIER_IR');
    expect(job.log.at(-1)).toMatch(new RegExp(`moved 0 data pack\\(s\\) \\(0 bytes\\) to GLACIER_IR; ${oldOnly.length} already in GLACIER_IR, ${keptWarm.length} not moved$`));
    expect(proxy.storageClasses.copies.GLACIER_IR).toBe(copies);
  });

  it('the old point restores byte for byte from its cold packs', async () => {
    const target = makeTempDir('dv-cold-restore-');
    const job = await finished(await svc.api['restores.start']({ vault: 's3', point: oldPoint.id, paths: [src], mode: 'into', target }));
    expect(job.state, job.statusMessage ?? '').toBe('COMPLETED');
    expect(diffTrees(expectedOld, path.join(target, 'work'))).toEqual([]);
  }, 60_000);

  it('a refused copy fails the job naming the missing right; once granted, the next run moves what is due', async () => {
    offset = 62 * DAY; // now the fresh point is past its cold date too
    // Without s3:PutObject the step's first write (its lease) is refused before any copy; which
    // right a refused copy itself names is proven in test/contracts/s3-storage-class.test.ts.
    proxy.deny('s3:PutObject');
    let job: Job;
    try {
      job = await finished(await svc.api['lifecycle.run']({ vault: 's3' }));
    } finally {
      proxy.allowAll();
    }
    expect(job.state).toBe('FAILED');
    expect(job.error).toMatchObject({ code: 'ACCESS_DENIED' });
    expect(job.statusMessage).toMatch(/^deleted 0 of 2 recovery points; moved 0 data pack\(s\) to GLACIER_IR, then moving data packs to cold storage failed: access denied: the AWS credentials in use lack s3:PutObject on s3:\/\/cold\/laptop/);
    expect([...(await classes())].filter(([, c]) => c === 'GLACIER_IR').map(([k]) => k).sort()).toEqual(oldOnly);

    const again = await finished(await svc.api['lifecycle.run']({ vault: 's3' }));
    expect(again.statusMessage).toBe(`deleted 0 of 2 recovery points; moved ${keptWarm.length} data pack(s) to GLACIER_IR`);
    const after = await classes();
    for (const [k, c] of after) expect(`${k} ${c}`).toBe(`${k} ${k.startsWith('data/') ? 'GLACIER_IR' : 'STANDARD'}`);

    const target = makeTempDir('dv-cold-restore-fresh-');
    const restored = await finished(await svc.api['restores.start']({ vault: 's3', point: freshPoint.id, paths: [src], mode: 'into', target }));
    expect(restored.state, restored.statusMessage ?? '').toBe('COMPLETED');
    expect(diffTrees(src, path.join(target, 'work'))).toEqual([]);
  }, 60_000);

  it('a folder vault has no cold class: points show no cold date, and the job says the rule does not apply', async () => {
    offset = 0;
    const small = path.join(makeTempDir('dv-cold-local-'), 'docs');
    fs.mkdirSync(small, { recursive: true });
    fs.writeFileSync(path.join(small, 'a.txt'), 'local\n');
    await svc.api['plans.create']({ name: 'Local', resources: [{ path: small }], rules: [{ targetVault: 'local', schedule: 'rate(1 day)', lifecycle: { moveToColdStorageAfterDays: 30 } }] });
    expect((await finished(await svc.api['backups.start']({ plan: 'Local' }))).state).toBe('COMPLETED');
    const [point] = await svc.api['points.list']({ vault: 'local' });
    expect(point.moveToColdStorageAt).toBeNull();
    offset = 40 * DAY;
    const job = await finished(await svc.api['lifecycle.run']({ vault: 'local' }));
    expect(job.state).toBe('COMPLETED');
    expect(job.statusMessage).toBe('deleted 0 of 1 recovery points; no cold storage class in this vault');
    expect(job.log).toContainEqual(expect.stringMatching(/cold storage: plan "Local" sets moveToColdStorageAfterDays, but vault "local" \(.*\) is a folder, which has no cold storage class; its data stays where it is$/));
  });
});
