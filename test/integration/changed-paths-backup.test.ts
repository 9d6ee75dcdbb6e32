/**
 * A backup given `changedPaths` (what a watcher saw change) must store exactly what a full walk
 * stores after the same changes: the same root tree id, the same totals, and a restore that gives
 * the same bytes — while listing only the folders that hold a changed path.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { backup, type BackupResult } from '../../main/engine/backup/backup.js';
import { createPathMatcher } from '../../main/engine/match/path-matcher.js';
import type { RecoveryPoint } from '../../main/engine/repo/point.js';
import type { Vault } from '../../main/engine/repo/vault.js';
import { restore } from '../../main/engine/restore/restore.js';
import { createVault, makeTempDir, removeTempDirs, snapshotFiles, xorshiftBytes } from '../helpers/engine-fixtures.js';

afterAll(removeTempDirs);

/** Every entry of a point as `path → type size mode chunks|target`, read through the engine. */
async function listPoint(vault: Vault, point: RecoveryPoint): Promise<Map<string, string>> {
  const { index } = await vault.loadIndex();
  const out = new Map<string, string>();
  const walk = async (treeId: string, prefix: string): Promise<void> => {
    for (const e of (await vault.readTree(index, treeId)).entries) {
      const p = `${prefix}/${e.name}`;
      out.set(p, [e.type, e.size ?? '', e.mode.toString(8), e.mtimeNs, e.chunks?.join(',') ?? e.target ?? ''].join(' '));
      if (e.type === 'dir') await walk(e.tree!, p);
    }
  };
  await walk(point.tree, '');
  return out;
}

function write(p: string, seed: number, size = 3000): void {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, xorshiftBytes(seed, size));
}

/** 4 top folders × 5 subfolders × 6 files, plus a symlink and a file at the top. */
function makeTree(src: string): void {
  let seed = 1;
  for (let a = 0; a < 4; a++) {
    for (let b = 0; b < 5; b++) {
      for (let c = 0; c < 6; c++) write(path.join(src, `top${a}`, `sub${b}`, `f${c}.bin`), seed++, 1000 + seed * 37);
    }
  }
  write(path.join(src, 'readme.txt'), 999, 100);
  fs.symlinkSync('readme.txt', path.join(src, 'link'));
}

function summary(r: BackupResult): Record<string, number> {
  const { files, dirs, bytes, chunks, newFiles, changedFiles, unchangedFiles } = r.point.stats;
  return { files, dirs, bytes, chunks, newFiles, changedFiles, unchangedFiles };
}

/** Backs up with `changedPaths`, then with a full walk from the same parent, and compares. */
async function compareWithFullWalk(vault: Vault, src: string, parent: RecoveryPoint, changed: string[]): Promise<BackupResult> {
  const fast = await backup(vault, { paths: [src], changedPaths: changed, parent: parent.id });
  const full = await backup(vault, { paths: [src], parent: parent.id });
  expect(fast.scan.mode).toBe('CHANGED_PATHS');
  expect(full.scan.mode).toBe('FULL');
  expect(await listPoint(vault, fast.point)).toEqual(await listPoint(vault, full.point));
  expect(fast.point.tree).toBe(full.point.tree);
  expect(summary(fast)).toEqual(summary(full));
  expect(fast.point.status).toBe(full.point.status);
  return fast;
}

async function restoredSnapshot(vault: Vault, point: RecoveryPoint, src: string): Promise<Map<string, string>> {
  const target = makeTempDir('dv-cp-restore-');
  const { index } = await vault.loadIndex();
  await restore(vault, index, { point, mode: { kind: 'target', dir: target } });
  return snapshotFiles(path.join(target, src));
}

