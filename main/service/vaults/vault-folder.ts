/**
 * Whether a local folder can hold a vault, decided before anything is written there. Node's
 * recursive mkdir never returns on a path under /proc (mkdir answers ENOENT there, and Node retries
 * for ever), and a vault on /proc, /sys or the like could hold nothing anyway; so the nearest folder
 * that exists must be a folder, on a file system that stores files, and writable — and the missing
 * folders below it are then made one level at a time (no recursive mkdir), so even a file system
 * this list does not know fails at once with its own error instead of hanging.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeskVaultError } from '../../core/errors.js';

/**
 * Linux `statfs` magic numbers of file systems that are views of the kernel, not storage
 * (linux/magic.h). Elsewhere (macOS, Windows) no such folder is reachable by a plain path.
 */
const PSEUDO_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0xde5e81e4, 'efivarfs'],
  [0x62656570, 'configfs'],
  [0x65735543, 'fusectl'],
  [0x42494e4d, 'binfmt_misc'],
  [0xf97cff8c, 'selinuxfs'],
  [0x19800202, 'mqueue'],
  [0x6e736673, 'nsfs'],
]);

export interface VaultFolderCheck {
  /** The nearest folder that exists: `dir` itself, or the one its missing folders go into. */
  existing: string;
  /** Folders to create, outermost first (empty when `dir` exists). */
  missing: string[];
}

/** Throws INVALID_INPUT or ACCESS_DENIED, naming the folder and why, when `dir` cannot hold a vault. */
export function checkVaultFolder(dir: string): VaultFolderCheck {
  const target = path.resolve(dir);
  const missing: string[] = [];
  let at = target;
  let st: fs.Stats;
  for (;;) {
    try {
      st = fs.statSync(at);
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') throw new DeskVaultError('ACCESS_DENIED', `cannot put a vault at ${target}: no permission to look into ${path.dirname(at)}`, { location: target });
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new DeskVaultError('IO', `cannot put a vault at ${target}: ${at}: ${(err as Error).message}`, { location: target });
      const up = path.dirname(at);
      if (up === at) throw new DeskVaultError('INVALID_INPUT', `cannot put a vault at ${target}: no part of that path exists`, { location: target, field: 'location' });
      missing.unshift(at);
      at = up;
    }
  }
  if (!st.isDirectory()) throw new DeskVaultError('INVALID_INPUT', `cannot put a vault at ${target}: ${at} is a file, not a folder`, { location: target, field: 'location' });
  const pseudo = pseudoFileSystemOf(at);
  if (pseudo) {
    throw new DeskVaultError('INVALID_INPUT', `cannot put a vault at ${target}: ${at} is on ${pseudo}, a view of the operating system that stores no files; choose a folder on a disk`, {
      location: target,
      field: 'location',
      fileSystem: pseudo,
    });
  }
  try {
    fs.accessSync(at, fs.constants.W_OK);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'EROFS' ? 'it is on a read-only file system' : 'no permission to write there';
    throw new DeskVaultError('ACCESS_DENIED', `cannot put a vault at ${target}: ${missing.length ? `cannot create folders in ${at}` : `cannot write in ${at}`} (${why})`, { location: target });
  }
  return { existing: at, missing };
}

/** Checks `dir` (checkVaultFolder) and creates its missing folders, one level at a time. */
export function prepareVaultFolder(dir: string): void {
  for (const p of checkVaultFolder(dir).missing) {
    try {
      fs.mkdirSync(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && fs.statSync(p).isDirectory()) continue; // made meanwhile: fine
      const message = `cannot create the vault folder ${p}: ${(err as Error).message}`;
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new DeskVaultError('ACCESS_DENIED', message, { location: dir });
      if (code === 'ENOSPC') throw new DeskVaultError('NO_SPACE', message, { location: dir });
      throw new DeskVaultError('IO', message, { location: dir });
    }
  }
}

function pseudoFileSystemOf(dir: string): string | null {
  if (process.platform !== 'linux') return null;
  try {
    return PSEUDO_FILE_SYSTEMS.get(Number(fs.statfsSync(dir).type)) ?? null;
  } catch {
    return null; // statfs unavailable: the one-level mkdir still fails fast
  }
}
