/**
 * S3 behaviour s3rver cannot show by itself, through a proxy that answers as S3 does
 * (test/helpers/s3-proxy.ts): missing permissions named by their IAM names (doctor, and the failing
 * command itself), and network faults — 500, 503 SlowDown, reset connections, stalled responses —
 * on ~5% of requests, with backup, restore and check still completing byte for byte.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKmsDouble, type KmsDouble } from '../fakes/kms-double.js';
import { buildSourceTree, diffTrees, dvAsync, expectStatus, parseJson, show } from '../helpers/cli.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';
import { startS3Proxy, type S3Proxy } from '../helpers/s3-proxy.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';

let s3: S3TestServer;
let proxy: S3Proxy;
let kms: KmsDouble;
let src: string;
let n = 0;

beforeAll(async () => {
  s3 = await startS3Server();
  await s3.createBucket('guarded');
  proxy = await startS3Proxy(s3.endpoint);
  kms = await startKmsDouble();
  src = path.join(makeTempDir('dv-s3f-'), 'work');
  buildSourceTree(src, 5, { files: 80, maxSize: 160 * 1024, specials: true });
});
afterAll(async () => {
  await proxy?.close();
  await kms?.close();
  await s3?.close();
  removeTempDirs();
});

const location = (): string => `s3://guarded/v${++n}?endpoint=${encodeURIComponent(proxy.endpoint)}&path-style=true&region=us-east-1`;
const env = (): Record<string, string> => ({ ...s3.env, AWS_ENDPOINT_URL_KMS: kms.endpoint, DESKVAULT_S3_TIMEOUT_MS: '1500' });

interface DoctorJson {
  ok: boolean;
  checks: { permission: string; ok: boolean; message?: string }[];
  policy: { Statement: { Action: string[] }[] };
}

describe('missing permissions', () => {
  it('doctor names each missing right by its IAM name and prints the policy from the same table', async () => {
    const vault = location();
    expectStatus(await dvAsync(vault, 'init', [], { env: env() }), 0);
    const ok = parseJson<DoctorJson>(expectStatus(await dvAsync(vault, 'doctor', ['--json'], { env: env() }), 0));
    expect(ok.checks.map((c) => c.permission)).toEqual(['s3:ListBucket', 's3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListBucketMultipartUploads']);
    expect(ok.policy.Statement.flatMap((s) => s.Action).sort()).toEqual(ok.checks.map((c) => c.permission).sort());
    proxy.deny('s3:DeleteObject', 's3:ListBucketMultipartUploads');
    try {
      const r = await dvAsync(vault, 'doctor', [], { env: env() });
      expect(r.status, show(r)).toBe(1);
      expect(r.stdout).toMatch(/s3:DeleteObject\s+MISSING/);
      expect(r.stdout).toMatch(/s3:ListBucketMultipartUploads\s+MISSING/);
      expect(r.stdout).toMatch(/s3:PutObject\s+ok/);
      expect(r.stdout).toContain('missing or failing: s3:DeleteObject, s3:ListBucketMultipartUploads');
    } finally {
      proxy.allowAll();
    }
  });

  it('a backup without s3:PutObject fails with one sentence naming it, and nothing is half-written', async () => {
    const vault = location();
    expectStatus(await dvAsync(vault, 'init', [], { env: env() }), 0);
    proxy.deny('s3:PutObject');
    try {
      const r = await dvAsync(vault, 'backup', [src], { env: env() });
      expect(r.status, show(r)).toBe(1);
      expect(r.stderr.trim()).toMatch(/^deskvault: access denied: the AWS credentials in use lack s3:PutObject on s3:\/\/guarded\/v\d+$/);
    } finally {
      proxy.allowAll();
    }
    expectStatus(await dvAsync(vault, 'check', [], { env: env() }), 0);
  });

  it('init runs the same preflight and names what is missing before writing anything', async () => {
    const vault = location();
    proxy.deny('s3:DeleteObject');
    try {
      const r = await dvAsync(vault, 'init', [], { env: env() });
      expect(r.status, show(r)).toBe(1);
      expect(r.stderr).toMatch(/lack s3:DeleteObject on s3:\/\/guarded\/v\d+; run `deskvault doctor --print-policy`/);
    } finally {
      proxy.allowAll();
    }
    expect((await dvAsync(vault, 'points', [], { env: env() })).stderr).toMatch(/no vault at/);
  });

  it('doctor checks the KMS key of a KMS vault too', async () => {
    kms.createKey('doctor');
    const vault = location();
    expectStatus(await dvAsync(vault, 'init', ['--kms-key', 'alias/doctor'], { env: { ...env(), DESKVAULT_PASSWORD: undefined } }), 0);
    kms.deny('kms:GenerateDataKey');
    kms.deny('kms:Encrypt');
    try {
      const r = parseJson<DoctorJson>(await dvAsync(vault, 'doctor', ['--json'], { env: env() }));
      expect(r.ok).toBe(false);
      expect(r.checks.filter((c) => !c.ok).map((c) => `${c.permission}:${c.message}`)).toEqual(['kms:GenerateDataKey:missing', 'kms:Encrypt:missing']);
      expect(JSON.stringify(r.policy)).toContain('kms:Decrypt');
    } finally {
      kms.allowAll();
    }
  });
});

describe('the local metadata cache', () => {
  it('browsing a point again downloads no metadata; deleting the cache only costs downloads', async () => {
    const vault = location();
    // Backed up from "another machine" (its own state folder), browsed from this one.
    expectStatus(await dvAsync(vault, 'init', [], { env: { ...env(), DESKVAULT_HOME: makeTempDir('dv-home-') } }), 0);
    expectStatus(await dvAsync(vault, 'backup', [src], { env: { ...env(), DESKVAULT_HOME: makeTempDir('dv-home-') } }), 0);
    const home = makeTempDir('dv-home-');
    const e = { ...env(), DESKVAULT_HOME: home };
    const gets = async (): Promise<number> => {
      const before = proxy.requests['s3:GetObject'] ?? 0;
      expectStatus(await dvAsync(vault, 'ls', ['latest', src], { env: e }), 0);
      return (proxy.requests['s3:GetObject'] ?? 0) - before;
    };
    const first = await gets();
    const second = await gets();
    // Config and key slots are always read; the index, manifest and listings come from the cache.
    expect(second, `first ${first}, second ${second}`).toBeLessThanOrEqual(first - 3);
    expect(fs.readdirSync(path.join(home, 'cache'))).toHaveLength(1);
    fs.rmSync(path.join(home, 'cache'), { recursive: true });
    expect(await gets()).toBe(first);
  });
});

describe('network faults on ~5% of S3 requests', () => {
  it('four backups of a changing tree, restores of each and check --read-data all complete, byte-identical', async () => {
    const vault = location();
    expectStatus(await dvAsync(vault, 'init', [], { env: env() }), 0);
    const tree = path.join(makeTempDir('dv-s3f-tree-'), 'work');
    fs.cpSync(src, tree, { recursive: true });
    const snapshots: { id: string; copy: string }[] = [];
    proxy.faults({ seed: 7, rate: 0.05 });
    try {
      for (let round = 0; round < 4; round++) {
        buildSourceTree(path.join(tree, `round-${round}`), 100 + round, { files: 15, maxSize: 96 * 1024 });
        const b = parseJson<{ id: string; status: string }>(expectStatus(await dvAsync(vault, 'backup', ['--json', tree], { env: env() }), 0));
        expect(b.status).toBe('COMPLETED');
        const copy = path.join(makeTempDir('dv-s3f-copy-'), 'work');
        fs.cpSync(tree, copy, { recursive: true, verbatimSymlinks: true });
        snapshots.push({ id: b.id, copy });
      }
      for (const snap of snapshots) {
        const target = makeTempDir('dv-s3f-restore-');
        expectStatus(await dvAsync(vault, 'restore', [snap.id, '--target', target], { env: env() }), 0);
        expect(diffTrees(snap.copy, path.join(target, tree))).toEqual([]);
      }
      expectStatus(await dvAsync(vault, 'check', ['--read-data'], { env: env() }), 0);
    } finally {
      proxy.faults(null);
    }
    const total = Object.values(proxy.injected).reduce((a, b) => a + b, 0);
    expect(total, JSON.stringify(proxy.injected)).toBeGreaterThanOrEqual(5);
    expect(proxy.injected.stall + proxy.injected.reset, JSON.stringify(proxy.injected)).toBeGreaterThan(0);
    // Nothing half-written: without faults, a full check passes and notes no orphan packs.
    const c = parseJson<{ ok: boolean; notes: string[] }>(expectStatus(await dvAsync(vault, 'check', ['--json'], { env: env() }), 0));
    expect(c.ok).toBe(true);
    expect(c.notes.filter((x) => x.includes('not indexed'))).toEqual([]);
  });
});
