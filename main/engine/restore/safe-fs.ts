/**
 * File-system steps for restore that can never leave the chosen base folder: folders are created
 * one component at a time and an existing component must be a real folder, never a symlink, so a
 * link planted earlier (by a previous restore of a crafted vault, or by anyone) cannot redirect a
 * write.
 */
import { constants, lstatSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { DeskVaultError } from '../../core/errors.js';

export function safeMkdirs(base: string, rel: readonly string[], verified?: Set<string>): string {
  const full = path.join(base, ...rel);
  if (verified?.has(full)) return full;
  let dir = base;
  for (const c of rel) {
    dir = path.join(dir, c);
    if (verified?.has(dir)) continue;
    // No exception for a missing folder (the common case in a restore): building one per folder
    // cost more than the lstat itself.
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (!st) {
      mkdirSync(dir, { mode: 0o700 });
      verified?.add(dir);
      continue;
    }
    if (st.isSymbolicLink()) {
      throw new DeskVaultError('UNSAFE_PATH', `refusing to restore through the symbolic link ${dir}`, { path: dir });
    }
    if (!st.isDirectory()) {
      throw new DeskVaultError('UNSAFE_PATH', `${dir} exists and is not a folder`, { path: dir });
    }
    verified?.add(dir);
  }
  return dir;
}

/** Flags for a new temporary file: never follow a link, never reuse an existing file. */
export const NEW_FILE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

/** Permission bits restored; setuid/setgid are dropped so a restore cannot plant privileged files. */
export function restorableMode(mode: number): number {
  return mode & 0o1777;
}

/**
 * utimes takes seconds as a double and the kernel call truncates it to microseconds; aiming at the
 * middle of the microsecond makes the truncation land on the right one.
 */
export function nsToSeconds(ns: string): number {
  const n = BigInt(ns);
  const sec = n / 1_000_000_000n;
  const us = (n - sec * 1_000_000_000n) / 1000n;
  return Number(sec) + (Number(us) + 0.5) / 1e6;
}

export type ExistingKind = 'none' | 'file' | 'dir' | 'symlink' | 'other';

export function existingKind(p: string): { kind: ExistingKind; size?: number; mtimeNs?: bigint } {
  const st = lstatSync(p, { bigint: true, throwIfNoEntry: false });
  if (!st) return { kind: 'none' };
  if (st.isSymbolicLink()) return { kind: 'symlink' };
  if (st.isDirectory()) return { kind: 'dir' };
  if (st.isFile()) return { kind: 'file', size: Number(st.size), mtimeNs: st.mtimeNs };
  return { kind: 'other' };
}

/**
 * `report.pdf` → `report (restored 2026-11-26 0412).pdf`, numbered if that exists too. The stem is
 * shortened (by UTF-8 bytes, never splitting a character) so the name stays within 255 bytes.
 */
export function keepBothName(dir: string, name: string, when: Date, exists: (p: string) => boolean): string {
  const ext = path.extname(name);
  const hasExt = ext.length > 0 && ext !== name && Buffer.byteLength(ext) <= 32;
  const stem = hasExt ? name.slice(0, -ext.length) : name;
  const suffixExt = hasExt ? ext : '';
  const stamp = when.toISOString().slice(0, 16).replace('T', ' ').replace(':', '');
  for (let i = 1; ; i++) {
    const tag = ` (restored ${stamp}${i > 1 ? ` ${i}` : ''})`;
    const room = MAX_NAME_BYTES - Buffer.byteLength(tag) - Buffer.byteLength(suffixExt);
    const candidate = `${truncateUtf8(stem, room)}${tag}${suffixExt}`;
    if (!exists(path.join(dir, candidate))) return candidate;
  }
}

const MAX_NAME_BYTES = 255;

function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s) <= maxBytes) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const b = Buffer.byteLength(ch);
    if (bytes + b > maxBytes) break;
    out += ch;
    bytes += b;
  }
  return out;
}
