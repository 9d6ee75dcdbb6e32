/**
 * Key slots: the vault's master key material, wrapped by a passphrase-derived key (scrypt), one
 * object per slot under `keys/`. Any slot opens the vault; adding or removing one never rewrites data.
 */
import { randomBytes } from 'node:crypto';
import { DeskVaultError } from '../../core/errors.js';
import { chooseScryptCost, deriveKey, type ScryptParams } from '../crypto/kdf.js';
import { decrypt, encrypt } from '../crypto/sealer.js';
import { CODEC_NONE } from '../crypto/codec.js';
import type { ObjectStore } from '../storage/object-store.js';
import { openKmsSlot, type KmsOptions, type KmsSlot } from '../keys/kms-slots.js';

export interface MasterKeys {
  encryptionKey: Buffer;
  chunkIdKey: Buffer;
  chunkerSeed: Buffer;
}

export interface PassphraseSlot {
  version: 1;
  id: string;
  kind: 'passphrase';
  created: string;
  kdf: ScryptParams;
  wrapped: string;
}

export type KeySlot = PassphraseSlot | KmsSlot;

export interface KeySlotSummary {
  id: string;
  kind: string;
  created: string;
  /** How the slot is opened: the KDF of a passphrase slot, the KMS key of a KMS slot. */
  kdf: string;
  kmsKey?: string;
}

export function newMasterKeys(copyFrom?: MasterKeys): MasterKeys {
  return {
    encryptionKey: randomBytes(32),
    chunkIdKey: copyFrom ? Buffer.from(copyFrom.chunkIdKey) : randomBytes(32),
    chunkerSeed: copyFrom ? Buffer.from(copyFrom.chunkerSeed) : randomBytes(32),
  };
}

function slotAad(vaultId: string): Buffer {
  return Buffer.from(`deskvault-key-slot:${vaultId}`);
}

export function encodeKeys(keys: MasterKeys): Buffer {
  return Buffer.from(
    JSON.stringify({
      version: 1,
      encryptionKey: keys.encryptionKey.toString('base64'),
      chunkIdKey: keys.chunkIdKey.toString('base64'),
      chunkerSeed: keys.chunkerSeed.toString('base64'),
    }),
  );
}

export function decodeKeys(bytes: Buffer): MasterKeys {
  const j = JSON.parse(bytes.toString('utf8')) as Record<string, string>;
  const keys = {
    encryptionKey: Buffer.from(j.encryptionKey, 'base64'),
    chunkIdKey: Buffer.from(j.chunkIdKey, 'base64'),
    chunkerSeed: Buffer.from(j.chunkerSeed, 'base64'),
  };
  if (keys.encryptionKey.length !== 32 || keys.chunkIdKey.length !== 32 || keys.chunkerSeed.length !== 32) {
    throw new DeskVaultError('INTEGRITY', 'the key material in a key slot is malformed');
  }
  return keys;
}

export async function createPassphraseSlot(store: ObjectStore, vaultId: string, keys: MasterKeys, passphrase: string, now = new Date()): Promise<PassphraseSlot> {
  if (!passphrase) throw new DeskVaultError('INVALID_INPUT', 'the passphrase must not be empty');
  const cost = chooseScryptCost();
  const kdf: ScryptParams = { algorithm: 'scrypt', ...cost, salt: randomBytes(32).toString('base64') };
  const kek = await deriveKey(passphrase, kdf);
  const wrapped = encrypt(kek, CODEC_NONE, encodeKeys(keys), slotAad(vaultId));
  const slot: PassphraseSlot = { version: 1, id: randomBytes(8).toString('hex'), kind: 'passphrase', created: now.toISOString(), kdf, wrapped: wrapped.toString('base64') };
  await store.put(`keys/${slot.id}`, Buffer.from(JSON.stringify(slot, null, 2)));
  return slot;
}

export async function listSlots(store: ObjectStore): Promise<KeySlot[]> {
  const slots: KeySlot[] = [];
  for await (const info of store.list('keys/')) {
    const bytes = await store.get(info.key);
    try {
      slots.push(JSON.parse(bytes.toString('utf8')) as KeySlot);
    } catch {
      // A damaged slot is skipped: another slot may still open the vault.
    }
  }
  slots.sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
  return slots;
}

export function summarizeSlot(slot: KeySlot): KeySlotSummary {
  if (slot.kind === 'kms') return { id: slot.id, kind: slot.kind, created: slot.created, kdf: `AWS KMS ${slot.keyArn}`, kmsKey: slot.keyArn };
  return { id: slot.id, kind: slot.kind, created: slot.created, kdf: `${slot.kdf.algorithm} N=${slot.kdf.N} r=${slot.kdf.r} p=${slot.kdf.p}` };
}

/** Tries every passphrase slot; returns the keys and the slot that opened them. */
export async function openWithPassphrase(store: ObjectStore, vaultId: string, passphrase: string, known?: KeySlot[]): Promise<{ keys: MasterKeys; slot: KeySlot }> {
  const slots = (known ?? (await listSlots(store))).filter((s): s is PassphraseSlot => s.kind === 'passphrase');
  if (slots.length === 0) throw new DeskVaultError('WRONG_PASSWORD', 'this vault has no passphrase key slot; it opens with its AWS KMS key (give no passphrase)', {});
  // Slots with the same KDF parameters and salt share one derivation (rare; keeps opening to ~1 KDF).
  for (const slot of slots) {
    const kek = await deriveKey(passphrase, slot.kdf);
    try {
      const plain = decrypt(kek, Buffer.from(slot.wrapped, 'base64'), slotAad(vaultId), `key slot ${slot.id}`);
      return { keys: decodeKeys(plain.subarray(1)), slot };
    } catch (err) {
      if (err instanceof DeskVaultError && err.code === 'INTEGRITY') continue;
      throw err;
    }
  }
  throw new DeskVaultError('WRONG_PASSWORD', 'wrong passphrase: no key slot of this vault opens with it', {});
}

/** Opens the vault through its KMS slots (the first that KMS lets this caller decrypt). */
export async function openWithKms(store: ObjectStore, vaultId: string, opts: KmsOptions = {}, known?: KeySlot[]): Promise<{ keys: MasterKeys; slot: KeySlot }> {
  const slots = (known ?? (await listSlots(store))).filter((s): s is KmsSlot => s.kind === 'kms');
  if (slots.length === 0) {
    throw new DeskVaultError('PASSWORD_REQUIRED', 'this vault opens with a passphrase: set DESKVAULT_PASSWORD, pass --password-file FILE, or run in a terminal to be asked', {});
  }
  let firstError: unknown;
  for (const slot of slots) {
    try {
      return { keys: decodeKeys(await openKmsSlot(slot, vaultId, opts)), slot };
    } catch (err) {
      firstError ??= err;
    }
  }
  throw firstError;
}

export async function removeSlot(store: ObjectStore, slotId: string): Promise<void> {
  const slots = await listSlots(store);
  const match = slots.filter((s) => s.id === slotId || s.id.startsWith(slotId));
  if (match.length === 0) throw new DeskVaultError('NOT_FOUND', `no key slot ${slotId}`, { slot: slotId });
  if (match.length > 1) throw new DeskVaultError('AMBIGUOUS', `key slot prefix ${slotId} matches ${match.length} slots`, { slot: slotId });
  if (slots.length <= 1) throw new DeskVaultError('INVALID_INPUT', 'refusing to remove the last key slot: the vault could never be opened again', {});
  await store.delete(`keys/${match[0].id}`);
}
