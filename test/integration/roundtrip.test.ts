/**
 * Backup → restore round trips through a real vault on disk: awkward names and trees, metadata,
 * large and sparse files, deduplication, incremental change detection, restore selections, modes
 * and conflict policies, and what a backup skips or reports.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup, type BackupResult } from '../../main/engine/backup/backup.js';
import { createPathMatcher, type PathMatcher } from '../../main/engine/match/path-matcher.js';
import type { RecoveryPoint } from '../../main/engine/repo/point.js';
import type { Vault } from '../../main/engine/repo/vault.js';
import { restore, type RestoreOptions } from '../../main/engine/restore/restore.js';
import { caught, createVault, folderBytes, listObjects, makeTempDir, removeTempDirs, snapshotFiles } from '../helpers/engine-fixtures.js';

afterAll(removeTempDirs);

const MiB = 1024 * 1024;

async function restoreLatest(vault: Vault, point: RecoveryPoint, opts: Omit<RestoreOptions, 'point'>): Promise<Awaited<ReturnType<typeof restore>>> {
  const { index } = await vault.loadIndex();
  return restore(vault, index, { point, ...opts });
}

/** Where `--target DIR` puts an original absolute path. */
function under(target: string, original: string): string {
  return path.join(target, original);
}

interface EntryInfo {
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode?: number;
  size?: number;
  sha?: string;
  target?: string;
}

/** Type, permission bits, size, content hash and link target of everything below root. */
function describeTree(root: string): Map<string, EntryInfo> {
  const out = new Map<string, EntryInfo>();
  const walk = (dir: string, rel: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(abs);
      if (st.isSymbolicLink()) out.set(r, { type: 'symlink', target: fs.readlinkSync(abs) });
      else if (st.isDirectory()) {
        out.set(r, { type: 'dir', mode: st.mode & 0o7777 });
        walk(abs, r);
      } else if (st.isFile()) {
        out.set(r, { type: 'file', mode: st.mode & 0o7777, size: st.size, sha: sha256File(abs) });
      } else out.set(r, { type: 'other' });
    }
  };
  walk(root, '');
  return out;
}

function sha256File(p: string): string {
  const h = createHash('sha256');
  const fd = fs.openSync(p, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 * MiB);
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

/** Modification times (whole milliseconds, truncated from nanoseconds) of everything below root. */
function mtimesMs(root: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const walk = (dir: string, rel: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(abs, { bigint: true });
      out.set(r, st.mtimeNs / 1_000_000n);
      if (st.isDirectory()) walk(abs, r);
    }
  };
  walk(root, '');
  return out;
}

/** Sets a file's (or link's) mtime to an exact number of milliseconds since the epoch. */
function setMtimeMs(p: string, ms: number, link = false): void {
  // utimes takes seconds as a double and the kernel path truncates to microseconds; aim at the
  // middle of the millisecond so the stored time lands inside it.
  const t = (ms + 0.5) / 1000;
  if (link) fs.lutimesSync(p, t, t);
  else fs.utimesSync(p, t, t);
}

/**
 * Sets a file's mtime to exact nanoseconds with touch(1) (utimensat), which Node's utimes (seconds
 * as a double) cannot do; e.g. '1600000000.100000456'.
 */
function setMtimeExact(p: string, secondsDotNanos: string): void {
  execFileSync('touch', ['-m', '-h', '-d', `@${secondsDotNanos}`, p]);
}

function expectNoErrors(r: BackupResult): void {
  expect(r.point.errors).toEqual([]);
  expect(r.point.status).toBe('COMPLETED');
}

function tempFilesIn(root: string): string[] {
  return [...snapshotFiles(root).keys()].filter((k) => path.basename(k).startsWith('.dvrestore-'));
}

// ---------------------------------------------------------------------------------------------

