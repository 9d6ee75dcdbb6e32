/**
 * Time as the watch code sees it. Injected so tests drive the quiet period and the reconcile
 * interval by hand instead of sleeping (STYLE.md, "Inject what makes tests slow or flaky").
 */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending quiet period or reconcile must not keep a CLI process alive on its own.
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
