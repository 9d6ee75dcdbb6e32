/** Where a vault's catalog lives: `<state folder>/catalog/<vault id>/`. Deleting it loses nothing. */
import * as path from 'node:path';
import { stateFolder } from '../state-folder.js';

export function catalogFolder(vaultId: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateFolder(env), 'catalog', vaultId);
}
