/** The service's public entry for the edges (CLI, server, Electron). */
export { DeskVaultService, type EventListener, type ServiceDeps } from './service.js';
export { runningService, StateLock } from './state/state-lock.js';
export { stateFolder, vaultCacheFolder } from './state-folder.js';
export { DEFAULT_VAULT } from './vaults/vault-registry.js';
export { isVaultName } from './vaults/vault-registry.js';
export { openRegisteredVault, registeredVaultLocation } from './vaults/open-registered.js';
export { contentTypeOf, realUiFolder, resolveUiFile } from './ui-files.js';
