/**
 * S3 Object Lock, through the service layer with the real AWS SDK, against s3rver behind the proxy
 * that emulates Object Lock as real S3 answers it (test/helpers/s3-object-lock-emulation.ts).
 * Time moves by injected clocks — the vault's and the emulated S3's, moved together — never by
 * waiting. Every claim is checked on the objects themselves: retention per object in the proxy,
 * bytes of what was kept, request counts for the cost of extensions.
 */
import { DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeskVaultError } from '../../main/core/errors.js';
import { doctor } from '../../main/service/doctor.js';
import { DeskVaultService } from '../../main/service/index.js';
import { FileKeyStore } from '../../main/service/keys/key-store.js';
import { initVault, openVault, type VaultSession } from '../../main/service/vault-service.js';
import { buildSourceTree, diffTrees } from '../helpers/cli.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';
import { startS3Proxy, type S3Proxy } from '../helpers/s3-proxy.js';
import { S3_CREDENTIALS, startS3Server, type S3TestServer } from '../helpers/s3-server.js';

const DAY = 86_400_000;
let s3: S3TestServer;
let proxy: S3Proxy;
let client: S3Client;
let n = 0;
/** The vault's clock offset; the proxy's S3 clock is moved by the same amounts. */
let offset = 0;
const now = (): number => Date.now() + offset;
const advance = (ms: number): void => {
  offset += ms;
  proxy.advanceClock(ms);
};
const savedEnv = { ...process.env };

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket('locked');
  await s3.createBucket('plain');
  proxy = await startS3Proxy(s3.endpoint);
  proxy.enableObjectLock('locked');
  client = new S3Client({ endpoint: proxy.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS, requestChecksumCalculation: 'WHEN_REQUIRED', maxAttempts: 1 });
  Object.assign(process.env, s3.env, { DESKVAULT_HOME: makeTempDir('dv-lock-home-'), DESKVAULT_S3_TIMEOUT_MS: '5000' });
});
afterAll(async () => {
  process.env = savedEnv;
  client?.destroy();
  await proxy?.close();
  await s3?.close();
  removeTempDirs();
});

const location = (bucket = 'locked'): string => `s3://${bucket}/v${++n}?endpoint=${encodeURIComponent(proxy.endpoint)}&path-style=true&region=us-east-1`;
const prefixOf = (loc: string): string => new URL(loc).pathname.slice(1);
const open = (loc: string): Promise<VaultSession> => openVault(loc, 'pw', {}, { now });

