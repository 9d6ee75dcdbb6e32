/**
 * Opening a registered vault by name from a command that does not run the service (backup,
 * restore, ls … with `--vault NAME`): reads the registry and the key store, writes nothing, so it
 * needs no lock and works while the app or a daemon runs.
 */
import { openKeyStore } from '../keys/key-store.js';
import type { StoreOptions } from '../location.js';
import { stateFolder } from '../state-folder.js';
import type { VaultSession } from '../vault-service.js';
import { VaultRegistry } from './vault-registry.js';

export async function openRegisteredVault(name: string, storeOpts: StoreOptions = {}, home = stateFolder()): Promise<VaultSession> {
  return new VaultRegistry(home, await openKeyStore(home)).openFresh(name, storeOpts);
}

export async function registeredVaultLocation(name: string, home = stateFolder()): Promise<string> {
  return (await new VaultRegistry(home, await openKeyStore(home)).get(name)).location;
}
