/**
 * Start and completion windows, with AWS Backup's meaning:
 *
 * - start window: a job must START within `startWindowMinutes` after `scheduledFor`; a job still
 *   PENDING at `scheduledFor + startWindow` (for instance because a run condition deferred it) is
 *   EXPIRED and never starts.
 * - completion window: a job must FINISH within `completionWindowMinutes` after it actually STARTED
 *   (AWS counts from the start, so a late start does not shorten the run); a RUNNING job past that is
 *   stopped. The recovery point is kept with status PARTIAL if it holds data, otherwise the job fails
 *   (see `stoppedPointStatus`).
 *
 * Pure: the job runner calls `windowState` when a job is created, at `checkAt`, and on resume.
 */

/**
 * Used only when a rule gives none. 60 minutes, main/core's Rule default (AWS Backup's API default
 * is 8 hours): a missed occurrence is then caught up as a fresh run (scheduler.ts) rather than left
 * pending for hours, and one hour still covers a short lid-close.
 */
export const DEFAULT_START_WINDOW_MINUTES = 60;
/** 7 days, AWS Backup's and main/core's default: a first full backup of a large disk over a slow link can take days. */
export const DEFAULT_COMPLETION_WINDOW_MINUTES = 7 * 24 * 60;

export interface WindowedJob {
  /** The job runner's state; only PENDING and RUNNING jobs have windows that can close. */
  state: string;
  scheduledFor: Date | string;
  startedAt?: Date | string;
  startWindowMinutes?: number;
  completionWindowMinutes?: number;
}

export interface WindowVerdict {
  /** `scheduledFor + startWindowMinutes`. */
  startDeadline: Date;
  /** `startedAt + completionWindowMinutes`, once the job has started. */
  completionDeadline?: Date;
  /** PENDING and not started by `startDeadline`: mark EXPIRED, do not start. */
  expired: boolean;
  /** RUNNING past `completionDeadline`: stop it (cancel), keep the point as PARTIAL if it has data. */
  overdue: boolean;
  /** When a window of this job next closes (for the runner's timer); undefined when none can. */
  checkAt?: Date;
}

export function windowState(job: WindowedJob, now: Date): WindowVerdict {
  const startDeadline = addMinutes(new Date(job.scheduledFor), job.startWindowMinutes ?? DEFAULT_START_WINDOW_MINUTES);
  const completionDeadline = job.startedAt === undefined ? undefined : addMinutes(new Date(job.startedAt), job.completionWindowMinutes ?? DEFAULT_COMPLETION_WINDOW_MINUTES);
  const pending = job.state === 'PENDING' && job.startedAt === undefined;
  const running = job.state === 'RUNNING' && completionDeadline !== undefined;
  const expired = pending && now.getTime() >= startDeadline.getTime();
  const overdue = running && now.getTime() >= completionDeadline.getTime();
  const checkAt = pending && !expired ? startDeadline : running && !overdue ? completionDeadline : undefined;
  return { startDeadline, completionDeadline, expired, overdue, checkAt };
}

/** What a job stopped at its completion window leaves behind: a PARTIAL point if anything was stored, else none. */
export function stoppedPointStatus(hasData: boolean): 'PARTIAL' | null {
  return hasData ? 'PARTIAL' : null;
}

export function addMinutes(d: Date, minutes: number): Date {
  return new Date(d.getTime() + minutes * 60_000);
}
