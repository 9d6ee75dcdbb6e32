/**
 * The one folder where DeskVault keeps its own state (settings, plans, catalog, caches under
 * `cache/<vault id>`): the folder Electron uses as `userData` for the product name DeskVault, so the
 * app, the CLI and a daemon agree. DESKVAULT_HOME overrides it (tests, portable installs, profiles).
 */
import * as os from 'node:os';
import * as path from 'node:path';

export function stateFolder(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.DESKVAULT_HOME) return path.resolve(env.DESKVAULT_HOME);
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'DeskVault');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'DeskVault');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'DeskVault');
}

/** Where the local cache of a vault's immutable metadata lives; deleting it is always safe. */
export function vaultCacheFolder(vaultId: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateFolder(env), 'cache', vaultId);
}
