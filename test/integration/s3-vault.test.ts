/**
 * A whole vault on S3 (s3rver on 127.0.0.1, the real AWS SDK): through the CLI as a person uses it,
 * and through the engine with a quarter of all S3 requests failing (seeded) behind the shared retry
 * wrapper — backups complete, restores are byte-identical, check --read-data passes.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../main/engine/backup/backup.js';
import { check } from '../../main/engine/check/check.js';
import { Vault } from '../../main/engine/repo/vault.js';
import { restore } from '../../main/engine/restore/restore.js';
import { FaultyStore } from '../../main/engine/storage/faulty-store.js';
import { RetryStore } from '../../main/engine/storage/retry-store.js';
import { S3Store } from '../../main/engine/storage/s3/s3-store.js';
import { buildSourceTree, diffTrees, dvAsync, expectStatus, parseJson, show } from '../helpers/cli.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';

let s3: S3TestServer;
let src: string;
beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket('vaults');
  src = path.join(makeTempDir('dv-s3src-'), 'docs');
  buildSourceTree(src, 11, { files: 60, maxSize: 200 * 1024, specials: true });
});
afterAll(async () => {
  await s3?.close();
  removeTempDirs();
});

// The CLI runs as a child process and s3rver in this one: children must be awaited (dvAsync),
// never run with spawnSync, which would block the server they talk to.
describe('an S3 vault through the CLI', () => {
  it('init, backup, points, restore byte for byte, check --read-data', async () => {
    const vault = `s3://vaults/cli/one?endpoint=${encodeURIComponent(s3.endpoint)}&path-style=true&region=us-east-1`;
    const env = { env: s3.env };
    expectStatus(await dvAsync(vault, 'init', [], env), 0);
    const again = await dvAsync(vault, 'init', [], env);
    expect(again.status, show(again)).toBe(1);
    const b = parseJson<{ id: string; stats: { files: number } }>(expectStatus(await dvAsync(vault, 'backup', ['--json', src], env), 0));
    expect(b.stats.files).toBeGreaterThan(50);
    const second = parseJson<{ stats: { unchangedFiles: number; storedBytes: number } }>(expectStatus(await dvAsync(vault, 'backup', ['--json', src], env), 0));
    expect(second.stats.unchangedFiles).toBe(b.stats.files);
    const target = makeTempDir('dv-s3restore-');
    expectStatus(await dvAsync(vault, 'restore', [b.id.slice(0, 10), '--target', target], env), 0);
    expect(diffTrees(src, path.join(target, src))).toEqual([]);
    expectStatus(await dvAsync(vault, 'check', ['--read-data'], env), 0);
  });

  it('a bucket that does not exist is one clear sentence, exit 1', async () => {
    const vault = `s3://no-such-bucket/x?endpoint=${encodeURIComponent(s3.endpoint)}&path-style=true`;
    const r = await dvAsync(vault, 'points', [], { env: s3.env });
    expect(r.status, show(r)).toBe(1);
    expect(r.stderr.trim()).toMatch(/^deskvault: the bucket of s3:\/\/no-such-bucket\/x does not exist/);
  });
});

describe('an S3 vault with 25% of requests failing', () => {
  it('backups complete, restores are byte-identical, check passes, nothing half-written', async () => {
    const faults = new FaultyStore(new S3Store({ bucket: 'vaults', prefix: 'faulty' }, { client: s3.client }), { seed: 42, rate: 0.25 });
    const store = new RetryStore(faults, { attempts: 12, sleep: async () => undefined });
    const vault = await Vault.init(store, { passphrase: 'pw', packSize: 256 * 1024, chunker: { minSize: 4096, avgSize: 16384, maxSize: 65536 } });
    const r1 = await backup(vault, { paths: [src] });
    expect(r1.point.status).toBe('COMPLETED');
    const r2 = await backup(vault, { paths: [src] });
    expect(r2.point.stats.unchangedFiles).toBe(r1.point.stats.files);
    const { index } = await vault.loadIndex();
    const target = makeTempDir('dv-s3faulty-');
    const res = await restore(vault, index, { point: r1.point, mode: { kind: 'target', dir: target } });
    expect(res.errors).toEqual([]);
    expect(diffTrees(src, path.join(target, src))).toEqual([]);
    const c = await check(vault, { readData: true });
    expect(c.problems).toEqual([]);
    expect(faults.injected).toBeGreaterThan(10);
    // No unfinished or stray objects: every object is a known kind.
    const keys: string[] = [];
    for await (const o of store.list('')) keys.push(o.key);
    expect(keys.filter((k) => !/^(config|keys\/|data\/|meta\/|index\/|points\/)/.test(k))).toEqual([]);
  });
});
