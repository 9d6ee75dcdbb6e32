/**
 * The native watcher, on @parcel/watcher (VS Code's): one inotify watch per folder on Linux
 * (FSEvents on macOS, ReadDirectoryChangesW on Windows), events coalesced natively, and snapshots
 * that report what changed while nobody watched. Measured against chokidar in README.md.
 *
 * Two gaps of the Linux backend are closed here:
 *  - A folder created with `mkdir -p`, moved in or renamed is watched only at its top level
 *    (parcel-bundler/watcher#97): the event names only the folder. The folder is delivered (a
 *    backup given a folder walks it whole) and subscribed on its own, so later changes inside it
 *    are seen too. Past MAX_EXTRA_SUBSCRIPTIONS such folders, a rescan is asked for instead.
 *  - An inotify queue overflow is dropped silently by parcel: only the periodic reconcile scan
 *    catches what it lost (plan-watch.ts).
 */
import { lstatSync } from 'node:fs';
import * as path from 'node:path';
import type { AsyncSubscription, Event, Options } from '@parcel/watcher';
import type { WatchBatch, Watcher, WatchOptions, WatchSubscription } from './watcher.js';

export type ParcelModule = typeof import('@parcel/watcher');

/** Folders subscribed on their own (see above) per subscription, before asking for a rescan. */
export const MAX_EXTRA_SUBSCRIPTIONS = 256;

/** Loads the native module; null if it cannot load on this machine (the caller falls back to scanning). */
export async function loadParcelWatcher(): Promise<{ parcel: ParcelModule } | { error: Error }> {
  try {
    const mod = (await import('@parcel/watcher')) as ParcelModule & { default?: ParcelModule };
    return { parcel: mod.default ?? mod };
  } catch (err) {
    return { error: err as Error };
  }
}

export interface ParcelWatcher extends Watcher {
  readonly kind: 'NATIVE';
  /** Records the state of `root` in `snapshotFile` (replaced atomically by parcel's writer). */
  writeSnapshot(root: string, snapshotFile: string, ignoreFolders?: readonly string[]): Promise<void>;
  /**
   * What changed below `root` since `snapshotFile` was written, filtered by `ignore`. A missing or
   * unreadable snapshot gives a rescan batch: the changes cannot be known.
   */
  changesSince(root: string, snapshotFile: string, ignore: WatchOptions['ignore'], ignoreFolders?: readonly string[]): Promise<WatchBatch>;
}

export function createParcelWatcher(parcel: ParcelModule): ParcelWatcher {
  return {
    kind: 'NATIVE',
    subscribe: (roots, opts) => subscribeAll(parcel, roots, opts),
    async writeSnapshot(root, snapshotFile, ignoreFolders = []) {
      await parcel.writeSnapshot(root, snapshotFile, parcelOptions(root, ignoreFolders));
    },
    async changesSince(root, snapshotFile, ignore, ignoreFolders = []) {
      let events: Event[];
      try {
        events = await parcel.getEventsSince(root, snapshotFile, parcelOptions(root, ignoreFolders));
      } catch (err) {
        return { paths: [], rescan: true, reason: `no usable snapshot of ${root} (${(err as Error).message})` };
      }
      // An unreadable snapshot reads as empty: everything, the root included, looks created.
      if (events.some((e) => e.type === 'create' && path.resolve(e.path) === path.resolve(root))) {
        return { paths: [], rescan: true, reason: `the snapshot of ${root} does not describe it` };
      }
      return { paths: filterEvents(events, ignore).paths, rescan: false };
    },
  };
}

function parcelOptions(root: string, ignoreFolders: readonly string[]): Options {
  // Only folders inside the root matter; given as paths, parcel does not even watch them.
  const inside = ignoreFolders.filter((f) => f.startsWith(root + path.sep));
  return inside.length > 0 ? { ignore: [...inside] } : {};
}

function filterEvents(events: readonly Event[], ignore: WatchOptions['ignore']): { paths: string[]; createdDirs: string[] } {
  const paths = new Set<string>();
  const createdDirs: string[] = [];
  for (const e of events) {
    let isDir = false;
    if (e.type !== 'delete') {
      try {
        isDir = lstatSync(e.path).isDirectory();
      } catch {
        /* gone again: deliver it as a possible deletion */
      }
    }
    if (ignore(e.path, isDir)) continue;
    paths.add(e.path);
    if (isDir && e.type === 'create') createdDirs.push(e.path);
  }
  return { paths: [...paths], createdDirs };
}

async function subscribeAll(parcel: ParcelModule, roots: readonly string[], opts: WatchOptions): Promise<WatchSubscription> {
  const subs: AsyncSubscription[] = [];
  const extra = new Set<string>();
  let closed = false;
  let overflowReported = false;

  const onEvents = (root: string) => (err: Error | null, events: Event[]) => {
    if (closed) return;
    if (err) {
      opts.onError(err);
      return;
    }
    const { paths, createdDirs } = filterEvents(events, opts.ignore);
    if (paths.length > 0) opts.onBatch({ paths, rescan: false });
    for (const dir of createdDirs) void watchCreatedFolder(root, dir);
  };

  const watchCreatedFolder = async (root: string, dir: string): Promise<void> => {
    if (extra.has(dir) || closed) return;
    if (extra.size >= MAX_EXTRA_SUBSCRIPTIONS) {
      if (!overflowReported) opts.onBatch({ paths: [], rescan: true, reason: `more than ${MAX_EXTRA_SUBSCRIPTIONS} new folders to watch` });
      overflowReported = true;
      return;
    }
    extra.add(dir);
    try {
      const sub = await parcel.subscribe(dir, onEvents(root), parcelOptions(dir, opts.ignoreFolders ?? []));
      if (closed) await sub.unsubscribe();
      else subs.push(sub);
    } catch (err) {
      extra.delete(dir);
      // Gone again before it could be watched: its deletion is delivered by the parent's watch.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !/no such file/i.test(String((err as Error).message))) opts.onError(err as Error);
    }
  };

  const close = async (): Promise<void> => {
    closed = true;
    await Promise.allSettled(subs.splice(0).map((s) => s.unsubscribe()));
  };
  try {
    for (const root of roots) subs.push(await parcel.subscribe(root, onEvents(root), parcelOptions(root, opts.ignoreFolders ?? [])));
  } catch (err) {
    await close();
    throw err;
  }
  return { close };
}
