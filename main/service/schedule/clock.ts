/**
 * The clock the scheduler sees: wall time plus one-shot timers at wall-clock instants. Injected so
 * tests run on a fake clock with no sleeps (STYLE.md, convention 9).
 *
 * `systemClock` re-checks the wall clock at least every `maxSleepMs` (default 60 s) instead of
 * trusting one long setTimeout: Node timers run on a monotonic clock that stops while the machine
 * sleeps, so a 6-hour timer set before a 3-day suspend would fire 6 awake-hours later. Capping the
 * delay means a due time passed during sleep or a wall-clock change is noticed within a minute of
 * waking. With `unref`, a pending timer does not keep the process alive (for hosts that stay up for
 * other reasons); the default keeps it alive, so a scheduler-only process does not silently exit.
 */

export interface TimerHandle {
  /** Idempotent; after cancel the callback never runs. */
  cancel(): void;
}

export interface SchedulerClock {
  now(): Date;
  /** Call `fn` once, at or after wall time `at` (immediately, on a later turn, if `at` has passed). */
  setTimer(at: Date, fn: () => void): TimerHandle;
}

export function systemClock(options: { maxSleepMs?: number; unref?: boolean } = {}): SchedulerClock {
  const maxSleepMs = options.maxSleepMs ?? 60_000;
  return {
    now: () => new Date(),
    setTimer(at, fn) {
      let handle: NodeJS.Timeout | undefined;
      let cancelled = false;
      const arm = (): void => {
        const wait = Math.max(0, Math.min(at.getTime() - Date.now(), maxSleepMs));
        handle = setTimeout(() => {
          if (cancelled) return;
          if (Date.now() >= at.getTime()) fn();
          else arm();
        }, wait);
        if (options.unref) handle.unref();
      };
      arm();
      return {
        cancel() {
          cancelled = true;
          if (handle) clearTimeout(handle);
        },
      };
    },
  };
}
