/** Continuous protection's building blocks; see README.md. */
export { ChangeJournal, writeFileAtomic, DEFAULT_MAX_JOURNAL_PATHS, type PendingChanges } from './change-journal.js';
export { QuietPeriodDebouncer, DEFAULT_QUIET_MS, DEFAULT_MAX_DELAY_MS, type DebouncerOptions } from './debouncer.js';
export { createIgnorePredicate, resolveExcludedFolders, type IgnoreSpec } from './ignore-predicate.js';
export { createParcelWatcher, loadParcelWatcher, MAX_EXTRA_SUBSCRIPTIONS, type ParcelModule, type ParcelWatcher } from './parcel-watcher.js';
export { startPlanWatch, snapshotFileFor, DEFAULT_RECONCILE_MS, type PlanWatch, type PlanWatchOptions, type WatchProblem } from './plan-watch.js';
export { createScanningWatcher, DEFAULT_SCAN_INTERVAL_MS } from './scanning-watcher.js';
export { realTimers, type Timers } from './timers.js';
export { describeWatchLimit, isWatchLimitError, watchLimitKind, type WatchLimitKind, type WatchLimitProblem } from './watch-limit.js';
export type { IgnorePredicate, WatchBatch, Watcher, WatchOptions, WatchSubscription } from './watcher.js';
