/**
 * The vault's `config` object: format version and every algorithm by name (docs/vault-format.md).
 * Plaintext, written once at init. Readers refuse a newer major version.
 */
import { randomBytes } from 'node:crypto';
import { DeskVaultError } from '../../core/errors.js';
import { DEFAULT_CHUNKER, type ChunkerParams, validateChunkerParams } from '../chunker/fastcdc.js';

export const FORMAT_MAJOR = 1;
/** 1.1 added `objectLock` (config), `lock` (point manifests) and `retention/` objects. */
export const FORMAT_MINOR = 1;
export const FORMAT_NAME = 'deskvault-vault';

/** 16 MiB: ~64 objects per GiB, few requests on object stores, bounded memory per open pack. */
export const DEFAULT_PACK_SIZE = 16 * 1024 * 1024;
/**
 * zstd level 2. Measured on the 1 GiB benchmark tree: level 3 stores 727 MiB in ~6.0 s, level 2
 * 731 MiB in ~5.3 s, level 1 735 MiB in ~5.1 s (restic: 735 MiB). Level 2 keeps the vault smaller
 * than restic's while taking most of the speed. Only writers read this; any level decodes.
 */
export const DEFAULT_ZSTD_LEVEL = 2;

export interface VaultConfig {
  format: typeof FORMAT_NAME;
  version: { major: number; minor: number };
  id: string;
  created: string;
  chunker: ChunkerParams & { algorithm: 'fastcdc-gear32-v1' };
  chunkId: 'blake3-keyed-256';
  packId: 'blake3-256';
  aead: 'aes-256-gcm';
  compression: { algorithm: 'zstd'; level: number };
  packSize: number;
  /** Format 1.1: S3 Object Lock retention for the vault's immutable objects (see object-lock.ts). */
  objectLock?: ObjectLockSettings;
}

export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface ObjectLockSettings {
  mode: ObjectLockMode;
  /** Every recovery point stays whole and undeletable for this many days after it is written. */
  days: number;
}

/** 100 years: S3 accepts longer, but a longer lock is far more likely a typo than an intent. */
export const MAX_LOCK_DAYS = 36_500;

export function validateObjectLock(lock: ObjectLockSettings, location: string): void {
  if ((lock.mode !== 'GOVERNANCE' && lock.mode !== 'COMPLIANCE') || !Number.isInteger(lock.days) || lock.days < 1 || lock.days > MAX_LOCK_DAYS) {
    throw new DeskVaultError('INVALID_INPUT', `invalid Object Lock settings for ${location}: the mode must be governance or compliance and the days a whole number from 1 to ${MAX_LOCK_DAYS}`, { location });
  }
}

export function newConfig(opts: { chunker?: ChunkerParams; packSize?: number; zstdLevel?: number; now?: Date; objectLock?: ObjectLockSettings } = {}): VaultConfig {
  const chunker = opts.chunker ?? DEFAULT_CHUNKER;
  validateChunkerParams(chunker);
  if (opts.objectLock) validateObjectLock(opts.objectLock, 'the new vault');
  return {
    format: FORMAT_NAME,
    // A vault without Object Lock uses nothing of 1.1, so it stays 1.0 and older readers see no change.
    version: { major: FORMAT_MAJOR, minor: opts.objectLock ? FORMAT_MINOR : 0 },
    id: randomBytes(16).toString('hex'),
    created: (opts.now ?? new Date()).toISOString(),
    chunker: { algorithm: 'fastcdc-gear32-v1', minSize: chunker.minSize, avgSize: chunker.avgSize, maxSize: chunker.maxSize },
    chunkId: 'blake3-keyed-256',
    packId: 'blake3-256',
    aead: 'aes-256-gcm',
    compression: { algorithm: 'zstd', level: opts.zstdLevel ?? DEFAULT_ZSTD_LEVEL },
    packSize: opts.packSize ?? DEFAULT_PACK_SIZE,
    ...(opts.objectLock ? { objectLock: { mode: opts.objectLock.mode, days: opts.objectLock.days } } : {}),
  };
}

export function parseConfig(bytes: Buffer, location: string): VaultConfig {
  let c: VaultConfig;
  try {
    c = JSON.parse(bytes.toString('utf8')) as VaultConfig;
  } catch {
    throw new DeskVaultError('INTEGRITY', `the vault config at ${location} is not valid JSON`, { location });
  }
  if (c?.format !== FORMAT_NAME || typeof c.version?.major !== 'number') {
    throw new DeskVaultError('VAULT_NOT_FOUND', `${location} is not a DeskVault vault (its config is not ours)`, { location });
  }
  if (c.version.major > FORMAT_MAJOR) {
    throw new DeskVaultError(
      'VAULT_TOO_NEW',
      `this vault was written by a newer DeskVault (format ${c.version.major}.${c.version.minor}); this version reads format ${FORMAT_MAJOR}.x — upgrade DeskVault to open it`,
      { location, major: c.version.major, minor: c.version.minor },
    );
  }
  const known =
    c.chunker?.algorithm === 'fastcdc-gear32-v1' &&
    c.chunkId === 'blake3-keyed-256' &&
    c.packId === 'blake3-256' &&
    c.aead === 'aes-256-gcm' &&
    c.compression?.algorithm === 'zstd';
  if (!known) {
    throw new DeskVaultError('VAULT_TOO_NEW', `this vault uses an algorithm this DeskVault does not know; upgrade DeskVault to open it`, { location });
  }
  if (!/^[0-9a-f]{32}$/.test(c.id)) throw new DeskVaultError('INTEGRITY', `the vault config at ${location} has an invalid id`, { location });
  validateChunkerParams(c.chunker);
  if (c.objectLock !== undefined) validateObjectLock(c.objectLock, location);
  return c;
}
