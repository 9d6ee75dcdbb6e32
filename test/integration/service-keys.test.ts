/**
 * `keys.list|add|remove` through the real service and real vaults: the app-managed slot is the
 * current one; a recovery passphrase added through the API opens the vault in the CLI, and stops
 * opening it once removed; the slot the service opens a vault with is refused (app key, saved
 * passphrase, a KMS key with no other KMS slot that opens), the last slot in the engine's words; a
 * KMS rotation (add the new key, remove the old slot) against the KMS protocol double, with
 * kms:Encrypt and kms:Decrypt denials named; every change audited, no passphrase in the trail.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileKeyStore } from '../../main/service/keys/key-store.js';
import { DeskVaultService } from '../../main/service/index.js';
import { startKmsDouble, type KmsDouble } from '../fakes/kms-double.js';
import { dvAsync, show } from '../helpers/cli.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';

const RECOVERY = 'correct horse battery staple';

describe('key slots through the service', () => {
  let home: string;
  let cliHome: string;
  let svc: DeskVaultService;
  let kms: KmsDouble;
  let local: string;

  beforeAll(async () => {
    kms = await startKmsDouble();
    // The service's KMS client is made in this process: the double's endpoint and test credentials.
    vi.stubEnv('AWS_ENDPOINT_URL_KMS', kms.endpoint);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDTEST');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    home = makeTempDir('dv-keys-home-');
    cliHome = makeTempDir('dv-keys-cli-');
    svc = await DeskVaultService.start({ home, kind: 'test', keyStore: new FileKeyStore(home), background: false });
    local = (await svc.api['vaults.list']({}))[0].location;
  });
  afterAll(async () => {
    await svc?.stop();
    await kms?.close();
    vi.unstubAllEnvs();
    removeTempDirs();
  });

  /** `deskvault points --vault LOCATION` with this passphrase, by a CLI that knows nothing else. */
  const pointsWith = (location: string, passphrase: string) => dvAsync(location, 'points', ['--json'], { env: { DESKVAULT_PASSWORD: passphrase, DESKVAULT_HOME: cliHome } });

  it('lists the app-managed slot as current; a recovery passphrase is added, opens the vault, and is removed', async () => {
    const before = await svc.api['keys.list']({ vault: 'local' });
    // The app key and the recovery code: both passphrase slots, the first the one the service uses.
    expect(before).toHaveLength(2);
    expect(before.map((s) => [s.kind, s.current, s.appManaged, s.recoveryCode])).toEqual([
      ['passphrase', true, true, false],
      ['passphrase', false, false, true],
    ]);
    expect(before[0].kdf).toMatch(/^scrypt N=\d+ r=\d+ p=\d+$/);

    const added = await svc.api['keys.add']({ vault: 'local', passphrase: RECOVERY });
    expect(added).toMatchObject({ kind: 'passphrase', current: false, appManaged: false, recoveryCode: false });
    expect((await svc.api['keys.list']({ vault: 'local' })).map((s) => s.id)).toEqual([...before.map((s) => s.id), added.id]);

    const opened = await pointsWith(local, RECOVERY);
    expect(opened.status, show(opened)).toBe(0);
    expect(JSON.parse(opened.stdout)).toEqual([]);

    // By a unique prefix, as `deskvault key remove` takes it.
    expect(await svc.api['keys.remove']({ vault: 'local', id: added.id.slice(0, 6) })).toEqual({ removed: added.id, lockedUntil: null });
    expect((await svc.api['keys.list']({ vault: 'local' })).map((s) => s.id)).toEqual(before.map((s) => s.id));
    const refused = await pointsWith(local, RECOVERY);
    expect(refused.status, show(refused)).toBe(1);
    expect(refused.stderr).toMatch(/wrong passphrase/);
  });

  it('refuses the slot the service opens the vault with, saying what to do instead; unknown slots and vaults are named', async () => {
    const current = (await svc.api['keys.list']({ vault: 'local' })).find((s) => s.current)!;
    await expect(svc.api['keys.remove']({ vault: 'local', id: current.id })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/^key slot [0-9a-f]{8} holds the key DeskVault keeps for vault "local" in this computer's key store.*lock DeskVault out\. Remove another slot, or, to retire this one, forget the vault/),
    });
    expect(await svc.api['keys.list']({ vault: 'local' })).toHaveLength(2);
    await expect(svc.api['keys.remove']({ vault: 'local', id: 'ffffffff' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'vault "local" has no key slot ffffffff' });
    await expect(svc.api['keys.list']({ vault: 'nowhere' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no vault named "nowhere"') });
    await expect(svc.api['keys.add']({ vault: 'local', passphrase: RECOVERY, kmsKey: 'alias/x' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'keys.add: input: give exactly one of passphrase or kmsKey' });
    await expect(svc.api['keys.add']({ vault: 'local' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(svc.api['keys.add']({ vault: 'local', passphrase: '' })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^keys\.add: passphrase: /) });
  });

  it('a passphrase vault: the last slot is refused in the engine\'s words, the saved passphrase\'s slot with what to do', async () => {
    const folder = path.join(makeTempDir('dv-keys-own-'), 'vault');
    await svc.api['vaults.add']({ name: 'own', location: folder, keyProvider: 'passphrase', passphrase: 'first passphrase' });
    const [only] = await svc.api['keys.list']({ vault: 'own' });
    expect(only).toMatchObject({ kind: 'passphrase', current: true, appManaged: false });
    await expect(svc.api['keys.remove']({ vault: 'own', id: only.id })).rejects.toMatchObject({ message: 'refusing to remove the last key slot: the vault could never be opened again' });
    const second = await svc.api['keys.add']({ vault: 'own', passphrase: 'second passphrase' });
    await expect(svc.api['keys.remove']({ vault: 'own', id: only.id })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/holds the passphrase DeskVault opens vault "own" with: .* To change that passphrase, add a slot with the new one, forget the vault and add it again/),
    });
    await svc.api['keys.remove']({ vault: 'own', id: second.id });
    const opened = await pointsWith(folder, 'first passphrase');
    expect(opened.status, show(opened)).toBe(0);
  });

  it('audits every change with the passphrase redacted, refusals included', async () => {
    const raw = readFileSync(svc.audit.file, 'utf8');
    expect(raw).not.toContain(RECOVERY);
    expect(raw).not.toContain('second passphrase');
    const records = await svc.api['audit.list']({ limit: 1000 });
    const adds = records.filter((r) => r.action === 'keys.add' && r.outcome === 'ok');
    expect(adds.length).toBeGreaterThanOrEqual(2);
    for (const r of adds) expect(r.args).toMatchObject({ passphrase: '[redacted]' });
    expect(records.filter((r) => r.action === 'keys.remove').map((r) => r.outcome)).toEqual(expect.arrayContaining(['ok', 'error']));
    // Reading the slots changes nothing: not audited.
    expect(records.some((r) => r.action === 'keys.list')).toBe(false);
  });

  it('KMS: a denied kms:Encrypt is named; a rotation adds the new key, checks it opens, then removes the old slot', async () => {
    kms.createKey('old');
    const { arn: newArn } = kms.createKey('new');
    const folder = path.join(makeTempDir('dv-keys-kms-'), 'vault');
    const added = await svc.api['vaults.add']({ name: 'kmsv', location: folder, keyProvider: 'kms', kmsKey: 'alias/old' });
    expect(added.warnings.join(' ')).toContain('No recovery passphrase: if access to the KMS key is lost, so is the data. Add one in Settings → Vaults → Keys');
    const [old] = await svc.api['keys.list']({ vault: 'kmsv' });
    expect(old).toMatchObject({ kind: 'kms', kmsKeyId: 'alias/old', current: true, appManaged: false });
    expect(old.kdf).toBeUndefined();

    kms.deny('kms:Encrypt');
    await expect(svc.api['keys.add']({ vault: 'kmsv', kmsKey: 'alias/new' })).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
      message: 'access denied: the AWS credentials in use lack kms:Encrypt on the KMS key alias/new',
      data: { permission: 'kms:Encrypt' },
    });
    kms.allowAll();
    await expect(svc.api['keys.remove']({ vault: 'kmsv', id: old.id })).rejects.toThrow(/^refusing to remove the last key slot/);

    // A recovery passphrase next to the KMS key: still no other KMS slot, so the current one stays.
    await svc.api['keys.add']({ vault: 'kmsv', passphrase: RECOVERY });
    await expect(svc.api['keys.remove']({ vault: 'kmsv', id: old.id })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/is the AWS KMS key \(alias\/old\) DeskVault opens vault "kmsv" with, and the vault has no other AWS KMS key slot: .* add a slot for the new key first/),
    });

    const rotated = await svc.api['keys.add']({ vault: 'kmsv', kmsKey: 'alias/new' });
    expect(rotated).toMatchObject({ kind: 'kms', kmsKeyId: 'alias/new', kmsKeyArn: newArn, current: false });
    // The new slot must open the vault before the old one may go.
    kms.deny('kms:Decrypt');
    await expect(svc.api['keys.remove']({ vault: 'kmsv', id: old.id })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/no other AWS KMS key slot of the vault opens it from here \(access denied: .*kms:Decrypt on the KMS key alias\/new\)/),
    });
    kms.allowAll();
    expect((await svc.api['keys.list']({ vault: 'kmsv' })).map((s) => s.id)).toContain(old.id);

    expect(await svc.api['keys.remove']({ vault: 'kmsv', id: old.id })).toEqual({ removed: old.id, lockedUntil: null });
    expect((await svc.api['vaults.list']({})).find((v) => v.name === 'kmsv')).toMatchObject({ keyProvider: 'kms', kmsKey: 'alias/new' });
    const decrypts = kms.calls.Decrypt ?? 0;
    const after = await svc.api['keys.list']({ vault: 'kmsv' });
    // Reopened through the new key.
    expect(kms.calls.Decrypt).toBe(decrypts + 1);
    expect(after.map((s) => [s.kind, s.current, s.kmsKeyId ?? null])).toEqual([
      ['passphrase', false, null],
      ['kms', true, 'alias/new'],
    ]);
    // Losing KMS access is not losing the data: the recovery passphrase opens it.
    const opened = await pointsWith(folder, RECOVERY);
    expect(opened.status, show(opened)).toBe(0);
  });
});
