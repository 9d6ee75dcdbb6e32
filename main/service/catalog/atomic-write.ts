/**
 * Writes a file so that a reader sees the old file, no file, or the whole new one: temporary file
 * `.tmp-*` in the same folder, fsync, rename, fsync of the folder. The catalog is a cache, so a torn
 * file would only cost a rebuild — but a rebuild reads every tree of the vault, so one fsync per sync
 * is the cheaper price.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export async function writeFileAtomic(file: string, bytes: Buffer | string): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.tmp-${randomBytes(8).toString('hex')}`);
  const fh = await fs.open(tmp, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  const dh = await fs.open(dir, 'r');
  try {
    await dh.sync();
  } catch {
    // Some file systems refuse fsync on a folder; the rename is still atomic.
  } finally {
    await dh.close();
  }
}
