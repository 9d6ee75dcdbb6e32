/**
 * One backup of a plan rule as a job's work: open the rule's vault, back up the plan's folders with
 * the plan's patterns (the registered vault folders and the state folder always excluded), report
 * counters as the engine goes, and map the engine's result onto the job (docs/outcomes.md):
 *  - a COMPLETED point → COMPLETED;
 *  - a PARTIAL point (some files unreadable) → COMPLETED with the status message "completed with
 *    issues: N files could not be read", each unreadable file in `skipped`;
 *  - the rule's completion window closing (counted on the service's clock from when the job
 *    started) stops the backup, keeping what it finished: a PARTIAL point marked `incomplete` →
 *    COMPLETED "completed with issues: stopped at its completion window …"; with nothing finished
 *    yet, no point → FAILED (`COMPLETION_WINDOW`). Either way the next run reuses what was stored;
 *  - a cancel (the person, or shutdown) → ABORTED, nothing committed (the job runner's rule).
 */
import { isDeskVaultError } from '../../core/errors.js';
import type { Plan, Rule } from '../../core/model.js';
import type { JobContext, JobOutcome } from '../jobs/job-runner.js';
import type { SchedulerClock } from '../schedule/index.js';
import { addMinutes } from '../schedule/window-state.js';
import type { BackupResult, VaultSession } from '../vault-service.js';
import { estimateBackup } from '../vault-service.js';
import { planMaxFileSize, planPatterns } from './plan-patterns.js';

export interface BackupJobInput {
  plan: Plan;
  rule: Rule;
  session: VaultSession;
  /** Folders never backed up: every registered local vault and the state folder. */
  neverInclude: string[];
  /** Continuous mode: only these absolute paths changed since the parent point (a hint). */
  changedPaths?: string[];
  /** Wall time and timers for the completion window (the service's clock). */
  clock: SchedulerClock;
  /** The point was written (before the job's outcome is mapped): the result, for checks on it. */
  onPoint?: (result: BackupResult) => void;
}

/** Budget for counting files first, so the progress bar has a total; past it, no total. */
const ESTIMATE_BUDGET_MS = 3000;

/** The reason recorded in a point the completion window stopped (`incomplete.reason`). */
export const COMPLETION_WINDOW = 'COMPLETION_WINDOW';

export const planTag = (planName: string): string => `plan:${planName.replace(/[\s,]/g, '_')}`;

const files = (n: number): string => `${n} ${n === 1 ? 'file' : 'files'}`;

export async function runBackupJob(input: BackupJobInput, ctx: JobContext): Promise<JobOutcome> {
  const { plan, rule, session } = input;
  const paths = plan.resources.map((r) => r.path);
  const excludes = planPatterns(plan);
  const window = rule.completionWindowMinutes;
  const stop = new AbortController();
  const timer = input.clock.setTimer(addMinutes(input.clock.now(), window), () => {
    ctx.log(`completion window of ${window} minutes reached: stopping and keeping what is backed up`);
    stop.abort(COMPLETION_WINDOW);
  });
  try {
    ctx.log(`backing up ${paths.join(', ')} to vault ${rule.targetVault}`);
    if (!input.changedPaths) {
      const est = estimateBackup(paths, excludes, ESTIMATE_BUDGET_MS);
      if (est) ctx.progress({ bytesTotal: est.bytes, filesTotal: est.files });
    }
    let result;
    try {
      result = await session.backup({
        paths,
        excludes,
        excludeLargerThan: planMaxFileSize(plan),
        excludeCaches: true,
        tags: [planTag(plan.name), ...rule.tags],
        neverInclude: input.neverInclude,
        ...(input.changedPaths ? { changedPaths: input.changedPaths } : {}),
        signal: ctx.signal,
        stop: stop.signal,
        onProgress: (p) => ctx.progress({ bytesDone: p.bytes, filesDone: p.files, currentFile: p.currentPath }),
        onNotice: (m) => ctx.log(m),
      });
    } catch (err) {
      if (!ctx.signal.aborted && isDeskVaultError(err, 'CANCELLED') && err.data.stopped === true) {
        const message = `stopped at its completion window of ${window} minutes before any file was backed up; what it stored is reused by the next run`;
        return { state: 'FAILED', statusMessage: message, error: { code: 'COMPLETION_WINDOW', message } };
      }
      throw err;
    }
    const point = result.point;
    for (const w of result.warnings) ctx.skip(w.path, w.message);
    ctx.progress({ bytesDone: point.stats.bytes, filesDone: point.stats.files, bytesTotal: point.stats.bytes, filesTotal: point.stats.files });
    ctx.log(`recovery point ${point.id.slice(0, 8)}: ${point.stats.files} files, ${point.stats.newFiles} new, ${point.stats.changedFiles} changed, ${point.stats.storedBytes} bytes stored`);
    input.onPoint?.(result);
    if (point.status === 'PARTIAL') {
      const issues: string[] = [];
      if (point.incomplete) {
        ctx.log(`stopped before ${point.incomplete.stoppedAt}; the next run backs up the rest`);
        issues.push(`stopped at its completion window of ${window} minutes with ${files(point.stats.files)} backed up; the next run backs up the rest`);
      }
      if (point.errors.length > 0) issues.push(`${files(point.errors.length)} could not be read`);
      return { state: 'COMPLETED', statusMessage: `completed with issues: ${issues.join('; ')}`, recoveryPointId: point.id };
    }
    return { state: 'COMPLETED', recoveryPointId: point.id };
  } finally {
    timer.cancel();
  }
}
