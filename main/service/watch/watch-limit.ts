/**
 * Linux's inotify limits. Every watched folder costs one watch from `fs.inotify.max_user_watches`,
 * shared by all processes of the user (8,192 on old kernels, ~190k–1M on newer ones); when it is
 * used up `inotify_add_watch` fails with ENOSPC ("No space left on device", which says nothing about
 * the cause). Creating a watcher beyond `max_user_instances` fails with EMFILE. Both are turned into
 * one sentence with the fix, and the plan falls back to scanning.
 */
import { readFileSync } from 'node:fs';

export type WatchLimitKind = 'WATCHES' | 'INSTANCES';

export interface WatchLimitProblem {
  code: 'WATCH_LIMIT';
  kind: WatchLimitKind;
  /** The limit now in force, if readable. */
  current: number | null;
  /** The value suggested in `fix`. */
  suggested: number;
  message: string;
  /** Commands that raise the limit now and after a restart. */
  fix: string[];
}

/** True for errors that mean an inotify limit was reached, not a real disk or permission problem. */
export function isWatchLimitError(err: unknown): boolean {
  return watchLimitKind(err) !== null;
}

export function watchLimitKind(err: unknown): WatchLimitKind | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const message = String((err as Error | null)?.message ?? err);
  if (code === 'ENOSPC' || /no space left on device|ENOSPC|max_user_watches/i.test(message)) {
    // Parcel reports an add-watch failure as "inotify_add_watch on '…' failed: No space left on device".
    return 'WATCHES';
  }
  if (/inotify/i.test(message) && (code === 'EMFILE' || /too many open files|EMFILE|max_user_instances/i.test(message))) return 'INSTANCES';
  return null;
}

function readLimit(name: string): number | null {
  try {
    const n = Number(readFileSync(`/proc/sys/fs/inotify/${name}`, 'utf8').trim());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/** The person-facing problem for a limit error, with the current value read from /proc. */
export function describeWatchLimit(kind: WatchLimitKind, roots: readonly string[], readCurrent: (name: string) => number | null = readLimit): WatchLimitProblem {
  const key = kind === 'WATCHES' ? 'max_user_watches' : 'max_user_instances';
  const current = readCurrent(key);
  // Watches: 524,288 is what most distributions now ship and covers ~500k folders (~1 KiB of kernel
  // memory each, only when used). Instances: 1,024 is ample for a desktop.
  const floor = kind === 'WATCHES' ? 524_288 : 1024;
  const suggested = Math.max(floor, (current ?? 0) * 2);
  const what = kind === 'WATCHES' ? 'the number of folders that can be watched' : 'the number of file watchers';
  const message =
    `The system limit on ${what} (fs.inotify.${key}${current !== null ? ` = ${current}` : ''}) is used up, so changes in ` +
    `${roots.join(', ')} cannot be seen as they happen. DeskVault now finds them by scanning instead. To watch again, ` +
    `raise the limit: sudo sysctl fs.inotify.${key}=${suggested} — and to keep it after a restart: ` +
    `echo 'fs.inotify.${key}=${suggested}' | sudo tee /etc/sysctl.d/90-deskvault-inotify.conf`;
  return {
    code: 'WATCH_LIMIT',
    kind,
    current,
    suggested,
    message,
    fix: [`sudo sysctl fs.inotify.${key}=${suggested}`, `echo 'fs.inotify.${key}=${suggested}' | sudo tee /etc/sysctl.d/90-deskvault-inotify.conf`],
  };
}
