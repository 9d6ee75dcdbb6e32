/**
 * The plan watch's fallbacks and hand-over to the backup, with hand-driven time and a watcher
 * that fails the way the real one does when the inotify limit is used up.
 */
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PendingChanges } from '../../../../main/service/watch/change-journal.js';
import { startPlanWatch, type WatchProblem } from '../../../../main/service/watch/plan-watch.js';
import type { Watcher, WatchOptions } from '../../../../main/service/watch/watcher.js';
import { makeTempDir, removeTempDirs } from '../../../helpers/files.js';
import { FakeTimers } from './fake-timers.js';

afterAll(removeTempDirs);

/** A native-kind watcher whose events the test pushes by hand. */
function handWatcher(failWith?: Error): Watcher & { emit(paths: string[]): void } {
  let opts: WatchOptions | null = null;
  return {
    kind: 'NATIVE',
    async subscribe(_roots, o) {
      if (failWith) throw failWith;
      opts = o;
      return { close: async () => void (opts = null) };
    },
    emit(paths) {
      opts?.onBatch({ paths: paths.filter((p) => !opts!.ignore(p, false)), rescan: false });
    },
  };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Lets real file I/O (the journal) finish until `cond` holds; the clock stays in the test's hand. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error(`never happened: ${what}`);
}

describe('startPlanWatch', () => {
  it('falls back to scanning with the sysctl fix when the inotify limit is used up', async () => {
    const dir = makeTempDir('dv-pw-');
    const timers = new FakeTimers();
    const problems: WatchProblem[] = [];
    const runs: PendingChanges[] = [];
    const enospc = new Error("inotify_add_watch on '/x' failed: No space left on device");
    const pw = await startPlanWatch({
      roots: [dir],
      journalFile: path.join(dir, '.state', 'p.journal'),
      alwaysExcluded: [],
      watcher: handWatcher(enospc),
      timers,
      quietMs: 100,
      scanEveryMs: 60_000,
      runBackup: async (p) => void runs.push(p),
      onProblem: (p) => problems.push(p),
    });
    expect(pw.mode).toBe('SCANNING');
    expect(problems[0]).toMatchObject({ code: 'WATCH_LIMIT', kind: 'WATCHES' });
    expect((problems[0] as { fix: string[] }).fix[0]).toMatch(/^sudo sysctl fs\.inotify\.max_user_watches=\d+$/);
    await until(() => timers.pendingCount >= 2, 'the quiet period is armed');
    timers.advance(100);
    await until(() => runs.length === 1 && pw.journal.isEmpty, 'the first backup and its clear');
    expect(runs[0].rescan).toBe(true);
    // The scanning watcher asks for a scan at its interval.
    timers.advance(60_000);
    await until(() => !pw.journal.isEmpty, 'the scan request is journaled');
    await pw.journal.flush();
    await settle();
    timers.advance(100);
    await until(() => runs.length === 2, 'a backup for the scheduled scan');
    expect(runs[1].rescan).toBe(true);
    await pw.stop();
  });

  it('journals watcher batches, backs them up after the quiet period and clears only after success', async () => {
    const dir = makeTempDir('dv-pw-');
    const timers = new FakeTimers();
    const w = handWatcher();
    let fail = true;
    const runs: PendingChanges[] = [];
    const pw = await startPlanWatch({
      roots: [dir],
      journalFile: path.join(dir, '.state', 'p.journal'),
      alwaysExcluded: [path.join(dir, 'vault')],
      excludes: ['*.tmp'],
      watcher: w,
      timers,
      quietMs: 100,
      runBackup: async (p) => {
        runs.push(p);
        if (fail) throw new Error('disk full');
      },
    });
    // A watcher without snapshots cannot say what changed while the app was off: rescan first.
    await pw.protectNow();
    fail = false;
    await pw.protectNow();
    expect(runs.map((r) => r.rescan)).toEqual([true, true]);
    w.emit([path.join(dir, 'a.txt'), path.join(dir, 'b.tmp'), path.join(dir, 'vault', 'data', 'x')]);
    await until(() => pw.journal.size === 1, 'the batch is journaled');
    await pw.journal.flush();
    await settle();
    timers.advance(100);
    await until(() => runs.length === 3 && pw.journal.isEmpty, 'the backup after the quiet period and its clear');
    expect(runs[2]).toMatchObject({ paths: [path.join(dir, 'a.txt')], rescan: false });
    expect(pw.journal.isEmpty).toBe(true);
    await pw.stop();
    expect(pw.mode).toBe('STOPPED');
  });
});
