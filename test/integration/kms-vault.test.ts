/**
 * AWS KMS envelope encryption against the KMS protocol double (test/fakes/kms-double.ts) with the
 * real @aws-sdk/client-kms: vaults that open with no passphrase, encryption contexts bound to the
 * vault id, a recovery passphrase, rotation without rewriting data, and every KMS error as a sentence.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../main/service/keys/key-store.js';
import { DeskVaultService } from '../../main/service/index.js';
import { backup } from '../../main/engine/backup/backup.js';
import { Vault } from '../../main/engine/repo/vault.js';
import { removeSlot } from '../../main/engine/repo/key-slots.js';
import { LocalStore } from '../../main/engine/storage/local-store.js';
import { startKmsDouble, type KmsDouble } from '../fakes/kms-double.js';
import { buildSourceTree, dvAsync, expectStatus, parseJson, show } from '../helpers/cli.js';
import { listObjects, makeTempDir, removeTempDirs } from '../helpers/files.js';

let kms: KmsDouble;
let client: KMSClient;
let src: string;
const creds = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'secret', AWS_REGION: 'us-east-1' };

beforeAll(async () => {
  kms = await startKmsDouble();
  client = new KMSClient({ endpoint: kms.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
  src = path.join(makeTempDir('dv-kmssrc-'), 'src');
  buildSourceTree(src, 3, { files: 20, maxSize: 32 * 1024 });
});
afterAll(async () => {
  client?.destroy();
  await kms?.close();
  removeTempDirs();
});

const newVaultDir = (): string => path.join(makeTempDir('dv-kms-'), 'vault');

describe('KMS key slots (engine)', () => {
  it('a vault made with a KMS key opens with no passphrase; the slot holds no plaintext key', async () => {
    kms.createKey('backups');
    const dir = newVaultDir();
    const before = kms.calls.GenerateDataKey ?? 0;
    const v = await Vault.init(new LocalStore(dir), { kmsKey: 'alias/backups', kms: { client } });
    await backup(v, { paths: [src] });
    expect(kms.calls.GenerateDataKey).toBe(before + 1);
    const slots = listObjects(dir, 'keys/').map((k) => JSON.parse(fs.readFileSync(path.join(dir, k), 'utf8')));
    expect(slots).toHaveLength(1);
    expect(slots[0]).toMatchObject({ kind: 'kms', keyId: 'alias/backups' });
    expect(slots[0].keyArn).toMatch(/^arn:aws:kms:us-east-1:\d+:key\//);
    const decrypts = kms.calls.Decrypt ?? 0;
    const reopened = await Vault.open(new LocalStore(dir), null, { client });
    expect(kms.calls.Decrypt).toBe(decrypts + 1);
    expect((await reopened.listPoints())).toHaveLength(1);
  });

  it('the encryption context is the vault id: a moved vault opens, a slot copied into another vault does not', async () => {
    kms.createKey('ctx');
    const dir = newVaultDir();
    await Vault.init(new LocalStore(dir), { kmsKey: 'alias/ctx', kms: { client } });
    const moved = path.join(makeTempDir('dv-kms-moved-'), 'elsewhere');
    fs.cpSync(dir, moved, { recursive: true });
    await expect(Vault.open(new LocalStore(moved), null, { client })).resolves.toBeInstanceOf(Vault);
    const other = newVaultDir();
    await Vault.init(new LocalStore(other), { passphrase: 'pw' });
    for (const k of listObjects(other, 'keys/')) fs.rmSync(path.join(other, k));
    for (const k of listObjects(dir, 'keys/')) fs.copyFileSync(path.join(dir, k), path.join(other, k));
    await expect(Vault.open(new LocalStore(other), null, { client })).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringMatching(/refused this vault's wrapped key/) });
  });

  it('every KMS failure is one clear sentence; a recovery passphrase still opens the vault', async () => {
    const { id } = kms.createKey('flaky');
    const dir = newVaultDir();
    await Vault.init(new LocalStore(dir), { kmsKey: 'alias/flaky', passphrase: 'recovery', kms: { client } });
    kms.deny('kms:Decrypt');
    await expect(Vault.open(new LocalStore(dir), null, { client })).rejects.toMatchObject({ code: 'ACCESS_DENIED', data: { permission: 'kms:Decrypt' } });
    kms.allowAll();
    kms.setEnabled(id, false);
    await expect(Vault.open(new LocalStore(dir), null, { client })).rejects.toThrow(/is disabled/);
    kms.setEnabled(id, true);
    kms.schedulePendingDeletion(id);
    await expect(Vault.open(new LocalStore(dir), null, { client })).rejects.toThrow(/pending deletion/);
    // Losing KMS access is not losing the data.
    await expect(Vault.open(new LocalStore(dir), 'recovery')).resolves.toBeInstanceOf(Vault);
    await expect(Vault.init(new LocalStore(newVaultDir()), { kmsKey: 'alias/no-such-key', kms: { client } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    kms.deny('kms:GenerateDataKey');
    await expect(Vault.init(new LocalStore(newVaultDir()), { kmsKey: 'alias/backups', kms: { client } })).rejects.toMatchObject({ code: 'ACCESS_DENIED', data: { permission: 'kms:GenerateDataKey' } });
    kms.allowAll();
  });

  it('rotation to a new KMS key re-wraps the key only: no data object changes', async () => {
    kms.createKey('old');
    kms.createKey('new');
    const dir = newVaultDir();
    const v = await Vault.init(new LocalStore(dir), { kmsKey: 'alias/old', kms: { client } });
    await backup(v, { paths: [src] });
    const dataBefore = listObjects(dir, 'data/').map((k) => `${k}:${fs.statSync(path.join(dir, k)).mtimeMs}`);
    const oldSlot = v.openedSlot!.id;
    // Adding a slot to an existing vault wraps with kms:Encrypt, not a new data key.
    const generated = kms.calls.GenerateDataKey ?? 0;
    kms.deny('kms:Encrypt');
    await expect(v.addKmsSlot('alias/new', { client })).rejects.toMatchObject({ code: 'ACCESS_DENIED', data: { permission: 'kms:Encrypt' } });
    kms.allowAll();
    const encrypts = kms.calls.Encrypt ?? 0;
    await v.addKmsSlot('alias/new', { client });
    expect(kms.calls.Encrypt).toBe(encrypts + 1);
    expect(kms.calls.GenerateDataKey ?? 0).toBe(generated);
    await removeSlot(v.store, oldSlot);
    const reopened = await Vault.open(new LocalStore(dir), null, { client });
    expect(reopened.openedSlot).toMatchObject({ kind: 'kms', keyId: 'alias/new' });
    expect(listObjects(dir, 'data/').map((k) => `${k}:${fs.statSync(path.join(dir, k)).mtimeMs}`)).toEqual(dataBefore);
  });
});

describe('KMS through the CLI', () => {
  // The double runs in this process: CLI children must be awaited, never spawnSync'ed.
  it('init --kms-key, backups with no passphrase, a recovery passphrase added and used', async () => {
    kms.createKey('cli');
    const vault = newVaultDir();
    const env = { ...creds, AWS_ENDPOINT_URL_KMS: kms.endpoint, DESKVAULT_PASSWORD: undefined };
    const init = expectStatus(await dvAsync(vault, 'init', ['--kms-key', 'alias/cli'], { env }), 0);
    expect(init.stderr).toContain('No recovery passphrase');
    const b = parseJson<{ status: string }>(expectStatus(await dvAsync(vault, 'backup', ['--json', src], { env }), 0));
    expect(b.status).toBe('COMPLETED');
    expectStatus(await dvAsync(vault, ['key', 'add'], [], { env: { ...env, DESKVAULT_NEW_PASSWORD: 'recovery' } }), 0);
    const keys = parseJson<{ kind: string; kmsKey?: string }[]>(expectStatus(await dvAsync(vault, ['key', 'list'], ['--json'], { env }), 0));
    expect(keys.map((k) => k.kind).sort()).toEqual(['kms', 'passphrase']);
    // Without KMS access at all, the recovery passphrase opens it.
    const r = await dvAsync(vault, 'points', ['--json'], { env: { ...creds, AWS_ENDPOINT_URL_KMS: 'http://127.0.0.1:1', DESKVAULT_PASSWORD: 'recovery' } });
    expect(r.status, show(r)).toBe(0);
    kms.deny('kms:Decrypt');
    const denied = await dvAsync(vault, 'points', [], { env });
    kms.allowAll();
    expect(denied.status, show(denied)).toBe(1);
    expect(denied.stderr.trim()).toMatch(/^deskvault: access denied: the AWS credentials in use lack kms:Decrypt on the KMS key alias\/cli$/);
  });
});

describe('testing a KMS key before a vault uses it', () => {
  type Check = { permission: string; ok: boolean; message?: string };

  it('doctor --kms-key tries every right a new KMS vault needs, names the missing one, and writes nothing', async () => {
    kms.createKey('probe');
    const vault = newVaultDir();
    const env = { ...creds, AWS_ENDPOINT_URL_KMS: kms.endpoint };
    const before = { ...kms.calls };
    const ok = parseJson<{ ok: boolean; checks: Check[] }>(expectStatus(await dvAsync(vault, 'doctor', ['--json', '--kms-key', 'alias/probe'], { env }), 0));
    expect(ok.checks.filter((c) => c.permission.startsWith('kms:')).map((c) => [c.permission, c.ok])).toEqual([
      ['kms:DescribeKey', true],
      ['kms:GenerateDataKey', true],
      ['kms:Encrypt', true],
      ['kms:Decrypt', true],
    ]);
    // Really asked of KMS, not assumed.
    expect((kms.calls.Decrypt ?? 0) - (before.Decrypt ?? 0)).toBe(1);
    kms.deny('kms:Encrypt');
    const denied = await dvAsync(vault, 'doctor', ['--kms-key', 'alias/probe'], { env });
    kms.allowAll();
    expect(denied.status, show(denied)).toBe(1);
    expect(denied.stdout).toMatch(/kms:Encrypt\s+MISSING/);
    expect(denied.stdout).toContain('missing or failing: kms:Encrypt');
    expect(listObjects(vault, '')).toEqual([]);
  });

  it('vaults.test with kmsKey (the vault form\'s "Test connection") reports the key\'s rights next to the location\'s', async () => {
    kms.createKey('form');
    const saved = { ...process.env };
    Object.assign(process.env, creds, { AWS_ENDPOINT_URL_KMS: kms.endpoint });
    const home = makeTempDir('dv-kmshome-');
    const svc = await DeskVaultService.start({ home, kind: 'test', keyStore: new FileKeyStore(home), noDefaultVault: true });
    try {
      const location = newVaultDir();
      const good = await svc.api['vaults.test']({ location, kmsKey: 'alias/form' });
      expect(good).toMatchObject({ ok: true, locationOk: true, vaultExists: false, problem: null });
      expect(good.checks.map((c) => c.permission)).toEqual(['write', 'read', 'delete', 'kms:DescribeKey', 'kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt']);
      kms.deny('kms:GenerateDataKey');
      const bad = await svc.api['vaults.test']({ location, kmsKey: 'alias/form' });
      expect(bad).toMatchObject({ ok: false, locationOk: true, problem: 'missing: kms:GenerateDataKey' });
      // Decrypt is still tried, on what Encrypt returned.
      expect(bad.checks.find((c) => c.permission === 'kms:Decrypt')).toMatchObject({ ok: true });
      kms.allowAll();
      const noKey = await svc.api['vaults.test']({ location, kmsKey: 'alias/none' });
      expect(noKey.checks.find((c) => c.permission === 'kms:DescribeKey')?.message).toBe('the KMS key alias/none does not exist in this account and region');
      // An unreachable location fails as a whole, and the key is still tested next to it.
      kms.deny('kms:Encrypt');
      const unreachable = await svc.api['vaults.test']({ location: 's3://bucket/p?endpoint=http://127.0.0.1:1&path-style=true', kmsKey: 'alias/form' });
      expect(unreachable).toMatchObject({ ok: false, locationOk: false, vaultExists: false });
      expect(unreachable.problem).toMatch(/^cannot reach s3:\/\/bucket\/p \(ECONNREFUSED\)/);
      expect(unreachable.checks.map((c) => [c.permission, c.ok])).toEqual([
        ['kms:DescribeKey', true],
        ['kms:GenerateDataKey', true],
        ['kms:Encrypt', false],
        ['kms:Decrypt', true],
      ]);
    } finally {
      kms.allowAll();
      await svc.stop();
      process.env = saved;
    }
  });
});
