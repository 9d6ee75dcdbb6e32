/**
 * The real native watcher (@parcel/watcher) on temporary folders: changes arrive, excluded paths
 * never do, folders created with `mkdir -p` are watched all the way down, and a restart learns
 * from the snapshot what changed while nothing watched — then a changed-paths backup protects it.
 * Waits poll for an outcome with a generous limit; nothing asserts how fast it happens.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backup } from '../../main/engine/backup/backup.js';
import { createPathMatcher } from '../../main/engine/match/path-matcher.js';
import { createIgnorePredicate } from '../../main/service/watch/ignore-predicate.js';
import { createParcelWatcher, loadParcelWatcher, type ParcelWatcher } from '../../main/service/watch/parcel-watcher.js';
import { startPlanWatch } from '../../main/service/watch/plan-watch.js';
import type { WatchBatch, WatchSubscription } from '../../main/service/watch/watcher.js';
import { createVault, makeTempDir, removeTempDirs } from '../helpers/engine-fixtures.js';

const subs: WatchSubscription[] = [];
afterAll(async () => {
  await Promise.all(subs.map((s) => s.close()));
  removeTempDirs();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds; fails after `limitMs` (generous: slow CI disks). */
async function eventually(check: () => boolean, what: string, poke?: () => void, limitMs = 30_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`never happened: ${what}`);
    poke?.();
    await sleep(100);
  }
}

async function parcel(): Promise<ParcelWatcher> {
  const loaded = await loadParcelWatcher();
  if (!('parcel' in loaded)) throw loaded.error;
  return createParcelWatcher(loaded.parcel);
}

async function watch(root: string, excludes: string[], alwaysExcluded: string[] = []): Promise<{ seen: Set<string>; batches: WatchBatch[]; errors: Error[] }> {
  const seen = new Set<string>();
  const batches: WatchBatch[] = [];
  const errors: Error[] = [];
  const w = await parcel();
  subs.push(
    await w.subscribe([root], {
      ignore: createIgnorePredicate({ excludes, alwaysExcluded }),
      ignoreFolders: alwaysExcluded,
      onBatch: (b) => {
        batches.push(b);
        for (const p of b.paths) seen.add(p);
      },
      onError: (e) => errors.push(e),
    }),
  );
  return { seen, batches, errors };
}