describe('round trip of an awkward tree', () => {
  let root: string;
  let src: string;
  let target: string;
  let vault: Vault;
  let result: BackupResult;
  let restored: Awaited<ReturnType<typeof restore>>;
  const SPARSE_SIZE = 50 * MiB;
  const LONG_NAME = 'L'.repeat(190) + 'é'.repeat(5); // 200 bytes of UTF-8
  const ODD_NAMES = ['ünïcödé – ñ.txt', 'with  spaces .txt', '😀 emoji 🎉', '-leading-dash', '#hash#', 'tab\tand\nnewline', `quote's "double"`, '*?[glob]{a,b}', 'caf\u00e9', 'cafe\u0301', LONG_NAME];

  beforeAll(async () => {
    root = makeTempDir();
    src = path.join(root, 'src');
    target = path.join(root, 'target');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'plain.txt'), 'hello, vault\n');
    // Odd names
    fs.mkdirSync(path.join(src, 'names'));
    ODD_NAMES.forEach((n, i) => fs.writeFileSync(path.join(src, 'names', n), `content of name #${i}: ${n}\n`));
    fs.mkdirSync(path.join(src, 'names', '😀 emoji dir'));
    fs.writeFileSync(path.join(src, 'names', '😀 emoji dir', LONG_NAME), 'deep long');
    // Deep nesting: 40 levels
    let deep = path.join(src, 'deep');
    for (let i = 0; i < 40; i++) deep = path.join(deep, `level-${i}`);
    fs.mkdirSync(deep, { recursive: true });
    fs.writeFileSync(path.join(deep, 'bottom.txt'), 'the bottom');
    // Empty files and folders
    fs.writeFileSync(path.join(src, 'empty.txt'), '');
    fs.mkdirSync(path.join(src, 'empty-dir'));
    fs.mkdirSync(path.join(src, 'nested-empty', 'inner'), { recursive: true });
    // Symlinks: relative, absolute, dangling, to a folder
    fs.mkdirSync(path.join(src, 'links'));
    fs.symlinkSync('../plain.txt', path.join(src, 'links', 'relative'));
    fs.symlinkSync(path.join(src, 'plain.txt'), path.join(src, 'links', 'absolute'));
    fs.symlinkSync('does/not/exist', path.join(src, 'links', 'dangling'));
    fs.symlinkSync('../names', path.join(src, 'links', 'to-dir'));
    // Modes
    fs.mkdirSync(path.join(src, 'modes'));
    for (const [name, mode] of [
      ['private', 0o600],
      ['exec', 0o755],
      ['readonly', 0o444],
    ] as const) {
      fs.writeFileSync(path.join(src, 'modes', name), name);
      fs.chmodSync(path.join(src, 'modes', name), mode);
    }
    fs.mkdirSync(path.join(src, 'modes', 'private-dir'));
    fs.writeFileSync(path.join(src, 'modes', 'private-dir', 'secret'), 's');
    fs.chmodSync(path.join(src, 'modes', 'private-dir'), 0o700);
    fs.mkdirSync(path.join(src, 'modes', 'readonly-dir'));
    fs.writeFileSync(path.join(src, 'modes', 'readonly-dir', 'inside'), 'in a read-only folder');
    // Large random file, several identical files, a sparse file
    fs.mkdirSync(path.join(src, 'big'));
    fs.writeFileSync(path.join(src, 'big', 'random-20MiB.bin'), randomBytes(20 * MiB));
    const same = randomBytes(1 * MiB + 12345);
    for (const n of ['copy-1.bin', 'copy-2.bin', 'copy-3.bin']) fs.writeFileSync(path.join(src, 'big', n), same);
    const sparse = path.join(src, 'big', 'sparse.img');
    const fd = fs.openSync(sparse, 'w');
    fs.ftruncateSync(fd, SPARSE_SIZE);
    fs.writeSync(fd, Buffer.from('start'), 0, 5, 0);
    fs.writeSync(fd, Buffer.from('middle'), 0, 6, 17 * MiB + 3);
    fs.writeSync(fd, Buffer.from('end'), 0, 3, SPARSE_SIZE - 3);
    fs.closeSync(fd);
    // Times: explicit, millisecond-exact, for files, folders (after their content) and links
    setMtimeMs(path.join(src, 'plain.txt'), 1_600_000_000_123);
    setMtimeMs(path.join(src, 'modes', 'exec'), 946_684_799_999);
    setMtimeMs(path.join(src, 'links', 'relative'), 1_234_567_890_987, true);
    setMtimeMs(path.join(src, 'empty-dir'), 1_500_000_000_001);
    // Nanosecond times whose microseconds a double cannot carry through utimes unless rounded well.
    setMtimeExact(path.join(src, 'empty.txt'), '1600000000.100000456');
    setMtimeExact(path.join(src, 'modes', 'private'), '1795667278.209271654');
    setMtimeExact(path.join(src, 'links', 'dangling'), '1600000000.102000456');
    setMtimeExact(path.join(src, 'nested-empty', 'inner'), '1600000000.103000456');
    fs.chmodSync(path.join(src, 'modes', 'readonly-dir'), 0o555);

    vault = await createVault(path.join(root, 'vault'));
    result = await backup(vault, { paths: [src], tags: ['test'] });
    restored = await restoreLatest(vault, result.point, { mode: { kind: 'target', dir: target } });
  });

  it('backs up everything without errors or warnings', () => {
    expectNoErrors(result);
    expect(result.warnings).toEqual([]);
    const files = [...describeTree(src).values()].filter((e) => e.type === 'file').length;
    expect(result.point.stats.files).toBe(files);
    expect(result.point.paths).toEqual([src]);
    expect(result.point.tags).toEqual(['test']);
    expect(restored.errors).toEqual([]);
    expect(restored.files).toBe(files);
    expect(restored.symlinks).toBe(4);
  });

  it('spreads the data over several packs (small pack size in effect)', () => {
    expect(listObjects(path.join(root, 'vault'), 'data/').length).toBeGreaterThan(10);
    expect(listObjects(path.join(root, 'vault'), 'meta/').length).toBeGreaterThanOrEqual(1);
  });

  it('restores every name, file content, folder, link target and permission exactly', () => {
    const before = describeTree(src);
    const after = describeTree(under(target, src));
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [rel, info] of before) expect(after.get(rel), rel).toEqual(info);
    expect(fs.readdirSync(path.join(under(target, src), 'names')).sort()).toEqual([...ODD_NAMES, '😀 emoji dir'].sort());
    expect(fs.readlinkSync(path.join(under(target, src), 'links', 'absolute'))).toBe(path.join(src, 'plain.txt'));
    expect(fs.statSync(path.join(under(target, src), 'modes', 'readonly-dir')).mode & 0o777).toBe(0o555);
    expect(fs.statSync(path.join(under(target, src), 'modes', 'private-dir')).mode & 0o777).toBe(0o700);
  });

  it('restores modification times to the millisecond (files, folders, symlinks)', () => {
    const before = mtimesMs(src);
    const after = mtimesMs(under(target, src));
    const wrong = [...before].filter(([rel, ms]) => after.get(rel) !== ms).map(([rel, ms]) => `${rel}: ${ms} → ${after.get(rel)}`);
    expect(wrong).toEqual([]);
  });

  it('restores modification times to the microsecond, as restore.ts promises (its skip-identical check relies on it)', () => {
    const us = (root: string): Map<string, bigint> => new Map([...mtimesMs(root).keys()].map((rel) => [rel, fs.lstatSync(path.join(root, rel), { bigint: true }).mtimeNs / 1000n]));
    const before = us(src);
    const after = us(under(target, src));
    const wrong = [...before].filter(([rel, t]) => after.get(rel) !== t).map(([rel, t]) => `${rel}: ${t} → ${after.get(rel)}`);
    expect({ wrong: wrong.length, of: before.size, first: wrong.slice(0, 5) }).toEqual({ wrong: 0, of: before.size, first: [] });
  });

  it('keeps a sparse file sparse', () => {
    const srcSt = fs.statSync(path.join(src, 'big', 'sparse.img'));
    const st = fs.statSync(path.join(under(target, src), 'big', 'sparse.img'));
    expect(st.size).toBe(SPARSE_SIZE);
    expect(sha256File(path.join(under(target, src), 'big', 'sparse.img'))).toBe(sha256File(path.join(src, 'big', 'sparse.img')));
    // Only meaningful where the file system makes sparse files (it made the source sparse).
    if (srcSt.blocks * 512 < SPARSE_SIZE / 10) expect(st.blocks * 512).toBeLessThan(SPARSE_SIZE / 10);
  });

  it('stores identical content once', () => {
    // 20 MiB random + 1 MiB random (three copies) + a sparse file of zeros: about 21 MiB stored.
    expect(result.point.stats.storedBytes).toBeLessThan(22 * MiB);
    expect(result.point.stats.bytes).toBeGreaterThan(70 * MiB);
  });

  it('leaves no temporary files in the target', () => {
    expect(tempFilesIn(target)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('deduplication across folders', () => {
  it('a second backup of a copy of the same data under another folder grows the vault by < 1%', async () => {
    const root = makeTempDir();
    const a = path.join(root, 'a');
    fs.mkdirSync(path.join(a, 'sub'), { recursive: true });
    for (let i = 0; i < 8; i++) fs.writeFileSync(path.join(a, i % 2 ? 'sub' : '', `f${i}.bin`), randomBytes(1 * MiB + i * 1000));
    fs.writeFileSync(path.join(a, 'text.txt'), 'some text '.repeat(50000));
    const vaultDir = path.join(root, 'vault');
    const vault = await createVault(vaultDir);
    const first = await backup(vault, { paths: [a] });
    expectNoErrors(first);
    const size1 = folderBytes(vaultDir);
    const b = path.join(root, 'b');
    fs.cpSync(a, b, { recursive: true });
    const second = await backup(vault, { paths: [b] });
    expectNoErrors(second);
    expect(second.point.parent).toBeNull();
    expect(second.point.stats.newFiles).toBe(9);
    expect(second.point.stats.newChunks).toBe(0);
    const size2 = folderBytes(vaultDir);
    expect(size2 - size1).toBeLessThan(size1 * 0.01);
    // And the copy restores from the shared chunks.
    const target = path.join(root, 't');
    const r = await restoreLatest(vault, second.point, { mode: { kind: 'target', dir: target } });
    expect(r.errors).toEqual([]);
    expect(snapshotFiles(under(target, b))).toEqual(snapshotFiles(a));
  });
});

// ---------------------------------------------------------------------------------------------

describe('incremental backups', () => {
  let root: string;
  let src: string;
  let vault: Vault;
  let first: BackupResult;
  const FIXED_MTIME = 1_700_000_000; // whole seconds: utimes can set it back exactly

  beforeAll(async () => {
    root = makeTempDir();
    src = path.join(root, 'src');
    fs.mkdirSync(path.join(src, 'd'), { recursive: true });
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(src, i < 10 ? '' : 'd', `file-${i}.txt`), `file ${i} `.repeat(100 + i));
    fs.writeFileSync(path.join(src, 'd', 'big.bin'), randomBytes(300 * 1024));
    fs.utimesSync(path.join(src, 'file-3.txt'), FIXED_MTIME, FIXED_MTIME);
    vault = await createVault(path.join(root, 'vault'));
    first = await backup(vault, { paths: [src] });
    expectNoErrors(first);
  });

  it('a run without changes reuses every file and stores almost nothing', async () => {
    const again = await backup(vault, { paths: [src] });
    expectNoErrors(again);
    expect(again.point.parent).toBe(first.point.id);
    expect(again.point.stats.files).toBe(21);
    expect(again.point.stats.unchangedFiles).toBe(21);
    expect(again.point.stats.newFiles).toBe(0);
    expect(again.point.stats.changedFiles).toBe(0);
    expect(again.point.stats.newChunks).toBe(0);
    // At most the trees of folders above src, whose times other processes may change.
    expect(again.point.stats.storedBytes).toBeLessThan(8 * 1024);
  });

  it('catches a file rewritten with the same size and mtime (by its ctime) and restores the new content', async () => {
    const p = path.join(src, 'file-3.txt');
    const old = fs.readFileSync(p);
    const changed = Buffer.from(old.toString().toUpperCase());
    expect(changed.length).toBe(old.length);
    fs.writeFileSync(p, changed);
    fs.utimesSync(p, FIXED_MTIME, FIXED_MTIME);
    const st = fs.statSync(p, { bigint: true });
    expect(st.mtimeNs).toBe(BigInt(FIXED_MTIME) * 1_000_000_000n);
    const r = await backup(vault, { paths: [src] });
    expectNoErrors(r);
    expect(r.point.stats.changedFiles).toBe(1);
    expect(r.point.stats.unchangedFiles).toBe(20);
    const target = path.join(root, 'restore-ctime');
    const res = await restoreLatest(vault, r.point, { mode: { kind: 'target', dir: target }, paths: [p] });
    expect(res.errors).toEqual([]);
    expect(fs.readFileSync(under(target, p)).equals(changed)).toBe(true);
    // The first point still has the old content.
    const target0 = path.join(root, 'restore-old');
    await restoreLatest(vault, first.point, { mode: { kind: 'target', dir: target0 }, paths: [p] });
    expect(fs.readFileSync(under(target0, p)).equals(old)).toBe(true);
  });

  it('counts new, changed and removed files', async () => {
    fs.writeFileSync(path.join(src, 'new.txt'), 'new');
    fs.appendFileSync(path.join(src, 'd', 'file-12.txt'), 'more');
    fs.rmSync(path.join(src, 'file-0.txt'));
    const r = await backup(vault, { paths: [src] });
    expectNoErrors(r);
    expect(r.point.stats).toMatchObject({ files: 21, newFiles: 1, changedFiles: 1, unchangedFiles: 19 });
    const target = path.join(root, 'restore-3');
    const res = await restoreLatest(vault, r.point, { mode: { kind: 'target', dir: target } });
    expect(res.errors).toEqual([]);
    expect(snapshotFiles(under(target, src))).toEqual(snapshotFiles(src));
  });
});

// ---------------------------------------------------------------------------------------------

describe('restore: selections, modes, conflicts, dry run', () => {
  let root: string;
  let src: string;
  let vault: Vault;
  let point: RecoveryPoint;
  let n = 0;
  const fresh = (): string => path.join(root, `out-${++n}`);

  beforeAll(async () => {
    root = makeTempDir();
    src = path.join(root, 'src');
    fs.mkdirSync(path.join(src, 'docs', 'deeper'), { recursive: true });
    fs.mkdirSync(path.join(src, 'photos'));
    fs.writeFileSync(path.join(src, 'report.pdf'), 'the report');
    fs.writeFileSync(path.join(src, 'notes'), 'no extension');
    fs.writeFileSync(path.join(src, 'docs', 'a.txt'), 'A');
    fs.writeFileSync(path.join(src, 'docs', 'deeper', 'b.txt'), 'B');
    fs.writeFileSync(path.join(src, 'photos', 'p.jpg'), randomBytes(100_000));
    fs.symlinkSync('report.pdf', path.join(src, 'link'));
    setMtimeExact(path.join(src, 'notes'), '1795667278.209271654');
    vault = await createVault(path.join(root, 'vault'));
    const r = await backup(vault, { paths: [src] });
    expectNoErrors(r);
    point = r.point;
  });

  it('restores only the selected paths, under their absolute place in --target', async () => {
    const target = fresh();
    const res = await restoreLatest(vault, point, { mode: { kind: 'target', dir: target }, paths: [path.join(src, 'report.pdf'), path.join(src, 'docs')] });
    expect(res.errors).toEqual([]);
    expect([...snapshotFiles(under(target, src)).keys()]).toEqual(['docs/', 'docs/a.txt', 'docs/deeper/', 'docs/deeper/b.txt', 'report.pdf']);
    expect(fs.readFileSync(under(target, path.join(src, 'docs', 'deeper', 'b.txt')), 'utf8')).toBe('B');
  });

  it('refuses a path that is not in the point (NOT_FOUND)', async () => {
    const err = await caught(() => restoreLatest(vault, point, { mode: { kind: 'target', dir: fresh() }, paths: [path.join(src, 'nope')] }));
    expect((err as { code?: string }).code).toBe('NOT_FOUND');
  });

  it('`into` puts each selected item in the folder by its own name', async () => {
    const dir = fresh();
    const res = await restoreLatest(vault, point, { mode: { kind: 'into', dir }, paths: [path.join(src, 'docs', 'deeper'), path.join(src, 'notes'), path.join(src, 'link')] });
    expect(res.errors).toEqual([]);
    expect([...snapshotFiles(dir).entries()]).toEqual([
      ['deeper/', 'dir'],
      ['deeper/b.txt', createHash('sha256').update('B').digest('hex')],
      ['link', '-> report.pdf'],
      ['notes', createHash('sha256').update('no extension').digest('hex')],
    ]);
  });

  it('conflict skip leaves an existing file alone', async () => {
    const dir = fresh();
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'report.pdf'), 'mine, different');
    const res = await restoreLatest(vault, point, { mode: { kind: 'into', dir }, paths: [path.join(src, 'report.pdf'), path.join(src, 'notes')], conflict: 'skip' });
    expect(res.errors).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'report.pdf'), 'utf8')).toBe('mine, different');
    expect(fs.readFileSync(path.join(dir, 'notes'), 'utf8')).toBe('no extension');
    // A real restore reports what differs from "created as it was" (a dry run reports everything).
    expect(res.entries).toEqual([{ path: path.join(dir, 'report.pdf'), action: 'skip-exists' }]);
    expect(res.skipped).toBe(1);
    expect(fs.readdirSync(dir).sort()).toEqual(['notes', 'report.pdf']);
  });

  it('conflict overwrite replaces an existing file (and a symlink in its place, without following it)', async () => {
    const dir = fresh();
    fs.mkdirSync(dir);
    const outside = path.join(root, 'outside-victim.txt');
    fs.writeFileSync(outside, 'victim');
    fs.writeFileSync(path.join(dir, 'report.pdf'), 'mine, different');
    fs.symlinkSync(outside, path.join(dir, 'notes'));
    const res = await restoreLatest(vault, point, { mode: { kind: 'into', dir }, paths: [path.join(src, 'report.pdf'), path.join(src, 'notes')], conflict: 'overwrite' });
    expect(res.errors).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'report.pdf'), 'utf8')).toBe('the report');
    expect(fs.lstatSync(path.join(dir, 'notes')).isFile()).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'notes'), 'utf8')).toBe('no extension');
    expect(fs.readFileSync(outside, 'utf8')).toBe('victim');
    expect(res.entries.map((e) => e.action)).toEqual(['replace', 'replace']);
  });

  it('conflict keep-both never touches the existing file and writes a "name (restored …)" copy', async () => {
    const dir = fresh();
    fs.mkdirSync(dir);
    const existing = path.join(dir, 'report.pdf');
    fs.writeFileSync(existing, 'mine, different');
    setMtimeMs(existing, 1_111_111_111_111);
    const before = fs.statSync(existing, { bigint: true });
    const now = new Date('2026-11-26T04:12:00Z');
    const res = await restoreLatest(vault, point, { mode: { kind: 'into', dir }, paths: [path.join(src, 'report.pdf')], conflict: 'keep-both', now: () => now });
    expect(res.errors).toEqual([]);
    const after = fs.statSync(existing, { bigint: true });
    expect(fs.readFileSync(existing, 'utf8')).toBe('mine, different');
    expect([after.ino, after.mtimeNs, after.size, after.mode]).toEqual([before.ino, before.mtimeNs, before.size, before.mode]);
    const copies = fs.readdirSync(dir).filter((n) => n !== 'report.pdf');
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatch(/^report \(restored .+\)\.pdf$/);
    expect(fs.readFileSync(path.join(dir, copies[0]), 'utf8')).toBe('the report');
    expect(res.entries).toEqual([{ path: existing, action: 'keep-both', restoredAs: path.join(dir, copies[0]) }]);
    // A second keep-both restore makes a second, distinct copy.
    const res2 = await restoreLatest(vault, point, { mode: { kind: 'into', dir }, paths: [path.join(src, 'report.pdf')], conflict: 'keep-both', now: () => now });
    expect(res2.errors).toEqual([]);
    expect(fs.readdirSync(dir)).toHaveLength(3);
    expect(fs.readFileSync(existing, 'utf8')).toBe('mine, different');
  });

  it('keep-both also works for a file whose name is near the 255-byte limit', async () => {
    const longName = `${'n'.repeat(246)}.txt`; // 250 bytes
    fs.writeFileSync(path.join(src, longName), 'long-named content');
    let r: BackupResult;
    try {
      r = await backup(vault, { paths: [src] });
    } finally {
      fs.rmSync(path.join(src, longName)); // the other tests use the point made in beforeAll
    }
    expectNoErrors(r);
    const dir = fresh();
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, longName), 'mine');
    const res = await restoreLatest(vault, r.point, { mode: { kind: 'into', dir }, paths: [path.join(src, longName)], conflict: 'keep-both' });
    expect(res.errors).toEqual([]);
    expect(fs.readFileSync(path.join(dir, longName), 'utf8')).toBe('mine');
    const copies = fs.readdirSync(dir).filter((n) => n !== longName);
    expect(copies).toHaveLength(1);
    expect(Buffer.byteLength(copies[0])).toBeLessThanOrEqual(255);
    expect(copies[0]).toMatch(/\(restored .+\)\.txt$/);
    expect(fs.readFileSync(path.join(dir, copies[0]), 'utf8')).toBe('long-named content');
  });

  it('keep-both is the default policy', async () => {
    const dir = fresh();
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'notes'), 'mine');
    const res = await restoreLatest(vault, point, { mode: { kind: 'into', dir }, paths: [path.join(src, 'notes')] });
    expect(res.entries[0].action).toBe('keep-both');
    expect(fs.readFileSync(path.join(dir, 'notes'), 'utf8')).toBe('mine');
    expect(fs.readdirSync(dir)).toHaveLength(2);
  });

  it('a second restore of the same point finds identical files and skips them', async () => {
    const target = fresh();
    const first = await restoreLatest(vault, point, { mode: { kind: 'target', dir: target } });
    expect(first.errors).toEqual([]);
    const snap = snapshotFiles(target);
    const second = await restoreLatest(vault, point, { mode: { kind: 'target', dir: target }, conflict: 'keep-both' });
    expect(second.errors).toEqual([]);
    expect(second.entries.filter((e) => e.action !== 'skip-identical')).toEqual([]);
    expect(second.files).toBe(0);
    expect(snapshotFiles(target)).toEqual(snap);
  });

  it('dry run reports what would happen and writes nothing', async () => {
    const target = fresh();
    const res = await restoreLatest(vault, point, { mode: { kind: 'target', dir: target }, dryRun: true });
    expect(res.dryRun).toBe(true);
    expect(res.files).toBe(5);
    expect(res.symlinks).toBe(1);
    expect(res.entries.every((e) => e.action === 'create')).toBe(true);
    expect(fs.existsSync(target)).toBe(false);

    const dir = fresh();
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'report.pdf'), 'mine');
    const before = snapshotFiles(dir);
    const res2 = await restoreLatest(vault, point, { mode: { kind: 'into', dir }, paths: [path.join(src, 'report.pdf'), path.join(src, 'docs')], conflict: 'overwrite', dryRun: true });
    expect(res2.entries.find((e) => e.path === path.join(dir, 'report.pdf'))?.action).toBe('replace');
    expect(snapshotFiles(dir)).toEqual(before);
  });

  it('in place restores a deleted file to its original location', async () => {
    const p = path.join(src, 'docs', 'deeper', 'b.txt');
    fs.rmSync(path.join(src, 'docs', 'deeper'), { recursive: true });
    const res = await restoreLatest(vault, point, { mode: { kind: 'in-place' }, paths: [p] });
    expect(res.errors).toEqual([]);
    expect(fs.readFileSync(p, 'utf8')).toBe('B');
  });
});

