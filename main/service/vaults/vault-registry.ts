/**
 * The registered vaults of this state folder (`vaults.json`): name → permanent id, location, key
 * provider. Creating or connecting a vault goes through here, and so does opening one by name —
 * the registry finds its key itself: the app-managed key or a saved passphrase from the key store,
 * or AWS KMS. The registry is a convenience over the vaults: each vault is the truth about itself,
 * so a lost registry is rebuilt by connecting the vaults again.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import type { ApiParsedInput, ApiResults } from '../../core/api.js';
import { DeskVaultError, isDeskVaultError } from '../../core/errors.js';
import { VaultRecord } from '../../core/model.js';
import { accountFor, type KeyStore } from '../keys/key-store.js';
import { localPathOf, type StoreOptions } from '../location.js';
import { sameDiskAsHomeWarning } from '../same-disk.js';
import { apiLock, engineLock } from './lock-settings.js';
import { readJsonFile, writeJsonAtomic } from '../state/atomic-file.js';
import { initVault, openVault, readVaultId, type VaultSession } from '../vault-service.js';
import { newAppKey, newRecoveryCode } from './recovery-code.js';

const RegistryFile = z.object({ version: z.literal(1), vaults: z.array(VaultRecord) });
export const DEFAULT_VAULT = 'local';

export class VaultRegistry {
  private readonly file: string;
  private readonly sessions = new Map<string, Promise<VaultSession>>();

  constructor(
    readonly home: string,
    readonly keyStore: KeyStore,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.file = path.join(home, 'vaults.json');
  }

  async list(): Promise<VaultRecord[]> {
    return (await readJsonFile(this.file, RegistryFile, { version: 1, vaults: [] })).vaults;
  }

  async get(name: string): Promise<VaultRecord> {
    const v = (await this.list()).find((r) => r.name === name);
    if (!v) throw new DeskVaultError('NOT_FOUND', `no vault named "${name}" is registered (see \`deskvault vault list\`)`, { vault: name });
    return v;
  }

  /** Local folders of registered vaults: always excluded from plans and watchers. */
  async localFolders(): Promise<string[]> {
    return (await this.list()).map((v) => localPathOf(v.location)).filter((p): p is string => p !== null);
  }

  /**
   * Creates the vault at `location`, or connects the vault already there (never overwritten).
   * Connecting needs a way in: the passphrase (or recovery code) given, or the vault's KMS slot;
   * with the app key provider a fresh app key slot is then added, so this machine opens it alone.
   */
  async add(input: ApiParsedInput<'vaults.add'>): Promise<ApiResults['vaults.add']> {
    const existing = await this.list();
    if (existing.some((v) => v.name === input.name)) throw new DeskVaultError('VAULT_EXISTS', `a vault named "${input.name}" is already registered`, { vault: input.name });
    const warnings: string[] = [];
    let session: VaultSession;
    let created = false;
    let recoveryCode: string | null = null;
    let recoveryCodeSlot: string | undefined;
    let appKey = input.keyProvider === 'app' ? newAppKey() : null;
    const existingId = await vaultIdAt(input.location);
    if (existingId !== null) {
      // A vault this machine already has the key of (registry lost, or removed and re-added):
      // its app key is reused as it is; a saved passphrase only opens it.
      const savedAppKey = await this.keyStore.get(accountFor.appKey(existingId));
      const knownKey = savedAppKey ?? (await this.keyStore.get(accountFor.passphrase(existingId)));
      session = await openVault(input.location, async (hasKms) => {
        if (input.passphrase) return input.passphrase;
        if (knownKey) return knownKey;
        if (hasKms) return null;
        throw new DeskVaultError('PASSWORD_REQUIRED', `a vault already exists at ${input.location}: give its passphrase or recovery code to connect it`, { location: input.location });
      });
      if (existing.some((v) => v.id === session.id)) throw new DeskVaultError('VAULT_EXISTS', `that vault is already registered as "${existing.find((v) => v.id === session.id)!.name}"`, { vault: input.name });
      if (appKey && savedAppKey) appKey = null; // already a slot and in the key store
      else if (appKey) await session.addKey(appKey);
    } else {
      created = true;
      if (input.keyProvider === 'app') {
        session = await initVault(input.location, { passphrase: appKey! }, { objectLock: engineLock(input.lock) });
        recoveryCode = newRecoveryCode();
        recoveryCodeSlot = (await session.addKey(recoveryCode)).id;
      } else {
        session = await initVault(input.location, { passphrase: input.passphrase, kmsKey: input.kmsKey }, { objectLock: engineLock(input.lock) });
        if (input.keyProvider === 'kms' && !input.passphrase) warnings.push(`No recovery passphrase: if access to the KMS key is lost, so is the data. Add one in Settings → Vaults → Keys, or with \`deskvault key add --vault ${input.name}\`.`);
      }
    }
    if (appKey) await this.keyStore.set(accountFor.appKey(session.id), appKey);
    else if (input.keyProvider === 'passphrase' && input.passphrase) await this.keyStore.set(accountFor.passphrase(session.id), input.passphrase);
    if (this.keyStore.warning && input.keyProvider !== 'kms') warnings.push(this.keyStore.warning);
    const sameDisk = sameDiskAsHomeWarning(input.location, os.homedir());
    if (sameDisk) warnings.push(sameDisk);
    const record: VaultRecord = {
      name: input.name,
      id: session.id,
      location: input.location,
      keyProvider: input.keyProvider,
      ...(input.kmsKey ? { kmsKey: input.kmsKey } : {}),
      // The vault's own lock (a connected vault keeps the one it was made with), not what was asked.
      ...(session.vault.config.objectLock ? { lock: apiLock(session.vault.config.objectLock) } : {}),
      ...(input.notifications ? { notifications: input.notifications } : {}),
      ...(recoveryCodeSlot ? { recoveryCodeSlot } : {}),
      createdAt: this.now().toISOString(),
    };
    await this.save([...existing, record]);
    this.sessions.set(record.name, Promise.resolve(session));
    return { vault: record, created, recoveryCode, warnings };
  }

  async remove(name: string): Promise<void> {
    const all = await this.list();
    const v = all.find((r) => r.name === name);
    if (!v) throw new DeskVaultError('NOT_FOUND', `no vault named "${name}" is registered`, { vault: name });
    await this.save(all.filter((r) => r.name !== name));
    this.sessions.delete(name);
    // The keys stay in the key store on purpose: re-adding the vault must not need the recovery code.
  }

  async update(name: string, fn: (v: VaultRecord) => VaultRecord): Promise<VaultRecord> {
    const all = await this.list();
    const i = all.findIndex((r) => r.name === name);
    if (i < 0) throw new DeskVaultError('NOT_FOUND', `no vault named "${name}" is registered`, { vault: name });
    all[i] = VaultRecord.parse(fn(all[i]));
    await this.save(all);
    return all[i];
  }

  /** Opens a registered vault with the key it was registered with (cached for the process). */
  open(name: string): Promise<VaultSession> {
    let s = this.sessions.get(name);
    if (!s) {
      s = this.openFresh(name);
      this.sessions.set(name, s);
      s.catch(() => this.sessions.delete(name));
    }
    return s;
  }

  /**
   * Forgets the cached session of a vault, so the next open() opens it afresh: after the key slot
   * it was opened with was rotated out (sessions already handed out keep working: the keys are in
   * memory).
   */
  closeSession(name: string): void {
    this.sessions.delete(name);
  }

  /** Opens a registered vault afresh (not cached), e.g. with bandwidth limits for one command. */
  async openFresh(name: string, storeOpts: StoreOptions = {}): Promise<VaultSession> {
    const v = await this.get(name);
    const secret = async (hasKms: boolean): Promise<string | null> => {
      if (v.keyProvider === 'app') {
        const key = await this.keyStore.get(accountFor.appKey(v.id));
        if (key) return key;
        throw new DeskVaultError('PASSWORD_REQUIRED', `the key of vault "${name}" is not in this machine's key store; connect it again with its recovery code (deskvault vault add --name ${name} --location ${v.location}, DESKVAULT_PASSWORD=<recovery code>)`, { vault: name });
      }
      if (v.keyProvider === 'kms' && hasKms) return null;
      const saved = await this.keyStore.get(accountFor.passphrase(v.id));
      if (saved) return saved;
      if (process.env.DESKVAULT_PASSWORD) return process.env.DESKVAULT_PASSWORD;
      throw new DeskVaultError('PASSWORD_REQUIRED', `vault "${name}" needs its passphrase: set DESKVAULT_PASSWORD`, { vault: name });
    };
    const session = await openVault(v.location, secret, storeOpts);
    if (session.id !== v.id) {
      throw new DeskVaultError('INTEGRITY', `the vault at ${v.location} is not the one registered as "${name}" (id ${session.id.slice(0, 8)}, expected ${v.id.slice(0, 8)})`, { vault: name });
    }
    return session;
  }

  private save(vaults: VaultRecord[]): Promise<void> {
    return writeJsonAtomic(this.file, { version: 1, vaults });
  }
}

/** The id of the vault at `location`, or null when there is none (a new vault goes there). */
/** A `--vault` value with `/`, `\\` or `://` is a location; anything else names a registered vault. */
export function isVaultName(value: string): boolean {
  return !/[/\\]|:\/\//.test(value);
}

async function vaultIdAt(location: string): Promise<string | null> {
  const local = localPathOf(location);
  // A local folder without a config object is a new vault (init refuses a non-empty foreign one).
  if (local !== null && !fs.existsSync(path.join(local, 'config'))) return null;
  try {
    return await readVaultId(location);
  } catch (err) {
    if (isDeskVaultError(err, 'VAULT_NOT_FOUND') && local === null) return null;
    throw err;
  }
}
