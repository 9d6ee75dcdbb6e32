// Finds an Electron executable WITHOUT loading the `electron` package: its index.js downloads the
// binary when missing (and throws where it cannot), so it is never required here. Mirrors its
// lookup: ELECTRON_OVERRIDE_DIST_PATH first, else node_modules/electron/path.txt naming a file in
// node_modules/electron/dist. Used by bin/start.js and the Electron end-to-end test.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * @param {string} root the project folder (holding node_modules)
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {{ found: true, path: string } | { found: false, reason: string }}
 */
export function findElectronBinary(root, env = process.env) {
  const pkg = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const exe = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || (process.platform === 'win32' ? 'electron.exe' : 'electron'));
    return existsSync(exe) ? { found: true, path: exe } : { found: false, reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${exe} does not exist` };
  }
  if (!existsSync(pkg)) return { found: false, reason: 'the electron package is not installed' };
  if (!relative) return { found: false, reason: 'the Electron binary was never downloaded (node_modules/electron/path.txt is missing)' };
  const exe = path.join(pkg, 'dist', relative);
  return existsSync(exe) ? { found: true, path: exe } : { found: false, reason: `the Electron binary is missing (${exe})` };
}