// ---------------------------------------------------------------------------------------------

describe('what a backup skips, excludes and reports', () => {
  let root: string;
  let vault: Vault;
  let n = 0;
  const newSrc = (): string => {
    const d = path.join(root, `src-${++n}`);
    fs.mkdirSync(d);
    return d;
  };
  const restoredTree = async (point: RecoveryPoint, src: string): Promise<string[]> => {
    const target = path.join(root, `restored-${++n}`);
    const res = await restoreLatest(vault, point, { mode: { kind: 'target', dir: target } });
    expect(res.errors).toEqual([]);
    return [...snapshotFiles(under(target, src)).keys()];
  };

  beforeAll(async () => {
    root = makeTempDir();
    vault = await createVault(path.join(root, 'vault'));
  });

  it('a file that vanishes while being backed up makes the point PARTIAL and is named in its errors', async () => {
    const src = newSrc();
    fs.writeFileSync(path.join(src, 'stays.txt'), 'stays');
    const doomed = path.join(src, 'vanishes.txt');
    fs.writeFileSync(doomed, 'here now');
    // The matcher is consulted after the scanner has seen the file and before it is opened.
    const vanisher: PathMatcher = {
      patterns: [],
      excludes(p) {
        if (p === doomed) fs.rmSync(doomed, { force: true });
        return false;
      },
    };
    const r = await backup(vault, { paths: [src], matcher: vanisher });
    expect(r.point.status).toBe('PARTIAL');
    expect(r.point.errors.map((e) => e.path)).toEqual([doomed]);
    expect(r.point.errors[0].message).toMatch(/vanish/);
    expect(await restoredTree(r.point, src)).toEqual(['stays.txt']);
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file makes the point PARTIAL (permission denied)', async () => {
    const src = newSrc();
    const locked = path.join(src, 'locked.db');
    fs.writeFileSync(locked, 'secret');
    fs.chmodSync(locked, 0o000);
    try {
      const r = await backup(vault, { paths: [src] });
      expect(r.point.status).toBe('PARTIAL');
      expect(r.point.errors).toEqual([{ path: locked, message: 'permission denied' }]);
    } finally {
      fs.chmodSync(locked, 0o600);
    }
  });

  it('a missing path among several is an error; when all are missing the backup fails with NOT_FOUND', async () => {
    const src = newSrc();
    fs.writeFileSync(path.join(src, 'x'), 'x');
    const missing = path.join(root, 'not-there');
    const r = await backup(vault, { paths: [src, missing] });
    expect(r.point.status).toBe('PARTIAL');
    expect(r.point.errors.map((e) => e.path)).toEqual([missing]);
    const err = await caught(() => backup(vault, { paths: [missing] }));
    expect((err as { code?: string }).code).toBe('NOT_FOUND');
  });

  it('a FIFO is skipped with a warning, not an error', async () => {
    const src = newSrc();
    fs.writeFileSync(path.join(src, 'regular'), 'r');
    const fifo = path.join(src, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const r = await backup(vault, { paths: [src] });
    expectNoErrors(r);
    expect(r.warnings).toEqual([{ path: fifo, message: expect.stringMatching(/fifo/) }]);
    expect(await restoredTree(r.point, src)).toEqual(['regular']);
  });

  it('excludes what a path matcher excludes, and re-includes with "!"', async () => {
    const src = newSrc();
    fs.mkdirSync(path.join(src, 'node_modules', 'pkg'), { recursive: true });
    fs.writeFileSync(path.join(src, 'node_modules', 'pkg', 'index.js'), 'x');
    fs.mkdirSync(path.join(src, 'app'));
    fs.writeFileSync(path.join(src, 'app', 'main.ts'), 'x');
    fs.writeFileSync(path.join(src, 'app', 'scratch.tmp'), 'x');
    fs.writeFileSync(path.join(src, 'app', 'keep.tmp'), 'x');
    fs.mkdirSync(path.join(src, 'logs'));
    fs.writeFileSync(path.join(src, 'logs', 'today.log'), 'x');
    const matcher = createPathMatcher(['*.tmp', '!keep.tmp', 'node_modules', `${src}/logs/`], { caseInsensitive: false });
    const r = await backup(vault, { paths: [src], matcher });
    expectNoErrors(r);
    expect(await restoredTree(r.point, src)).toEqual(['app/', 'app/keep.tmp', 'app/main.ts']);
  });

  it('excludeCaches keeps only CACHEDIR.TAG of a folder tagged as a cache (and only with the right signature)', async () => {
    const src = newSrc();
    fs.mkdirSync(path.join(src, 'cache'));
    fs.writeFileSync(path.join(src, 'cache', 'CACHEDIR.TAG'), 'Signature: 8a477f597d28d172789f06886806bc55\n# a cache\n');
    fs.writeFileSync(path.join(src, 'cache', 'blob'), 'cached');
    fs.mkdirSync(path.join(src, 'cache', 'sub'));
    fs.mkdirSync(path.join(src, 'fake'));
    fs.writeFileSync(path.join(src, 'fake', 'CACHEDIR.TAG'), 'not a signature');
    fs.writeFileSync(path.join(src, 'fake', 'data'), 'kept');
    const r = await backup(vault, { paths: [src], excludeCaches: true });
    expectNoErrors(r);
    expect(await restoredTree(r.point, src)).toEqual(['cache/', 'cache/CACHEDIR.TAG', 'fake/', 'fake/CACHEDIR.TAG', 'fake/data']);
    const all = await backup(vault, { paths: [src] });
    expect(await restoredTree(all.point, src)).toContain('cache/blob');
  });

  it('excludeLargerThan drops files above the size (a file of exactly that size stays)', async () => {
    const src = newSrc();
    fs.writeFileSync(path.join(src, 'small'), Buffer.alloc(1000, 1));
    fs.writeFileSync(path.join(src, 'exact'), Buffer.alloc(4096, 2));
    fs.writeFileSync(path.join(src, 'large'), Buffer.alloc(4097, 3));
    const r = await backup(vault, { paths: [src], excludeLargerThan: 4096 });
    expectNoErrors(r);
    expect(r.point.stats.files).toBe(2);
    expect(await restoredTree(r.point, src)).toEqual(['exact', 'small']);
  });

  it('never backs up a vault folder inside the backed-up folder', async () => {
    const src = newSrc();
    fs.writeFileSync(path.join(src, 'doc.txt'), 'doc');
    const inner = path.join(src, 'my-vault');
    const innerVault = await createVault(inner);
    // Back up into the very vault that lies inside the folder, then into another one.
    for (const v of [innerVault, vault]) {
      const r = await backup(v, { paths: [src] });
      expectNoErrors(r);
      expect(r.warnings).toEqual([{ path: inner, message: expect.stringMatching(/vault/) }]);
      const target = path.join(root, `restored-${++n}`);
      const res = await restoreLatest(v, r.point, { mode: { kind: 'target', dir: target } });
      expect(res.errors).toEqual([]);
      const names = [...snapshotFiles(under(target, src)).keys()];
      // At most an empty folder stands where the vault was: none of its objects were stored.
      expect(names.filter((k) => k.startsWith('my-vault/') && k !== 'my-vault/')).toEqual([]);
      expect(names).toContain('doc.txt');
    }
  });

  // Format 1.0 stores names as strings: a name that is not valid UTF-8 is reported clearly by its
  // bytes (point PARTIAL) instead of being garbled or reported as "vanished".
  it('a file whose name is not valid UTF-8 is reported by its bytes, the rest is backed up', async () => {
    const src = newSrc();
    fs.writeFileSync(path.join(src, 'ok.txt'), 'ok');
    const rawName = Buffer.from([0x6c, 0x61, 0x74, 0x69, 0x6e, 0x31, 0x2d, 0xe9, 0x2e, 0x74, 0x78, 0x74]); // "latin1-é.txt" in Latin-1
    fs.writeFileSync(Buffer.concat([Buffer.from(src + '/'), rawName]), 'latin-1 name');
    const r = await backup(vault, { paths: [src] });
    expect(r.point.status).toBe('PARTIAL');
    expect(r.point.errors).toHaveLength(1);
    expect(r.point.errors[0].message).toContain('not valid UTF-8');
    expect(r.point.errors[0].message).toContain(rawName.toString('hex'));
    const target = path.join(root, `restored-${++n}`);
    await restoreLatest(vault, r.point, { mode: { kind: 'target', dir: target } });
    expect(fs.readdirSync(under(target, src))).toEqual(['ok.txt']);
  });
});
