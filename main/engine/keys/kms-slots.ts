/**
 * AWS KMS key slots (envelope encryption). A new vault's slot asks KMS for a data key
 * (GenerateDataKey, AES_256) under an encryption context that holds the vault's permanent id —
 * never its name or location, so a moved or adopted vault still opens. The plaintext data key
 * wraps the vault's master key material (AES-256-GCM, as a passphrase slot does) and is dropped;
 * the slot stores only KMS's encrypted copy. Opening asks KMS to Decrypt it.
 *
 * Adding a slot to an existing vault (`key add --kms-key`, and rotation to another KMS key = add a
 * slot under the new key, remove the old one; no data is rewritten) wraps a locally generated key
 * with KMS Encrypt instead: the slot has the same shape, so opening is the same Decrypt, and the
 * right asked of the person is the one AWS documents for re-wrapping (kms:Encrypt).
 */
import { randomBytes } from 'node:crypto';
import type { KMSClient } from '@aws-sdk/client-kms';
import { DeskVaultError } from '../../core/errors.js';
import { CODEC_NONE } from '../crypto/codec.js';
import { decrypt, encrypt } from '../crypto/sealer.js';
import type { ObjectStore } from '../storage/object-store.js';

export interface KmsSlot {
  version: 1;
  id: string;
  kind: 'kms';
  created: string;
  /** The key as given (id, ARN or alias) and its ARN as KMS resolved it. */
  keyId: string;
  keyArn: string;
  /** KMS's encrypted data key (CiphertextBlob), base64. */
  encryptedDataKey: string;
  wrapped: string;
}

export interface KmsOptions {
  client?: KMSClient;
  region?: string;
  profile?: string;
}

export function encryptionContext(vaultId: string): Record<string, string> {
  return { 'deskvault:vault-id': vaultId };
}

function slotAad(vaultId: string): Buffer {
  return Buffer.from(`deskvault-key-slot:${vaultId}`);
}

/** The SDK, loaded on first use: ~0.1 s that commands on passphrase vaults should not pay. */
function sdk(): Promise<typeof import('@aws-sdk/client-kms')> {
  return import('@aws-sdk/client-kms');
}

export async function createKmsClient(opts: KmsOptions = {}): Promise<KMSClient> {
  if (opts.client) return opts.client;
  const { KMSClient } = await sdk();
  // Endpoints resolve the standard way (AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, profiles).
  return new KMSClient({ region: opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1', ...(opts.profile ? { profile: opts.profile } : {}) });
}

/**
 * Wraps `material` (the vault's master key material, serialised) in a new KMS slot. `via` says how
 * the wrapping key is made: `generate` (a new vault: kms:GenerateDataKey) or `encrypt` (a slot added
 * to an existing vault: a local random key sent to kms:Encrypt).
 */
export async function createKmsSlot(
  store: ObjectStore,
  vaultId: string,
  material: Buffer,
  keyId: string,
  opts: KmsOptions = {},
  via: 'generate' | 'encrypt' = 'generate',
): Promise<KmsSlot> {
  const kms = await createKmsClient(opts);
  const { DescribeKeyCommand, EncryptCommand, GenerateDataKeyCommand } = await sdk();
  let keyArn: string;
  try {
    const described = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    keyArn = described.KeyMetadata?.Arn ?? keyId;
    if (described.KeyMetadata && described.KeyMetadata.Enabled === false) {
      throw new DeskVaultError('ACCESS_DENIED', `the KMS key ${keyId} is disabled; enable it or choose another key`, { keyId, permission: null });
    }
  } catch (err) {
    throw mapKmsError(err, keyId, 'kms:DescribeKey');
  }
  let dataKey: Uint8Array;
  let encryptedDataKey: Uint8Array;
  const action = via === 'generate' ? 'kms:GenerateDataKey' : 'kms:Encrypt';
  try {
    if (via === 'generate') {
      const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: encryptionContext(vaultId) }));
      if (!dk.Plaintext || !dk.CiphertextBlob) throw new DeskVaultError('INTEGRITY', 'KMS returned no data key', { keyId });
      dataKey = dk.Plaintext;
      encryptedDataKey = dk.CiphertextBlob;
    } else {
      dataKey = randomBytes(32);
      const enc = await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: dataKey, EncryptionContext: encryptionContext(vaultId) }));
      if (!enc.CiphertextBlob) throw new DeskVaultError('INTEGRITY', 'KMS returned no ciphertext', { keyId });
      encryptedDataKey = enc.CiphertextBlob;
    }
  } catch (err) {
    throw mapKmsError(err, keyId, action);
  }
  const kek = Buffer.from(dataKey);
  const wrapped = encrypt(kek, CODEC_NONE, material, slotAad(vaultId));
  kek.fill(0);
  const slot: KmsSlot = {
    version: 1,
    id: randomBytes(8).toString('hex'),
    kind: 'kms',
    created: new Date().toISOString(),
    keyId,
    keyArn,
    encryptedDataKey: Buffer.from(encryptedDataKey).toString('base64'),
    wrapped: wrapped.toString('base64'),
  };
  await store.put(`keys/${slot.id}`, Buffer.from(JSON.stringify(slot, null, 2)));
  return slot;
}

