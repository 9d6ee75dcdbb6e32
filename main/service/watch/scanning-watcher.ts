/**
 * The fallback when no OS watcher can be used (the native module does not load, the inotify limit
 * is used up, the watcher failed): no events, only a request to compare everything with the last
 * point every `intervalMs`. The comparison is a full-walk backup, whose change detection reads only
 * changed files, so a scan costs metadata reads, not file reads.
 */
import { realTimers, type Timers } from './timers.js';
import type { Watcher, WatchOptions, WatchSubscription } from './watcher.js';

/** 15 minutes: a no-change scan of 100k files took 1.5 s (README.md), so scanning costs ~0.2% of a core. */
export const DEFAULT_SCAN_INTERVAL_MS = 15 * 60_000;

export function createScanningWatcher(opts: { intervalMs?: number; timers?: Timers } = {}): Watcher {
  const intervalMs = opts.intervalMs ?? DEFAULT_SCAN_INTERVAL_MS;
  const timers = opts.timers ?? realTimers;
  return {
    kind: 'SCANNING',
    async subscribe(_roots: readonly string[], w: WatchOptions): Promise<WatchSubscription> {
      let handle: unknown = null;
      let closed = false;
      const tick = (): void => {
        if (closed) return;
        handle = timers.setTimeout(tick, intervalMs);
        w.onBatch({ paths: [], rescan: true, reason: 'scheduled scan (no file watcher)' });
      };
      handle = timers.setTimeout(tick, intervalMs);
      return {
        async close() {
          closed = true;
          if (handle !== null) timers.clearTimeout(handle);
        },
      };
    },
  };
}
