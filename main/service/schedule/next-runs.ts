/**
 * When a schedule runs. All functions are pure in their arguments (croner is only asked about the
 * instants given, never about "now"), so the UI, the scheduler and tests agree.
 *
 * Contracts: `nextRun(s, after)` is the first run strictly after `after`; `latestRunAtOrBefore(s, t)`
 * is the last run at or before `t`. A continuous schedule runs on its safety net only (file-change
 * runs are not scheduled); without one it has no scheduled runs. Cron runs are whole seconds.
 */
import { cronOf, type RateSchedule, type Schedule } from './parse-schedule.js';

/** Upper bound for `nextRuns`: a UI asks for five; a runaway caller should not loop forever. */
export const MAX_NEXT_RUNS = 1000;

/** The next `n` run times strictly after `after` (fewer if the schedule ends, e.g. a cron year). */
export function nextRuns(schedule: Schedule, after: Date, n: number): Date[] {
  const out: Date[] = [];
  let cursor = after;
  for (let i = 0; i < Math.min(n, MAX_NEXT_RUNS); i++) {
    const next = nextRun(schedule, cursor);
    if (!next) break;
    out.push(next);
    cursor = next;
  }
  return out;
}

/** The first run strictly after `after`, or null if there is none. */
export function nextRun(schedule: Schedule, after: Date): Date | null {
  const rate = rateOf(schedule);
  if (rate) return new Date((Math.floor(after.getTime() / rate.intervalMs) + 1) * rate.intervalMs);
  if (schedule.kind !== 'cron') return null;
  return cronOf(schedule).nextRun(after);
}

/** The last run at or before `at`, or null if there is none. */
export function latestRunAtOrBefore(schedule: Schedule, at: Date): Date | null {
  const rate = rateOf(schedule);
  if (rate) return new Date(Math.floor(at.getTime() / rate.intervalMs) * rate.intervalMs);
  if (schedule.kind !== 'cron') return null;
  // croner's previousRuns includes a run earlier in the reference's own second; +1 ms makes a run
  // exactly at `at` count, and cron runs are whole seconds, so nothing later can slip in.
  return cronOf(schedule).previousRuns(1, new Date(at.getTime() + 1))[0] ?? null;
}

/** The rate grid a schedule runs on: itself, or a continuous schedule's safety net. */
function rateOf(schedule: Schedule): RateSchedule | undefined {
  if (schedule.kind === 'rate') return schedule;
  if (schedule.kind === 'continuous') return schedule.safetyNet;
  return undefined;
}