describe('parcel watcher', () => {
  it('delivers a changed path, and never an excluded or always-excluded one', async () => {
    const root = makeTempDir('dv-watch-');
    fs.mkdirSync(path.join(root, 'docs'));
    fs.mkdirSync(path.join(root, 'vault'));
    fs.writeFileSync(path.join(root, 'docs', 'a.txt'), 'one');
    const { seen, errors } = await watch(root, ['*.tmp', 'cache/'], [path.join(root, 'vault')]);

    fs.writeFileSync(path.join(root, 'docs', 'a.txt'), 'two');
    await eventually(() => seen.has(path.join(root, 'docs', 'a.txt')), 'the modified file arrives');

    fs.writeFileSync(path.join(root, 'docs', 'b.tmp'), 'x');
    fs.mkdirSync(path.join(root, 'docs', 'cache'));
    fs.writeFileSync(path.join(root, 'docs', 'cache', 'c.bin'), 'x');
    fs.writeFileSync(path.join(root, 'vault', 'pack'), 'x');
    // Written last: once it has arrived, anything written before it has been delivered or dropped.
    fs.writeFileSync(path.join(root, 'docs', 'sentinel.txt'), 'x');
    await eventually(() => seen.has(path.join(root, 'docs', 'sentinel.txt')), 'the sentinel arrives');
    await sleep(300);
    const delivered = [...seen];
    expect(delivered.filter((p) => p.endsWith('.tmp') || p.includes(`${path.sep}cache`) || p.includes(`${path.sep}vault`))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('sees changes deep inside a folder created with mkdir -p (parcel-bundler/watcher#97 worked around)', async () => {
    const root = makeTempDir('dv-watch-');
    const { seen } = await watch(root, []);
    fs.mkdirSync(path.join(root, 'n1', 'n2', 'n3'), { recursive: true });
    await eventually(() => seen.has(path.join(root, 'n1')), 'the new folder arrives');
    let i = 0;
    const probe = (): string => path.join(root, 'n1', 'n2', 'n3', `probe-${i}.txt`);
    // The folder is subscribed on its own shortly after its event: keep writing until one arrives.
    await eventually(
      () => [...seen].some((p) => p.startsWith(path.join(root, 'n1', 'n2', 'n3') + path.sep)),
      'a file deep in the new folder arrives',
      () => fs.writeFileSync(probe(), String(i++)),
    );
  });
});

describe('plan watch with the real watcher', () => {
  it('after a restart, reports from the snapshot what changed while stopped, and a changed-paths backup protects it', async () => {
    const base = makeTempDir('dv-pwatch-');
    const root = path.join(base, 'home');
    const state = path.join(base, 'state');
    const vaultDir = path.join(base, 'vault');
    fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(root, 'docs', 'keep.txt'), 'keep');
    fs.writeFileSync(path.join(root, 'docs', 'edit.txt'), 'v1');
    const vault = await createVault(vaultDir);
    const journalFile = path.join(state, 'plan.journal');
    const scans: string[] = [];
    const runBackup = async (pending: { paths: string[]; rescan: boolean }): Promise<void> => {
      const r = await backup(vault, { paths: [root], matcher: createPathMatcher(['*.tmp']), changedPaths: pending.rescan ? undefined : pending.paths, neverInclude: [vaultDir, state] });
      scans.push(r.scan.mode);
    };
    const opts = { roots: [root], journalFile, alwaysExcluded: [vaultDir], excludes: ['*.tmp'], quietMs: 200, runBackup };

    // First start: no snapshot, so everything is compared (a full walk), then a snapshot is written.
    const first = await startPlanWatch(opts);
    expect(first.mode).toBe('WATCHING');
    expect(first.journal.take().rescan).toBe(true);
    await first.protectNow();
    expect(scans).toEqual(['FULL']);
    await first.stop();

    // While stopped: an edit, a new folder, a deletion, and an excluded file.
    fs.writeFileSync(path.join(root, 'docs', 'edit.txt'), 'v2 longer');
    fs.mkdirSync(path.join(root, 'new', 'deep'), { recursive: true });
    fs.writeFileSync(path.join(root, 'new', 'deep', 'n.txt'), 'n');
    fs.rmSync(path.join(root, 'docs', 'keep.txt'));
    fs.writeFileSync(path.join(root, 'docs', 'x.tmp'), 't');

    const second = await startPlanWatch(opts);
    const pending = second.journal.take();
    expect(pending.rescan).toBe(false);
    expect(pending.paths).toEqual(expect.arrayContaining([path.join(root, 'docs', 'edit.txt'), path.join(root, 'new'), path.join(root, 'docs', 'keep.txt')]));
    expect(pending.paths.some((p) => p.endsWith('.tmp'))).toBe(false);
    await second.protectNow();
    expect(scans).toEqual(['FULL', 'CHANGED_PATHS']);
    expect(second.journal.isEmpty).toBe(true);

    // Live: a change arrives through the watcher and is backed up after the quiet period.
    fs.writeFileSync(path.join(root, 'docs', 'live.txt'), 'live');
    await eventually(() => scans.length === 3, 'a backup after the live change');
    await second.stop();

    const points = await vault.listPoints();
    const { index } = await vault.loadIndex();
    const names = async (treeId: string, parts: string[]): Promise<string[]> => {
      let id = treeId;
      for (const part of parts) id = (await vault.readTree(index, id)).entries.find((e) => e.name === part)!.tree!;
      return (await vault.readTree(index, id)).entries.map((e) => e.name);
    };
    const docs = [...root.split(path.sep).filter(Boolean), 'docs'];
    expect(await names(points[1].tree, docs)).toEqual(['edit.txt']);
    expect(await names(points[2].tree, docs)).toEqual(['edit.txt', 'live.txt']);
    expect(scans[2]).toBe('CHANGED_PATHS');
  });
});
