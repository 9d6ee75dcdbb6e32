/**
 * The one interface in front of file watching. A Watcher turns "something changed below these
 * folders" into batches of absolute paths; everything else (journal, quiet period, backups) is
 * built on it and does not know which implementation runs. Two exist: `createParcelWatcher`
 * (native OS events through @parcel/watcher) and `createScanningWatcher` (no OS events: it asks
 * for a scan at an interval). See README.md for why parcel and not chokidar.
 */

/** Decides whether a path is outside protection. `isDir` is false when unknown (a deleted path). */
export type IgnorePredicate = (absPath: string, isDir: boolean) => boolean;

export interface WatchBatch {
  /** Absolute paths that were created, modified, deleted or renamed (old and new name). */
  paths: string[];
  /**
   * True when changes may have happened that no path names (events dropped, no OS watcher): the
   * receiver must compare everything with the last point (a full scan), not only `paths`.
   */
  rescan: boolean;
  /** Why a rescan is asked for, for logs and notices. */
  reason?: string;
}

export interface WatchOptions {
  /** Applied to every event before delivery; ignored paths are never delivered. */
  ignore: IgnorePredicate;
  /** Absolute folders the OS watcher should not even look into (vaults, the state folder). */
  ignoreFolders?: readonly string[];
  onBatch(batch: WatchBatch): void;
  /**
   * The watcher failed. After an error the subscription may have stopped delivering events; the
   * owner decides what to do (see plan-watch.ts, which falls back to scanning).
   */
  onError(err: Error): void;
}

export interface WatchSubscription {
  /** Stops delivery. Idempotent. */
  close(): Promise<void>;
}

export interface Watcher {
  /** NATIVE: OS events, near-instant. SCANNING: changes are found by periodic full scans. */
  readonly kind: 'NATIVE' | 'SCANNING';
  /** Resolves once the watch is in place (changes made after that are delivered). */
  subscribe(roots: readonly string[], opts: WatchOptions): Promise<WatchSubscription>;
}