/** Asks KMS to decrypt the slot's data key and unwraps the master key material with it. */
export async function openKmsSlot(slot: KmsSlot, vaultId: string, opts: KmsOptions = {}): Promise<Buffer> {
  const kms = await createKmsClient(opts);
  const { DecryptCommand } = await sdk();
  let plaintext: Uint8Array | undefined;
  try {
    const r = await kms.send(
      new DecryptCommand({ CiphertextBlob: Buffer.from(slot.encryptedDataKey, 'base64'), KeyId: slot.keyArn, EncryptionContext: encryptionContext(vaultId) }),
    );
    plaintext = r.Plaintext;
  } catch (err) {
    throw mapKmsError(err, slot.keyId, 'kms:Decrypt');
  }
  if (!plaintext) throw new DeskVaultError('INTEGRITY', 'KMS returned no plaintext', { keyId: slot.keyId });
  const kek = Buffer.from(plaintext);
  try {
    return decrypt(kek, Buffer.from(slot.wrapped, 'base64'), slotAad(vaultId), `key slot ${slot.id}`).subarray(1);
  } finally {
    kek.fill(0);
  }
}

/** KMS failures as one clear sentence each, naming the permission where one is missing. */
export function mapKmsError(err: unknown, keyId: string, action: string): unknown {
  if (err instanceof DeskVaultError) return err;
  const name = (err as { name?: string })?.name ?? '';
  const data = { keyId, action, awsError: name || null };
  switch (name) {
    case 'AccessDeniedException':
      return new DeskVaultError('ACCESS_DENIED', `access denied: the AWS credentials in use lack ${action} on the KMS key ${keyId}`, { ...data, permission: action }, { cause: err });
    case 'DisabledException':
      return new DeskVaultError('ACCESS_DENIED', `the KMS key ${keyId} is disabled; enable it to open this vault (or use its recovery passphrase)`, data, { cause: err });
    case 'KMSInvalidStateException':
      return new DeskVaultError('ACCESS_DENIED', `the KMS key ${keyId} cannot be used in its current state (pending deletion or import?); cancel the deletion or use the recovery passphrase`, data, { cause: err });
    case 'NotFoundException':
      return new DeskVaultError('NOT_FOUND', `the KMS key ${keyId} does not exist in this account and region`, data, { cause: err });
    case 'InvalidCiphertextException':
    case 'IncorrectKeyException':
      return new DeskVaultError('INTEGRITY', `KMS refused this vault's wrapped key (wrong key, or the vault id in the encryption context does not match); the key slot cannot be opened`, data, { cause: err });
    default:
      return new DeskVaultError('IO', `${action} failed for the KMS key ${keyId}: ${name ? `${name}: ` : ''}${(err as Error)?.message ?? String(err)}`, data, { cause: err });
  }
}

type Probe = { permission: string; ok: boolean; message?: string };

/** Runs one right's probe; a denial is "missing", any other failure its sentence. */
async function attemptRight(out: Probe[], keyId: string, permission: string, fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    out.push({ permission, ok: true });
    return true;
  } catch (err) {
    const mapped = mapKmsError(err, keyId, permission) as DeskVaultError;
    out.push({ permission, ok: false, message: mapped.code === 'ACCESS_DENIED' && mapped.data.permission ? 'missing' : mapped.message });
    return false;
  }
}

/** Tries each KMS right the slot's key needs; reports missing ones by IAM name. */
export async function probeKmsPermissions(slot: KmsSlot, vaultId: string, opts: KmsOptions = {}): Promise<Probe[]> {
  const kms = await createKmsClient(opts);
  const { DescribeKeyCommand, EncryptCommand, GenerateDataKeyCommand } = await sdk();
  const out: Probe[] = [];
  await attemptRight(out, slot.keyId, 'kms:DescribeKey', () => kms.send(new DescribeKeyCommand({ KeyId: slot.keyArn })));
  await attemptRight(out, slot.keyId, 'kms:GenerateDataKey', () => kms.send(new GenerateDataKeyCommand({ KeyId: slot.keyArn, KeySpec: 'AES_256', EncryptionContext: encryptionContext(vaultId) })));
  await attemptRight(out, slot.keyId, 'kms:Encrypt', () => kms.send(new EncryptCommand({ KeyId: slot.keyArn, Plaintext: randomBytes(32), EncryptionContext: encryptionContext(vaultId) })));
  await attemptRight(out, slot.keyId, 'kms:Decrypt', () => openKmsSlot(slot, vaultId, opts));
  return out;
}

/**
 * Before a vault or slot exists: tries each right a new KMS slot under `keyId` will need, with a
 * throwaway vault id in the encryption context (nothing is written anywhere). Decrypt is tried on
 * the data key GenerateDataKey (else Encrypt) just returned, as opening the vault will.
 */
export async function probeKmsKey(keyId: string, opts: KmsOptions = {}): Promise<Probe[]> {
  const kms = await createKmsClient(opts);
  const { DecryptCommand, DescribeKeyCommand, EncryptCommand, GenerateDataKeyCommand } = await sdk();
  const context = encryptionContext(`probe-${randomBytes(8).toString('hex')}`);
  const out: Probe[] = [];
  let keyArn = keyId;
  let blob: Uint8Array | undefined;
  await attemptRight(out, keyId, 'kms:DescribeKey', async () => {
    const d = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    keyArn = d.KeyMetadata?.Arn ?? keyId;
    if (d.KeyMetadata?.Enabled === false) throw new DeskVaultError('ACCESS_DENIED', `the KMS key ${keyId} is disabled; enable it or choose another key`, { keyId, permission: null });
  });
  await attemptRight(out, keyId, 'kms:GenerateDataKey', async () => {
    blob = (await kms.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: context }))).CiphertextBlob;
  });
  await attemptRight(out, keyId, 'kms:Encrypt', async () => {
    const enc = await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: randomBytes(32), EncryptionContext: context }));
    blob ??= enc.CiphertextBlob;
  });
  if (blob) await attemptRight(out, keyId, 'kms:Decrypt', () => kms.send(new DecryptCommand({ CiphertextBlob: blob, KeyId: keyArn, EncryptionContext: context })));
  else out.push({ permission: 'kms:Decrypt', ok: false, message: 'not tested: KMS gave no data key to decrypt (see the rights above)' });
  return out;
}
