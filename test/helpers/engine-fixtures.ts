/**
 * Shared set-up for engine tests: temporary folders that are removed afterwards, small vaults
 * (small chunks and packs, so multi-chunk and multi-pack cases happen with little data), a
 * deterministic byte generator, and snapshots of a folder's files for before/after comparisons.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { Vault } from '../../main/engine/repo/vault.js';
import { LocalStore } from '../../main/engine/storage/local-store.js';
import type { ChunkerParams } from '../../main/engine/chunker/fastcdc.js';

export const SMALL_CHUNKER: ChunkerParams = { minSize: 4096, avgSize: 16384, maxSize: 65536 };
export const SMALL_PACK = 256 * 1024;
export const PASSPHRASE = 'correct horse battery staple';

export { listObjects, makeTempDir, removeTempDirs } from './files.js';
import { walkTree } from './files.js';

export async function createVault(dir: string, opts: { chunker?: ChunkerParams; packSize?: number } = {}): Promise<Vault> {
  return Vault.init(new LocalStore(dir), { passphrase: PASSPHRASE, chunker: opts.chunker ?? SMALL_CHUNKER, packSize: opts.packSize ?? SMALL_PACK });
}

/** xorshift32 bytes: the same generator as test/fixtures/make-vectors.mjs. */
export function xorshiftBytes(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    for (let j = 0; j < 4 && i + j < length; j++) out[i + j] = (x >>> (8 * j)) & 0xff;
  }
  return out;
}

/** Every file below root (relative path → sha256 of its bytes); symlinks as `-> target`. */
export function snapshotFiles(root: string): Map<string, string> {
  const out = new Map<string, string>();
  walkTree(root, (r, abs, st) => {
    if (st.isDirectory()) out.set(`${r}/`, 'dir');
    else if (st.isSymbolicLink()) out.set(r, `-> ${fs.readlinkSync(abs)}`);
    else out.set(r, createHash('sha256').update(fs.readFileSync(abs)).digest('hex'));
  });
  return out;
}

/** Total bytes of the files below root. */
export function folderBytes(root: string): number {
  let total = 0;
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) total += fs.statSync(p).size;
    }
  };
  walk(root);
  return total;
}

/** Catches the error a call throws (sync or async), or fails the test if it does not throw. */
export async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}
