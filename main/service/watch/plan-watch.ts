/**
 * Continuous protection of one plan, assembled from the parts in this folder:
 *
 *   watcher batch → journal (durable) → quiet period → runBackup(pending) → journal.clear
 *
 * Start-up, in this order so no change falls between two steps: subscribe (live changes reach the
 * journal from here on); then ask each root's snapshot what changed while the app was not running
 * (no snapshot: a rescan); then write fresh snapshots. A reconcile (a rescan, i.e. a full-walk
 * backup) runs every `reconcileEveryMs` to catch what the OS dropped. If the native watcher cannot
 * load, hits the inotify limit or fails, the plan falls back to the scanning watcher, reports a
 * WatchProblem (with the fix for the limit) and asks for a rescan.
 *
 * `runBackup` gets what is pending and must resolve only once the recovery point is committed
 * (use `changedPaths: pending.paths` unless `pending.rescan`). Backups never overlap: changes that
 * arrive during one start another after it.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { ChangeJournal, type PendingChanges } from './change-journal.js';
import { QuietPeriodDebouncer } from './debouncer.js';
import { createIgnorePredicate, resolveExcludedFolders } from './ignore-predicate.js';
import { createParcelWatcher, loadParcelWatcher, type ParcelWatcher } from './parcel-watcher.js';
import { createScanningWatcher } from './scanning-watcher.js';
import { realTimers, type Timers } from './timers.js';
import { describeWatchLimit, watchLimitKind, type WatchLimitProblem } from './watch-limit.js';
import type { WatchBatch, Watcher, WatchSubscription } from './watcher.js';

export type WatchProblem =
  | WatchLimitProblem
  | { code: 'WATCH_FAILED' | 'NATIVE_UNAVAILABLE' | 'BACKUP_FAILED'; message: string; cause?: string };

export interface PlanWatchOptions {
  roots: string[];
  /** The journal file, in the state folder; snapshots are written beside it. */
  journalFile: string;
  excludes?: string[];
  /** Every registered vault folder and the state folder. */
  alwaysExcluded: string[];
  /** Default: @parcel/watcher, or the scanning watcher if it cannot load. */
  watcher?: Watcher;
  quietMs?: number;
  maxDelayMs?: number;
  /** Default one day: reconciles are full walks; events are rarely lost, so daily suffices. */
  reconcileEveryMs?: number;
  /** Scan interval of the scanning fallback (scanning-watcher.ts). */
  scanEveryMs?: number;
  timers?: Timers;
  runBackup(pending: PendingChanges): Promise<void>;
  onProblem?(problem: WatchProblem): void;
}

export const DEFAULT_RECONCILE_MS = 24 * 3600_000;

export interface PlanWatch {
  readonly mode: 'WATCHING' | 'SCANNING' | 'STOPPED';
  readonly journal: ChangeJournal;
  /** Backs up what is pending now instead of after the quiet period; resolves when done. */
  protectNow(): Promise<void>;
  /** Writes the snapshots for the next start, stops watching and waits for a running backup. */
  stop(): Promise<void>;
}

/** The snapshot of `root` for a journal: one file per root, beside the journal. */
export function snapshotFileFor(journalFile: string, root: string): string {
  const h = createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 16);
  return `${journalFile}.${h}.snapshot`;
}

