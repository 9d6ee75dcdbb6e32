/**
 * Durable, atomic replacement of small state files (settings, plans, vault registry, journals):
 * write a temporary file next to the target, fsync it, rename it over the target, fsync the folder.
 * A crash at any instant leaves either the old or the new content, never a torn file. Readers
 * validate what they read with a schema, so a file edited by hand into nonsense is refused with
 * its name rather than half-trusted.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import { DeskVaultError } from '../../core/errors.js';

export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  // `<name>.tmp-<pid>-<random>` beside the target: owners clean up their own leftovers by prefix.
  const tmp = path.join(dir, `${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  const fh = await fs.open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
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
  await syncDir(dir);
}

export async function syncDir(dir: string): Promise<void> {
  // Windows cannot open a folder for fsync, and some file systems refuse it; the rename is atomic
  // either way, and NTFS orders it after the data.
  let dh: fs.FileHandle | undefined;
  try {
    dh = await fs.open(dir, 'r');
    await dh.sync();
  } catch {
    /* see above */
  } finally {
    await dh?.close();
  }
}

export function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  return writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Reads and validates a JSON state file; `fallback` when it does not exist. */
export async function readJsonFile<S extends z.ZodType>(file: string, schema: S, fallback: z.output<S>): Promise<z.output<S>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new DeskVaultError('INTEGRITY', `${file} is not valid JSON (${(err as Error).message}); fix or remove it`, { file });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DeskVaultError('INTEGRITY', `${file} is not a valid DeskVault state file: ${issue?.path.join('.') || '(top)'}: ${issue?.message}`, { file });
  }
  return parsed.data;
}
