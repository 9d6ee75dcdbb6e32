/**
 * The one key store every edge (app, CLI, daemon, server) reads: app-managed vault keys and the
 * passphrases a person chose to save. The OS keychain through @napi-rs/keyring (N-API, so the same
 * binary serves Node and Electron) when one answers; otherwise a 0600 file in the state folder,
 * with a warning the UI and CLI show — a file is only as safe as the account that owns it.
 * Secrets never leave this module except to open a vault; they are never logged.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from '../state/atomic-file.js';

export interface KeyStore {
  readonly kind: 'keychain' | 'file';
  /** Shown wherever the key store is described; null when it is a real keychain. */
  readonly warning: string | null;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<void>;
}

const SERVICE = 'DeskVault';
export const KEY_FILE = 'keys.json';

const KeyFileSchema = z.object({ version: z.literal(1), secrets: z.record(z.string(), z.string()) });

export class FileKeyStore implements KeyStore {
  readonly kind = 'file' as const;
  readonly warning: string;
  private readonly file: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(home: string) {
    this.file = path.join(home, KEY_FILE);
    this.warning = `vault keys are kept in ${this.file} (readable only by you), not in an OS keychain: anyone who can read your files can open your vaults`;
  }

  private async load(): Promise<Record<string, string>> {
    return (await readJsonFile(this.file, KeyFileSchema, { version: 1, secrets: {} })).secrets;
  }

  async get(account: string): Promise<string | null> {
    return (await this.load())[account] ?? null;
  }

  set(account: string, secret: string): Promise<void> {
    return this.update((s) => ({ ...s, [account]: secret }));
  }

  delete(account: string): Promise<void> {
    return this.update((s) => Object.fromEntries(Object.entries(s).filter(([k]) => k !== account)));
  }

  // Read-modify-write serialised in-process; across processes the state lock keeps one writer.
  private update(fn: (s: Record<string, string>) => Record<string, string>): Promise<void> {
    const next = this.chain.then(async () => {
      const secrets = fn(await this.load());
      await writeFileAtomic(this.file, JSON.stringify({ version: 1, secrets }), 0o600);
      await fs.chmod(this.file, 0o600).catch(() => undefined);
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}

interface KeyringModule {
  AsyncEntry: new (service: string, account: string) => {
    getPassword(): Promise<string | undefined | null>;
    setPassword(secret: string): Promise<void>;
    deletePassword(): Promise<boolean>;
  };
}

export class KeychainKeyStore implements KeyStore {
  readonly kind = 'keychain' as const;
  readonly warning = null;
  constructor(private readonly keyring: KeyringModule) {}

  async get(account: string): Promise<string | null> {
    return (await new this.keyring.AsyncEntry(SERVICE, account).getPassword()) ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    await new this.keyring.AsyncEntry(SERVICE, account).setPassword(secret);
  }

  async delete(account: string): Promise<void> {
    await new this.keyring.AsyncEntry(SERVICE, account).deletePassword().catch(() => false);
  }
}

/**
 * The keychain when it works here (probed with a harmless read), else the key file.
 * DESKVAULT_KEYSTORE=file forces the file (tests, headless servers without a Secret Service).
 * Once a key file holds secrets it stays the store, so keys saved earlier are never orphaned.
 */
export async function openKeyStore(home: string, env: NodeJS.ProcessEnv = process.env): Promise<KeyStore> {
  const file = new FileKeyStore(home);
  const fileInUse = await fs.stat(path.join(home, KEY_FILE)).then(() => true, () => false);
  if (env.DESKVAULT_KEYSTORE === 'file' || fileInUse) return file;
  try {
    const keyring = (await import('@napi-rs/keyring')) as unknown as KeyringModule;
    const store = new KeychainKeyStore(keyring);
    // A read alone can succeed where writes are refused (no unlocked Secret Service): write,
    // read back and delete a probe entry before trusting the keychain with a vault key.
    const probe = `probe:${process.pid}`;
    await store.set(probe, 'ok');
    const back = await store.get(probe);
    await store.delete(probe);
    if (back !== 'ok') throw new Error('keychain did not keep the probe');
    return store;
  } catch {
    return file;
  }
}

/** Key-store account names: one per vault id, so renaming or moving a vault keeps its key. */
export const accountFor = {
  appKey: (vaultId: string): string => `vault:${vaultId}:app-key`,
  passphrase: (vaultId: string): string => `vault:${vaultId}:passphrase`,
};
