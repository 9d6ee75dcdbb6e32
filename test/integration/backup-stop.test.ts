/**
 * Stopping a backup (a completion window closing) keeps what is done: the point is PARTIAL with
 * `incomplete`, its tree holds exactly the files finished before the stop (never part of a file),
 * those restore byte-identical, and the next run completes the point reusing what was stored.
 * The stop is triggered deterministically: from the progress callback after a seeded number of
 * files, or from the store when the first data pack is written (in the middle of a large file).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isDeskVaultError } from '../../main/core/errors.js';
import { backup, type BackupOptions } from '../../main/engine/backup/backup.js';
import type { RecoveryPoint } from '../../main/engine/repo/point.js';
import { Vault } from '../../main/engine/repo/vault.js';
import { restore } from '../../main/engine/restore/restore.js';
import { DelegatingStore } from '../../main/engine/storage/delegating-store.js';
import { LocalStore } from '../../main/engine/storage/local-store.js';
import { caught, createVault, makeTempDir, removeTempDirs, PASSPHRASE, snapshotFiles, xorshiftBytes } from '../helpers/engine-fixtures.js';

afterAll(removeTempDirs);

/** A source folder with nested folders (one empty) and files of seeded sizes and bytes. */
function makeSource(seed: number): string {
  const src = makeTempDir('dv-stop-src-');
  let s = seed;
  const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  const put = (rel: string, size: number): void => {
    fs.mkdirSync(path.dirname(path.join(src, rel)), { recursive: true });
    fs.writeFileSync(path.join(src, rel), xorshiftBytes(next() | 1, size));
  };
  for (let i = 0; i < 6; i++) put(`alpha/a${i}.bin`, 1000 + (next() % 60_000));
  for (let i = 0; i < 4; i++) put(`beta/deep/d${i}.bin`, 500 + (next() % 40_000));
  put('beta/b.txt', 300);
  fs.mkdirSync(path.join(src, 'beta', 'empty'));
  for (let i = 0; i < 5; i++) put(`gamma/g${i}.bin`, 2000 + (next() % 90_000));
  put('zeta.bin', 70_000);
  return src;
}

/** Files in the order the backup visits them: depth first, names sorted as JavaScript sorts. */
function walkOrder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (fs.lstatSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(root);
  return out;
}

/** Every file path (absolute, as backed up) in a point's tree. */
async function filesInPoint(vault: Vault, point: RecoveryPoint): Promise<string[]> {
  const { index } = await vault.loadIndex();
  const out: string[] = [];
  const walk = async (treeId: string, at: string): Promise<void> => {
    for (const e of (await vault.readTree(index, treeId)).entries) {
      const p = `${at}/${e.name}`;
      if (e.type === 'dir') await walk(e.tree!, p);
      else out.push(p);
    }
  };
  await walk(point.tree, '');
  return out;
}

async function restoreAll(vault: Vault, point: RecoveryPoint): Promise<string> {
  const target = makeTempDir('dv-stop-restore-');
  const { index } = await vault.loadIndex();
  await restore(vault, index, { point, mode: { kind: 'target', dir: target } });
  return target;
}

/** A backup that stops once `files` files are finished (the callback runs after every file). */
function stopAfter(files: number): Pick<BackupOptions, 'stop' | 'onProgress' | 'progressEveryMs'> {
  const stop = new AbortController();
  return { stop: stop.signal, progressEveryMs: 0, onProgress: (p) => void (p.files === files && stop.abort('COMPLETION_WINDOW')) };
}

/** A store that stops the backup when the first data pack is written (so in the middle of a file). */
class StopOnFirstDataPack extends DelegatingStore {
  readonly stop = new AbortController();
  override put(key: string, data: Buffer | readonly Buffer[]): Promise<void> {
    if (key.startsWith('data/')) this.stop.abort('COMPLETION_WINDOW');
    return super.put(key, data);
  }
}

