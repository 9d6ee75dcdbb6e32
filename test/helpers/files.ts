/**
 * File helpers shared by every test: temporary folders removed afterwards (even read-only ones
 * left by restores), and the object keys of a vault folder.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const created: string[] = [];

/** A fresh folder under the OS temp folder (real path); `removeTempDirs` removes them all. */
export function makeTempDir(prefix = 'dv-'): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) removeDir(dir);
}

/** Removes a folder, even one holding read-only folders (0o555) from a restore. */
export function removeDir(dir: string): void {
  makeWritable(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

function makeWritable(dir: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch {
    return;
  }
  if (!st.isDirectory()) return;
  try {
    fs.chmodSync(dir, 0o700);
  } catch {
    /* best effort */
  }
  for (const name of fs.readdirSync(dir)) makeWritable(path.join(dir, name));
}

/** Object keys of a vault folder below a prefix such as `data/` (unfinished `.tmp-*` writes excluded). */
export function listObjects(vaultDir: string, prefix: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), r);
      else out.push(r);
    }
  };
  walk(path.join(vaultDir, prefix), prefix.replace(/\/$/, ''));
  return out.sort();
}

/** Visits every entry below root, depth first in name order, with its `/`-separated relative path. */
export function walkTree(root: string, visit: (rel: string, abs: string, st: fs.Stats) => void): void {
  const walk = (dir: string, rel: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(abs);
      visit(r, abs, st);
      if (st.isDirectory()) walk(abs, r);
    }
  };
  if (fs.existsSync(root)) walk(root, '');
}
