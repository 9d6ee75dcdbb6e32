/**
 * `deskvault doctor`: what a location lets this machine do, right by right. For S3 every right in
 * the permissions table is probed and a missing one is named by its IAM name; for a KMS-keyed
 * vault, each KMS key's rights too. For a folder, reading, writing and deleting are tried.
 * `kmsKey` (a key a new vault or slot is to use): its rights are tried before anything is made,
 * unless the vault already has a slot under that key (whose probe covers it).
 */
import { randomBytes } from 'node:crypto';
import { isDeskVaultError } from '../core/errors.js';
import { iamPolicy, isS3Location, listSlots, loadS3Support, parseS3Location, PERMISSIONS, probeKmsKey, probeKmsPermissions, Vault, type KeySlot, type KmsSlot } from '../engine/index.js';
import { localPathOf, openStore } from './location.js';
import { checkVaultFolder } from './vaults/vault-folder.js';

export interface DoctorReport {
  location: string;
  vault: { id: string; version: string; objectLock: { mode: string; days: number } | null } | null;
  checks: { permission: string; ok: boolean; feature: string; message?: string }[];
  ok: boolean;
  /** For S3: the IAM policy this vault needs (from the same table). */
  policy?: object;
}

const featureOf = (p: string): string => PERMISSIONS.find((x) => x.permission === p)?.feature ?? '';

/** The rights a new vault or key slot needs on `kmsKey`, each tried (nothing is created). */
export async function kmsKeyChecks(kmsKey: string): Promise<DoctorReport['checks']> {
  return forKey(await probeKmsKey(kmsKey), kmsKey);
}

/** KMS probes as checks, each feature naming the key it is about. */
function forKey(probes: { permission: string; ok: boolean; message?: string }[], keyId: string): DoctorReport['checks'] {
  return probes.map((r) => ({ ...r, feature: `${featureOf(r.permission)} (${keyId})` }));
}

export async function doctor(location: string, opts: { kmsKey?: string } = {}): Promise<DoctorReport> {
  const checks: DoctorReport['checks'] = [];
  let vault: DoctorReport['vault'] = null;
  let policy: object | undefined;
  let problem: string | null = null;
  let slots: KmsSlot[] = [];
  const store = openStore(location);
  try {
    const c = await Vault.readConfig(store);
    vault = { id: c.id, version: `${c.version.major}.${c.version.minor}`, objectLock: c.objectLock ?? null };
  } catch (err) {
    if (!isDeskVaultError(err, 'VAULT_NOT_FOUND') && !isDeskVaultError(err, 'ACCESS_DENIED')) throw err;
  }
  if (isS3Location(location)) {
    const loc = parseS3Location(location);
    const { probeS3Permissions, S3Store } = await loadS3Support();
    // A locked vault also needs the Object Lock rights; an unlocked one is not asked for them.
    const lock = !!vault?.objectLock;
    for (const r of await probeS3Permissions(new S3Store(loc), { lock })) checks.push({ ...r, feature: featureOf(r.permission) });
    let kmsArn: string | undefined = opts.kmsKey?.startsWith('arn:') ? opts.kmsKey : undefined;
    if (vault) {
      const all: KeySlot[] = await listSlots(store).catch(() => []);
      slots = all.filter((s): s is KmsSlot => s.kind === 'kms');
      for (const slot of slots) {
        kmsArn ??= slot.keyArn;
        checks.push(...forKey(await probeKmsPermissions(slot, vault.id), slot.keyId));
      }
    }
    policy = iamPolicy(loc.bucket, loc.prefix, kmsArn, { lock });
  } else if (!vault && (problem = folderProblem(location))) {
    // Not a place for a vault (e.g. under /proc, where a write would never return): say why.
    checks.push({ permission: 'write', ok: false, feature: 'write backups', message: problem });
  } else {
    const probe = `doctor/probe-${randomBytes(6).toString('hex')}`;
    const step = async (permission: string, feat: string, fn: () => Promise<unknown>): Promise<void> => {
      try {
        await fn();
        checks.push({ permission, ok: true, feature: feat });
      } catch (err) {
        checks.push({ permission, ok: false, feature: feat, message: (err as Error).message });
      }
    };
    await step('write', 'write backups', () => store.put(probe, Buffer.from('probe')));
    await step('read', 'read the vault', () => store.get(probe));
    await step('delete', 'prune and release leases', () => store.delete(probe));
  }
  const proposed = opts.kmsKey;
  if (proposed && !slots.some((s) => s.keyId === proposed || s.keyArn === proposed)) checks.push(...(await kmsKeyChecks(proposed)));
  return { location, vault, checks, ok: checks.every((c) => c.ok), ...(policy ? { policy } : {}) };
}

function folderProblem(location: string): string | null {
  const local = localPathOf(location);
  try {
    if (local !== null) checkVaultFolder(local);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
