/**
 * The folder picker of the browser UI (a browser cannot give real paths of dropped folders): lists
 * the sub-folders of a folder on the machine the service runs on. Read-only, folders only, names
 * sorted; the service is reachable only from this machine's loopback with its token.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ApiResults } from '../core/api.js';
import { DeskVaultError } from '../core/errors.js';

const MAX_FOLDERS = 5000;

export async function listFolders(input: string): Promise<ApiResults['fs.listFolders']> {
  const dir = input ? path.resolve(input) : os.homedir();
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new DeskVaultError('NOT_FOUND', `${dir} is not a folder`, { path: dir });
    if (code === 'EACCES' || code === 'EPERM') throw new DeskVaultError('ACCESS_DENIED', `${dir} cannot be read (permission denied)`, { path: dir });
    throw err;
  }
  const folders = entries
    .filter((e) => e.isDirectory())
    .map((e) => ({ name: e.name, path: path.join(dir, e.name) }))
    .sort((a, b) => a.name.localeCompare(b.name))
    .slice(0, MAX_FOLDERS);
  const parent = path.dirname(dir) === dir ? null : path.dirname(dir);
  const roots = process.platform === 'win32' ? await windowsDrives() : ['/'];
  return { path: dir, parent, folders, roots: [os.homedir(), ...roots] };
}

async function windowsDrives(): Promise<string[]> {
  const out: string[] = [];
  for (const l of 'CDEFGHIJKLMNOPQRSTUVWXYZ') {
    const d = `${l}:\\`;
    if (await fs.stat(d).then(() => true, () => false)) out.push(d);
  }
  return out;
}