describe('a stopped backup keeps what it finished', () => {
  const src = makeSource(20261126);
  const order = walkOrder(src);

  // Seeded stop counts: early, in the middle of a folder, right after a folder, one before the end.
  const counts = [1, 1 + (20261126 % (order.length - 2)), order.indexOf(path.join(src, 'beta', 'b.txt')) + 1, order.length - 1];

  for (const n of counts) {
    it(`stopped after ${n} of ${order.length} files: PARTIAL, exactly those files, restored byte-identical`, async () => {
      const vault = await createVault(makeTempDir('dv-stop-vault-'));
      const r = await backup(vault, { paths: [src], ...stopAfter(n) });
      expect(r.point.status).toBe('PARTIAL');
      // The first path left out: the next file, or the folder it is in if the stop came before it.
      expect(r.point.incomplete?.reason).toBe('COMPLETION_WINDOW');
      const at = r.point.incomplete!.stoppedAt;
      expect(order[n] === at || order[n].startsWith(`${at}/`), `${at} vs ${order[n]}`).toBe(true);
      expect(r.point.errors).toEqual([]);
      expect(r.point.stats.files).toBe(n);
      expect(await filesInPoint(vault, r.point)).toEqual(order.slice(0, n));
      const stored = await vault.getJson<RecoveryPoint>(`points/${r.point.id}`);
      expect(stored.incomplete).toEqual(r.point.incomplete);

      const restored = snapshotFiles(path.join(await restoreAll(vault, r.point), src));
      const original = snapshotFiles(src);
      const files = [...restored].filter(([, v]) => v !== 'dir');
      expect(files.map(([k]) => path.join(src, k))).toEqual(order.slice(0, n));
      for (const [rel, sha] of files) expect(sha, rel).toBe(original.get(rel));
      // No folder shows up empty because the stop cut it short: each one restored has files below
      // it, or was empty and finished before the stop.
      for (const [rel, v] of restored) {
        if (v !== 'dir' || rel === '/') continue;
        const hasFile = files.some(([f]) => f.startsWith(rel));
        expect(hasFile || rel === 'beta/empty/', rel).toBe(true);
      }
    });
  }

  it('the next run completes the point, reusing every stored chunk and reading only what was left', async () => {
    const vault = await createVault(makeTempDir('dv-stop-vault-'));
    const n = counts[1];
    const first = await backup(vault, { paths: [src], ...stopAfter(n) });
    const second = await backup(vault, { paths: [src] });
    expect(second.point.status).toBe('COMPLETED');
    expect(second.point.incomplete).toBeUndefined();
    expect(second.point.parent).toBe(first.point.id);
    expect(await filesInPoint(vault, second.point)).toEqual(order);
    expect(second.point.stats.unchangedFiles).toBe(n);
    const bytesOf = (files: string[]): number => files.reduce((t, f) => t + fs.statSync(f).size, 0);
    expect(second.scan.bytesRead).toBe(bytesOf(order.slice(n)));
    // Random bytes have no repeated chunk: every chunk of the whole point was stored exactly once.
    expect(first.point.stats.newChunks + second.point.stats.newChunks).toBe(second.point.stats.chunks);
    const restored = snapshotFiles(path.join(await restoreAll(vault, second.point), src));
    expect(restored).toEqual(snapshotFiles(src));
  });

  it('a file being read when the stop comes is left out whole; its stored chunks are reused next run', async () => {
    const big = makeTempDir('dv-stop-big-');
    fs.writeFileSync(path.join(big, 'a.txt'), 'small first file');
    fs.writeFileSync(path.join(big, 'b.bin'), xorshiftBytes(77, 3 * 1024 * 1024));
    fs.writeFileSync(path.join(big, 'c.txt'), 'never reached');
    const dir = makeTempDir('dv-stop-vault-');
    await createVault(dir);
    const store = new StopOnFirstDataPack(new LocalStore(dir));
    const vault = await Vault.open(store, PASSPHRASE);

    const first = await backup(vault, { paths: [big], stop: store.stop.signal });
    expect(first.point.status).toBe('PARTIAL');
    expect(first.point.incomplete).toEqual({ reason: 'COMPLETION_WINDOW', stoppedAt: path.join(big, 'b.bin') });
    expect(await filesInPoint(vault, first.point)).toEqual([path.join(big, 'a.txt')]);
    expect(first.point.stats).toMatchObject({ files: 1, bytes: 16, newFiles: 1 });
    expect(first.point.stats.newChunks).toBeGreaterThan(1); // part of b.bin was stored
    const restored = snapshotFiles(path.join(await restoreAll(vault, first.point), big));
    expect([...restored.keys()].filter((k) => !k.endsWith('/'))).toEqual(['a.txt']);
    expect(restored.get('a.txt')).toBe(snapshotFiles(big).get('a.txt'));

    const plain = await Vault.open(new LocalStore(dir), PASSPHRASE);
    const second = await backup(plain, { paths: [big] });
    expect(second.point.status).toBe('COMPLETED');
    expect(first.point.stats.newChunks + second.point.stats.newChunks).toBe(second.point.stats.chunks);
    expect(snapshotFiles(path.join(await restoreAll(plain, second.point), big))).toEqual(snapshotFiles(big));
  });

  it('stopped before any file is finished: nothing is committed (CANCELLED, stopped)', async () => {
    const vault = await createVault(makeTempDir('dv-stop-vault-'));
    const stop = new AbortController();
    stop.abort('COMPLETION_WINDOW');
    const err = await caught(() => backup(vault, { paths: [src], stop: stop.signal }));
    expect(isDeskVaultError(err, 'CANCELLED')).toBe(true);
    expect((err as { data: Record<string, unknown> }).data).toMatchObject({ stopped: true, stoppedAt: src });
    expect(await vault.listPoints()).toEqual([]);
  });

  it('a cancel still commits nothing', async () => {
    const vault = await createVault(makeTempDir('dv-stop-vault-'));
    const cancel = new AbortController();
    const err = await caught(() => backup(vault, { paths: [src], signal: cancel.signal, progressEveryMs: 0, onProgress: (p) => void (p.files === 3 && cancel.abort()) }));
    expect(isDeskVaultError(err, 'CANCELLED')).toBe(true);
    expect(await vault.listPoints()).toEqual([]);
  });

  it('a stop after the walk finished leaves the point whole', async () => {
    const vault = await createVault(makeTempDir('dv-stop-vault-'));
    const r = await backup(vault, { paths: [src], ...stopAfter(order.length) });
    expect(r.point.status).toBe('COMPLETED');
    expect(r.point.incomplete).toBeUndefined();
  });

  it('changed-paths mode: a stop keeps the untouched parent entries and counts right; the next changed-paths run scans everything', async () => {
    const work = makeTempDir('dv-stop-changed-');
    fs.cpSync(src, work, { recursive: true });
    const files = walkOrder(work);
    const vault = await createVault(makeTempDir('dv-stop-vault-'));
    await backup(vault, { paths: [work] });
    const changed = [files[2], files[8], files[14]];
    for (const f of changed) fs.appendFileSync(f, 'changed');
    const stop = new AbortController();
    let finished = 0;
    const notices: string[] = [];
    const r = await backup(vault, {
      paths: [work],
      changedPaths: changed,
      stop: stop.signal,
      progressEveryMs: 0,
      onProgress: () => void (++finished === 1 && stop.abort('COMPLETION_WINDOW')),
    });
    expect(r.scan.mode).toBe('CHANGED_PATHS');
    expect(r.point.status).toBe('PARTIAL');
    expect(r.point.incomplete).toEqual({ reason: 'COMPLETION_WINDOW', stoppedAt: changed[1] });
    const inPoint = await filesInPoint(vault, r.point);
    expect(inPoint).toEqual(files.filter((f) => f !== changed[1] && f !== changed[2]));
    expect(r.point.stats.files).toBe(inPoint.length);
    expect(r.point.stats.bytes).toBe(inPoint.reduce((t, f) => t + fs.statSync(f).size, 0));

    const next = await backup(vault, { paths: [work], changedPaths: [], onNotice: (m) => notices.push(m) });
    expect(next.scan.mode).toBe('FULL');
    expect(notices.some((m) => m.includes('stopped before it finished'))).toBe(true);
    expect(next.point.status).toBe('COMPLETED');
    expect(await filesInPoint(vault, next.point)).toEqual(files);
  });
});
