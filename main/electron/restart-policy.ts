/**
 * When the service host dies unexpectedly, the main process restarts it — but not in a loop: at
 * most MAX_RESTARTS within WINDOW_MS, with a growing delay. A host that keeps dying is shown as an
 * error in the tray (the log says why) instead of burning CPU.
 */
export const MAX_RESTARTS = 3;
export const WINDOW_MS = 10 * 60_000;

/** Delay before the next restart, or null to give up. `recentExits` are exit times (ms). */
export function restartDelay(recentExits: readonly number[], now: number): number | null {
  const recent = recentExits.filter((t) => now - t < WINDOW_MS).length;
  if (recent > MAX_RESTARTS) return null;
  return 1000 * 2 ** Math.max(0, recent - 1);
}