async function keysUnder(bucket: string, prefix: string): Promise<string[]> {
  const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const out: string[] = [];
  let token: string | undefined;
  do {
    const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}/`, ContinuationToken: token }));
    for (const o of r.Contents ?? []) out.push(o.Key!.slice(prefix.length + 1));
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out.sort();
}

const reqs = (action: string): number => proxy.requests[action] ?? 0;

describe('init with Object Lock', () => {
  it("vaults.add with a lock makes a locked vault (and records the vault's own lock); a bucket without Object Lock registers nothing", async () => {
    const home = makeTempDir('dv-lock-svc-');
    const svc = await DeskVaultService.start({ home, keyStore: new FileKeyStore(home), noDefaultVault: true });
    try {
      const loc = location();
      const r = await svc.api['vaults.add']({ name: 'locked', location: loc, keyProvider: 'app', lock: { mode: 'governance', days: 7 } });
      expect(r.vault.lock).toEqual({ mode: 'governance', days: 7 });
      const got = await client.send(new GetObjectCommand({ Bucket: 'locked', Key: `${prefixOf(loc)}/config` }));
      const config = JSON.parse(await got.Body!.transformToString()) as { objectLock?: unknown };
      expect(config.objectLock).toMatchObject({ mode: 'GOVERNANCE', days: 7 });
      const plain = location('plain');
      await expect(svc.api['vaults.add']({ name: 'plain', location: plain, keyProvider: 'app', lock: { mode: 'governance', days: 7 } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      expect((await svc.api['vaults.list']({})).map((v) => v.name)).toEqual(['locked']);
      expect(await keysUnder('plain', prefixOf(plain))).toEqual([]);
    } finally {
      await svc.stop();
    }
  });

  it('is refused on a bucket without Object Lock, and on a folder, with nothing written', async () => {
    const loc = location('plain');
    const err = await initVault(loc, { passphrase: 'pw' }, { objectLock: { mode: 'GOVERNANCE', days: 7 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeskVaultError);
    expect(err).toMatchObject({ code: 'INVALID_INPUT' });
    expect((err as Error).message).toMatch(/the bucket plain does not have S3 Object Lock enabled.*nothing was written/);
    expect(await keysUnder('plain', prefixOf(loc))).toEqual([]);

    const dir = path.join(makeTempDir('dv-lock-local-'), 'vault');
    await expect(initVault(dir, { passphrase: 'pw' }, { objectLock: { mode: 'GOVERNANCE', days: 7 } })).rejects.toMatchObject({ code: 'USAGE', message: expect.stringMatching(/a folder .* cannot enforce retention/) });
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('names a missing Object Lock right before writing anything', async () => {
    const loc = location();
    proxy.deny('s3:GetBucketObjectLockConfiguration', 's3:PutObjectRetention');
    try {
      const err = await initVault(loc, { passphrase: 'pw' }, { objectLock: { mode: 'GOVERNANCE', days: 7 } }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ACCESS_DENIED', data: { permissions: ['s3:GetBucketObjectLockConfiguration', 's3:PutObjectRetention'] } });
    } finally {
      proxy.allowAll();
    }
    expect((await keysUnder('locked', prefixOf(loc))).filter((k) => !k.startsWith('doctor/'))).toEqual([]);
  });
});

describe('a locked vault', () => {
  const DAYS = 8; // slack = a quarter: 2 days
  let loc: string;
  let src: string;

  beforeAll(async () => {
    loc = location();
    src = path.join(makeTempDir('dv-lock-src-'), 'work');
    buildSourceTree(src, 11, { files: 40, maxSize: 96 * 1024 });
    const s = await initVault(loc, { passphrase: 'pw' }, { objectLock: { mode: 'GOVERNANCE', days: DAYS }, now });
    expect(s.objectLock).toEqual({ mode: 'GOVERNANCE', days: DAYS });
  });

  it('writes config, key slots, packs and the manifest with retention; index, leases and ledger without', async () => {
    const s = await open(loc);
    const { point } = await s.backup({ paths: [src] });
    expect(point.lock?.mode).toBe('GOVERNANCE');
    const need = Date.parse(point.lock!.until);
    expect(Math.abs(need - (now() + DAYS * DAY))).toBeLessThan(60_000);
    const keys = await keysUnder('locked', prefixOf(loc));
    const locked = keys.filter((k) => proxy.retentionOf('locked', `${prefixOf(loc)}/${k}`));
    const lockable = keys.filter((k) => k === 'config' || /^(keys|data|meta|points)\//.test(k));
    expect(locked).toEqual(lockable);
    expect(keys.some((k) => k.startsWith('index/'))).toBe(true);
    expect(keys.some((k) => k.startsWith('retention/'))).toBe(true);
    for (const k of lockable) {
      const r = proxy.retentionOf('locked', `${prefixOf(loc)}/${k}`)!;
      expect(r.mode).toBe('GOVERNANCE');
      expect(r.until.getTime(), k).toBeGreaterThanOrEqual(need);
    }
    // The manifest is locked exactly to the point's date; everything else has the slack beyond it.
    expect(proxy.retentionOf('locked', `${prefixOf(loc)}/points/${point.id}`)!.until.toISOString()).toBe(point.lock!.until);
  });

  it('a later point extends only the reused objects whose retention is too short, once per slack period', async () => {
    advance(3 * DAY); // beyond the 2-day slack: every reused pack is now too short for a new point
    const before = { put: reqs('s3:PutObjectRetention'), get: reqs('s3:GetObjectRetention') };
    const s = await open(loc);
    const { point } = await s.backup({ paths: [src] }); // nothing changed: the same packs
    const prefix = prefixOf(loc);
    const needed = (await keysUnder('locked', prefix)).filter((k) => k === 'config' || /^(keys|data|meta)\//.test(k));
    expect(reqs('s3:PutObjectRetention') - before.put).toBe(needed.length); // one extension each
    expect(reqs('s3:GetObjectRetention') - before.get).toBe(0); // the ledger knew every date
    for (const k of needed) expect(proxy.retentionOf('locked', `${prefix}/${k}`)!.until.getTime(), k).toBeGreaterThanOrEqual(Date.parse(point.lock!.until));

    advance(DAY); // within the slack of those extensions: nothing to extend
    const mid = { put: reqs('s3:PutObjectRetention'), get: reqs('s3:GetObjectRetention') };
    const third = await (await open(loc)).backup({ paths: [src] });
    expect(reqs('s3:PutObjectRetention') - mid.put).toBe(0);
    expect(reqs('s3:GetObjectRetention') - mid.get).toBe(0);
    expect(third.point.lock).toBeDefined();
  });

  it('forget refuses to remove locked points, naming the date; --dry-run shows it; nothing is removed', async () => {
    const s = await open(loc);
    const points = await s.points();
    expect(points.length).toBe(3);
    const dry = await s.forget({ last: 1 }, { dryRun: true, now });
    const removed = dry.filter((d) => !d.keep);
    expect(removed.map((d) => d.lockedUntil)).toEqual(points.slice(0, 2).map((p) => p.lock!.until));
    const err = await s.forget({ last: 1 }, { now }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'OBJECT_LOCKED', data: { lockedUntil: points[1].lock!.until, firstUnlock: points[0].lock!.until, lockDays: DAYS } });
    expect((err as Error).message).toContain(`under Object Lock until ${points[1].lock!.until}`);
    expect((await s.points()).map((p) => p.id)).toEqual(points.map((p) => p.id));
  });

  it('a raw S3 DELETE of a locked pack only adds a delete marker (as on real S3); a versioned one is refused', async () => {
    const prefix = prefixOf(loc);
    const pack = (await keysUnder('locked', prefix)).find((k) => k.startsWith('data/'))!;
    const bytes = Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: 'locked', Key: `${prefix}/${pack}` }))).Body!.transformToByteArray());
    await expect(client.send(new DeleteObjectCommand({ Bucket: 'locked', Key: `${prefix}/${pack}`, VersionId: 'current' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    await client.send(new DeleteObjectCommand({ Bucket: 'locked', Key: `${prefix}/${pack}` }));
    await expect(client.send(new GetObjectCommand({ Bucket: 'locked', Key: `${prefix}/${pack}` }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    const kept = proxy.lockedVersions().find((v) => v.key === `${prefix}/${pack}`)!;
    expect(kept.why).toBe('deleted');
    expect(kept.bytes.equals(bytes)).toBe(true);
  });
});

describe('forget and prune once locks end', () => {
  const DAYS = 4; // slack 1 day
  it('prune keeps garbage packs still locked, reports until when, and frees them after', async () => {
    const loc = location();
    const root = makeTempDir('dv-lock-gc-');
    const src = path.join(root, 'work');
    buildSourceTree(src, 21, { files: 20, maxSize: 64 * 1024 });
    await initVault(loc, { passphrase: 'pw' }, { objectLock: { mode: 'COMPLIANCE', days: DAYS }, now });
    const first = await (await open(loc)).backup({ paths: [src] });
    fs.rmSync(src, { recursive: true });
    buildSourceTree(src, 22, { files: 20, maxSize: 64 * 1024 }); // other content: the first point's packs become garbage once it is gone
    advance(DAY);
    const second = await (await open(loc)).backup({ paths: [src] });
    expect(second.point.lock?.mode).toBe('COMPLIANCE');

    advance(DAYS * DAY - DAY / 2); // the first point's lock has ended; its packs (slack) have not
    const s = await open(loc);
    const decisions = await s.forget({ last: 1 }, { now });
    expect(decisions.filter((d) => !d.keep).map((d) => d.point.id)).toEqual([first.point.id]);
    const dataBefore = (await keysUnder('locked', prefixOf(loc))).filter((k) => k.startsWith('data/'));
    const dry = await s.prune({ dryRun: true, now });
    expect(dry.packsLocked).toBeGreaterThan(0);
    expect(dry.packsDeleted).toBe(0);
    const r = await s.prune({ now });
    expect(r).toMatchObject({ packsDeleted: 0, packsLocked: dry.packsLocked, lockedUntil: dry.lockedUntil });
    expect(Date.parse(r.lockedUntil!)).toBeGreaterThan(now());
    expect((await keysUnder('locked', prefixOf(loc))).filter((k) => k.startsWith('data/'))).toEqual(dataBefore);

    advance(Date.parse(r.lockedUntil!) - now() + 1000);
    const after = await (await open(loc)).prune({ now });
    expect(after.packsLocked).toBe(0);
    expect(after.packsDeleted).toBeGreaterThan(0);
    expect(proxy.lockedVersions().filter((v) => v.key.startsWith(prefixOf(loc)))).toEqual([]); // nothing deleted while locked

    // The remaining point restores byte for byte.
    const target = makeTempDir('dv-lock-restore-');
    const s2 = await open(loc);
    await s2.restore({ point: 'latest', paths: [], mode: { kind: 'target', dir: target }, conflict: 'overwrite' });
    expect(diffTrees(src, path.join(target, src))).toEqual([]);
  });
});

describe('doctor on a locked vault', () => {
  it('probes and names the Object Lock rights, and its policy includes them', async () => {
    const loc = location();
    await initVault(loc, { passphrase: 'pw' }, { objectLock: { mode: 'GOVERNANCE', days: 1 }, now });
    const ok = await doctor(loc);
    expect(ok.ok).toBe(true);
    expect(ok.vault?.objectLock).toEqual({ mode: 'GOVERNANCE', days: 1 });
    const lockRights = ['s3:GetObjectRetention', 's3:GetBucketObjectLockConfiguration', 's3:PutObjectRetention'];
    expect(ok.checks.filter((c) => lockRights.includes(c.permission)).map((c) => c.ok)).toEqual([true, true, true]);
    const actions = (ok.policy as { Statement: { Action: string[] }[] }).Statement.flatMap((x) => x.Action).sort();
    expect(actions).toEqual(ok.checks.map((c) => c.permission).sort());
    proxy.deny('s3:PutObjectRetention');
    try {
      const bad = await doctor(loc);
      expect(bad.checks.filter((c) => !c.ok)).toEqual([expect.objectContaining({ permission: 's3:PutObjectRetention', message: 'missing' })]);
    } finally {
      proxy.allowAll();
    }
  });
});