export async function startPlanWatch(opts: PlanWatchOptions): Promise<PlanWatch> {
  const timers = opts.timers ?? realTimers;
  const roots = opts.roots.map((r) => path.resolve(r));
  const ignoreFolders = resolveExcludedFolders([...opts.alwaysExcluded, path.dirname(path.resolve(opts.journalFile))]);
  const ignore = createIgnorePredicate({ excludes: opts.excludes, alwaysExcluded: ignoreFolders });
  const journal = await ChangeJournal.open(opts.journalFile);
  const report = (p: WatchProblem): void => opts.onProblem?.(p);

  let mode: PlanWatch['mode'] = 'WATCHING';
  let subscription: WatchSubscription | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let reconcileHandle: unknown = null;

  const runOnce = async (): Promise<void> => {
    const pending = journal.take();
    if (pending.paths.length === 0 && !pending.rescan) return;
    try {
      await opts.runBackup(pending);
      await journal.clear(pending);
    } catch (err) {
      // The journal keeps everything: the next quiet period (or reconcile) tries again.
      report({ code: 'BACKUP_FAILED', message: (err as Error).message });
    }
  };
  const protect = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await runOnce();
      } while (again && mode !== 'STOPPED');
    })().finally(() => {
      running = null;
    });
    return running;
  };
  const debouncer = new QuietPeriodDebouncer({ quietMs: opts.quietMs, maxDelayMs: opts.maxDelayMs, timers, onQuiet: () => void protect() });

  const onBatch = (b: WatchBatch): void => {
    if (mode === 'STOPPED') return;
    const done = b.rescan ? journal.markRescan(b.reason ?? 'rescan') : journal.add(b.paths);
    void done.then(
      () => debouncer.poke(),
      (err: Error) => report({ code: 'WATCH_FAILED', message: `the change journal cannot be written: ${err.message}` }),
    );
  };

  const fallBack = async (err: unknown, what: string): Promise<void> => {
    const kind = watchLimitKind(err);
    report(kind ? describeWatchLimit(kind, roots) : { code: 'WATCH_FAILED', message: `${what}: ${(err as Error).message}; finding changes by scanning instead`, cause: String(err) });
    await subscription?.close();
    subscription = null;
    if (mode === 'STOPPED') return;
    mode = 'SCANNING';
    onBatch({ paths: [], rescan: true, reason: 'the file watcher stopped' });
    subscription = await createScanningWatcher({ intervalMs: opts.scanEveryMs, timers }).subscribe(roots, { ignore, ignoreFolders, onBatch, onError: () => undefined });
  };

  let watcher = opts.watcher;
  if (!watcher) {
    const loaded = await loadParcelWatcher();
    if ('parcel' in loaded) watcher = createParcelWatcher(loaded.parcel);
    else report({ code: 'NATIVE_UNAVAILABLE', message: `the native file watcher cannot load (${loaded.error.message}); finding changes by scanning instead` });
  }
  const native = watcher && 'changesSince' in watcher ? (watcher as ParcelWatcher) : null;
  if (!watcher || watcher.kind === 'SCANNING') {
    mode = 'SCANNING';
    subscription = await (watcher ?? createScanningWatcher({ intervalMs: opts.scanEveryMs, timers })).subscribe(roots, { ignore, ignoreFolders, onBatch, onError: () => undefined });
    await journal.markRescan('start-up scan');
  } else {
    try {
      subscription = await watcher.subscribe(roots, { ignore, ignoreFolders, onBatch, onError: (err) => void fallBack(err, 'the file watcher failed') });
    } catch (err) {
      await fallBack(err, 'the file watcher could not start');
    }
    if (native && mode === 'WATCHING') {
      for (const root of roots) {
        const since = await native.changesSince(root, snapshotFileFor(journal.file, root), ignore, ignoreFolders);
        await (since.rescan ? journal.markRescan(since.reason ?? 'start-up scan') : journal.add(since.paths));
        await native.writeSnapshot(root, snapshotFileFor(journal.file, root), ignoreFolders).catch(() => undefined);
      }
    } else if (mode === 'WATCHING') {
      await journal.markRescan('start-up scan: this watcher keeps no snapshots');
    }
  }
  if (!journal.isEmpty) debouncer.poke();

  const reconcile = (): void => {
    reconcileHandle = timers.setTimeout(reconcile, opts.reconcileEveryMs ?? DEFAULT_RECONCILE_MS);
    onBatch({ paths: [], rescan: true, reason: 'scheduled reconcile scan' });
  };
  reconcileHandle = timers.setTimeout(reconcile, opts.reconcileEveryMs ?? DEFAULT_RECONCILE_MS);

  return {
    get mode() {
      return mode;
    },
    journal,
    protectNow: async () => {
      debouncer.cancel();
      await journal.flush();
      await protect();
    },
    stop: async () => {
      const wasWatching = mode === 'WATCHING';
      timers.clearTimeout(reconcileHandle);
      // Snapshot while still watching: a change before it reaches the journal live, a change after
      // it is reported by the snapshot at the next start. Written after closing, a change in
      // between would be in neither.
      if (wasWatching && native) {
        for (const root of roots) await native.writeSnapshot(root, snapshotFileFor(journal.file, root), ignoreFolders).catch(() => undefined);
      }
      // (Parcel delivers within ~50 ms and a snapshot crawl takes longer, so events from before
      // the snapshot have arrived by the time it is written.)
      await subscription?.close();
      mode = 'STOPPED';
      debouncer.cancel();
      await running;
      await journal.flush();
    },
  };
}