describe('backup with changedPaths', () => {
  let src: string;
  let vault: Vault;
  let base: BackupResult;

  beforeEach(async () => {
    src = path.join(makeTempDir('dv-cp-src-'), 'data');
    makeTree(src);
    vault = await createVault(makeTempDir('dv-cp-vault-'));
    base = await backup(vault, { paths: [src] });
  });

  it('stores the same tree as a full walk after edits, additions, deletions and renames, listing only the changed folders', async () => {
    const changed: string[] = [];
    const touch = (p: string): void => void changed.push(path.join(src, p));
    // Modified in place, same size.
    write(path.join(src, 'top0/sub0/f0.bin'), 4242, fs.statSync(path.join(src, 'top0/sub0/f0.bin')).size);
    touch('top0/sub0/f0.bin');
    // New file in an existing folder.
    write(path.join(src, 'top1/sub2/new.bin'), 77);
    touch('top1/sub2/new.bin');
    // New nested folders: a watcher reports only the top one (parcel-bundler/watcher#97).
    write(path.join(src, 'fresh/deep/er/x.bin'), 78);
    touch('fresh');
    // Deleted file, and a deleted folder reported by its path only.
    fs.rmSync(path.join(src, 'top2/sub1/f3.bin'));
    touch('top2/sub1/f3.bin');
    fs.rmSync(path.join(src, 'top3/sub4'), { recursive: true });
    touch('top3/sub4');
    // Renamed folder: old and new name.
    fs.renameSync(path.join(src, 'top2/sub3'), path.join(src, 'top2/moved'));
    touch('top2/sub3');
    touch('top2/moved');
    // Permission change on a folder, and a new symlink.
    fs.chmodSync(path.join(src, 'top1/sub0'), 0o750);
    touch('top1/sub0');
    fs.symlinkSync('../readme.txt', path.join(src, 'top0/ln'));
    touch('top0/ln');

    const fast = await compareWithFullWalk(vault, src, base.point, changed);
    // Folders read again: src (holds `fresh`), top0, top0/sub0, top1, top1/sub2, top2, top2/sub1,
    // top3, plus every folder inside the walked-whole `fresh`, `moved` and `sub0`.
    expect(fast.scan.foldersListed).toBeLessThan(base.scan.foldersListed);
    expect(fast.scan.bytesRead).toBeLessThan(base.scan.bytesRead);
    const listing = await listPoint(vault, fast.point);
    expect(listing.has(path.join(src, 'top2/sub1/f3.bin'))).toBe(false);
    expect(listing.has(path.join(src, 'top1/sub2/new.bin'))).toBe(true);
    expect([...listing.keys()].some((k) => k.endsWith('/top3/sub4'))).toBe(false);
    expect([...listing.keys()].some((k) => k.endsWith('/top2/sub3'))).toBe(false);
    expect([...listing.keys()].some((k) => k.endsWith('/fresh/deep/er/x.bin'))).toBe(true);
    expect(await restoredSnapshot(vault, fast.point, src)).toEqual(snapshotFiles(src));
  });

  it('reads nothing but the one changed file and lists only its folder', async () => {
    write(path.join(src, 'top1/sub1/f1.bin'), 5151, 4000);
    const fast = await compareWithFullWalk(vault, src, base.point, [path.join(src, 'top1/sub1/f1.bin')]);
    expect(fast.scan.foldersListed).toBe(1);
    expect(fast.scan.bytesRead).toBe(4000);
    // The file, its folder's other entries, and the folders above it (src, top1, sub1).
    expect(fast.scan.entriesChecked).toBeLessThanOrEqual(10);
    expect(fast.point.stats.changedFiles).toBe(1);
  });

  it('builds on an earlier changed-paths point, and a root named as changed is walked whole', async () => {
    write(path.join(src, 'top0/sub0/a.bin'), 1);
    const first = await compareWithFullWalk(vault, src, base.point, [path.join(src, 'top0/sub0/a.bin')]);
    fs.rmSync(path.join(src, 'top0'), { recursive: true });
    write(path.join(src, 'top9/b.bin'), 2);
    await compareWithFullWalk(vault, src, first.point, [path.join(src, 'top0'), path.join(src, 'top9/b.bin')]);
    write(path.join(src, 'top1/c.bin'), 3);
    const whole = await compareWithFullWalk(vault, src, first.point, [src]);
    expect(whole.scan.foldersListed).toBe(base.scan.foldersListed - 6 + 1);
    expect(await restoredSnapshot(vault, whole.point, src)).toEqual(snapshotFiles(src));
  });

  it('applies excludes and never-include folders to new paths, and ignores paths outside the backup', async () => {
    const matcher = createPathMatcher(['*.tmp']);
    const withMatcher = await backup(vault, { paths: [src], matcher });
    write(path.join(src, 'top0/junk.tmp'), 1);
    write(path.join(src, 'top0/keep.bin'), 2);
    write(path.join(src, 'state/journal'), 3);
    const outside = path.join(path.dirname(src), 'elsewhere.bin');
    write(outside, 4);
    const changed = ['top0/junk.tmp', 'top0/keep.bin', 'state', 'state/journal'].map((p) => path.join(src, p)).concat(outside);
    const neverInclude = [path.join(src, 'state')];
    const fast = await backup(vault, { paths: [src], matcher, neverInclude, changedPaths: changed, parent: withMatcher.point.id });
    const full = await backup(vault, { paths: [src], matcher, neverInclude, parent: withMatcher.point.id });
    expect(fast.point.tree).toBe(full.point.tree);
    const keys = [...(await listPoint(vault, fast.point)).keys()];
    expect(keys.some((k) => k.endsWith('/top0/keep.bin'))).toBe(true);
    expect(keys.some((k) => k.endsWith('.tmp') || k.includes('/state'))).toBe(false);
  });

  it('falls back to a full walk, with a notice, when there is no parent point', async () => {
    const other = path.join(makeTempDir('dv-cp-other-'), 'o');
    write(path.join(other, 'x.bin'), 1);
    const notices: string[] = [];
    const r = await backup(vault, { paths: [other], changedPaths: [path.join(other, 'x.bin')], onNotice: (m) => notices.push(m) });
    expect(r.scan.mode).toBe('FULL');
    expect(notices.join('\n')).toMatch(/scanning everything/);
  });

  it('checks a new entry the watcher did not name when its folder is listed again', async () => {
    write(path.join(src, 'top1/sub1/unreported.bin'), 9);
    write(path.join(src, 'top1/sub1/reported.bin'), 10);
    await compareWithFullWalk(vault, src, base.point, [path.join(src, 'top1/sub1/reported.bin')]);
  });
});
