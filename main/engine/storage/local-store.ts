/**
 * ObjectStore on a local or network folder. Each object is a file; writes go to a `.tmp-*` file in
 * the same folder, are fsynced, renamed over the final name, and the folder is fsynced, so a crash
 * at any instant leaves either the old state or the new one.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, type Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DeskVaultError } from '../../core/errors.js';
import { crashPoint } from '../util/crash-point.js';
import { assertValidKey, type ByteRange, type ObjectInfo, type ObjectStore, type StoreProperties } from './object-store.js';

export const TMP_PREFIX = '.tmp-';

export class LocalStore implements ObjectStore {
  readonly properties: StoreProperties;
  private readonly knownDirs = new Set<string>();

  constructor(readonly root: string) {
    this.properties = { kind: 'local', location: root };
  }

  async put(key: string, data: Buffer | readonly Buffer[]): Promise<void> {
    assertValidKey(key);
    const file = this.pathOf(key);
    const dir = path.dirname(file);
    await this.ensureDir(dir);
    const tmp = path.join(dir, `${TMP_PREFIX}${randomBytes(8).toString('hex')}`);
    const parts = Buffer.isBuffer(data) ? [data] : data;
    try {
      const fh = await fs.open(tmp, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o600);
      try {
        crashPoint();
        await writeAll(fh, parts);
        crashPoint();
        await fh.sync();
      } finally {
        await fh.close();
      }
      crashPoint();
      await fs.rename(tmp, file);
      crashPoint();
      await syncDir(dir);
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw mapFsError(err, file, 'write');
    }
  }

  async get(key: string, range?: ByteRange, into?: Buffer): Promise<Buffer> {
    assertValidKey(key);
    const file = this.pathOf(key);
    let fh: fs.FileHandle;
    try {
      fh = await fs.open(file, 'r');
    } catch (err) {
      throw mapFsError(err, file, 'read', key);
    }
    try {
      if (!range) {
        if (!into) return await fh.readFile();
        const { size } = await fh.stat();
        range = { offset: 0, length: size };
      }
      const buf = into && into.length >= range.length ? into.subarray(0, range.length) : Buffer.allocUnsafe(range.length);
      let done = 0;
      while (done < range.length) {
        const { bytesRead } = await fh.read(buf, done, range.length - done, range.offset + done);
        if (bytesRead === 0) {
          throw new DeskVaultError('INTEGRITY', `${key} is shorter than expected (wanted bytes ${range.offset}–${range.offset + range.length})`, { key });
        }
        done += bytesRead;
      }
      return buf;
    } catch (err) {
      throw mapFsError(err, file, 'read', key);
    } finally {
      await fh.close();
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    try {
      const st = await fs.stat(this.pathOf(key));
      return { key, size: st.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw mapFsError(err, this.pathOf(key), 'read');
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    // Prefixes are folder-aligned in DeskVault ("data/", "index/"); walk the folder below.
    const base = prefix.endsWith('/') ? prefix.slice(0, -1) : path.posix.dirname(prefix);
    const startDir = base === '.' || base === '' ? this.root : path.join(this.root, ...base.split('/'));
    yield* this.walk(startDir, base === '.' ? '' : base, prefix);
  }

  private async *walk(dir: string, keyDir: string, prefix: string): AsyncIterable<ObjectInfo> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw mapFsError(err, dir, 'list');
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue; // unfinished writes and foreign dotfiles
      const key = keyDir ? `${keyDir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (prefix.startsWith(`${key}/`) || key.startsWith(prefix) || prefix === '') yield* this.walk(path.join(dir, e.name), key, prefix);
      } else if (e.isFile() && key.startsWith(prefix)) {
        const st = await fs.stat(path.join(dir, e.name)).catch(() => null);
        if (st) yield { key, size: st.size };
      }
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    crashPoint();
    try {
      await fs.unlink(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw mapFsError(err, this.pathOf(key), 'delete');
    }
  }

  /** Removes unfinished writes older than `olderThanMs` (left by crashed writers). */
  async cleanTemporaryFiles(olderThanMs: number, now = Date.now()): Promise<number> {
    let removed = 0;
    const visit = async (dir: string): Promise<void> => {
      const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[]);
      for (const e of entries) {
        const p = path.join(dir, e.name);
        if (e.isDirectory() && !e.name.startsWith('.')) await visit(p);
        else if (e.isFile() && e.name.startsWith(TMP_PREFIX)) {
          const st = await fs.stat(p).catch(() => null);
          if (st && now - st.mtimeMs > olderThanMs) {
            await fs.rm(p, { force: true });
            removed++;
          }
        }
      }
    };
    await visit(this.root);
    return removed;
  }

  private pathOf(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (err) {
      throw mapFsError(err, dir, 'write');
    }
    this.knownDirs.add(dir);
  }
}

async function writeAll(fh: fs.FileHandle, parts: readonly Buffer[]): Promise<void> {
  // writev with at most 512 buffers per call (IOV_MAX is 1024 on Linux).
  for (let i = 0; i < parts.length; i += 512) {
    const batch = parts.slice(i, i + 512);
    let total = 0;
    for (const b of batch) total += b.length;
    const { bytesWritten } = await fh.writev(batch);
    if (bytesWritten !== total) {
      // Short writev: fall back to writing the remainder buffer by buffer.
      let skip = bytesWritten;
      for (const b of batch) {
        if (skip >= b.length) {
          skip -= b.length;
          continue;
        }
        await fh.write(b.subarray(skip));
        skip = 0;
      }
    }
  }
}

async function syncDir(dir: string): Promise<void> {
  // Directory fsync makes the rename durable; not supported on Windows, where rename is durable enough.
  if (process.platform === 'win32') return;
  const fh = await fs.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

const TRANSIENT_FS_ERRORS = new Set(['EAGAIN', 'EBUSY', 'ETIMEDOUT', 'ECONNRESET', 'ESTALE', 'EINTR']);

export function mapFsError(err: unknown, file: string, op: 'read' | 'write' | 'list' | 'delete', key?: string): unknown {
  if (err instanceof DeskVaultError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return new DeskVaultError('NOT_FOUND', `${key ?? file} does not exist`, { path: file }, { cause: err });
    case 'ENOSPC':
    case 'EDQUOT':
      return new DeskVaultError('NO_SPACE', `no space left on the device holding ${path.dirname(file)}; free some space and run again — nothing was lost`, { path: file }, { cause: err });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new DeskVaultError('ACCESS_DENIED', `permission denied to ${op} ${file}`, { path: file, operation: op }, { cause: err });
    default:
      // Network folders (SMB, NFS) report passing trouble with these; RetryStore tries again.
      return new DeskVaultError('IO', `cannot ${op} ${file}: ${(err as Error)?.message ?? String(err)}`, { path: file, retryable: TRANSIENT_FS_ERRORS.has(code ?? '') }, { cause: err });
  }
}
