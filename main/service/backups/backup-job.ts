/**
 * One backup of a plan rule as a job's work: open the rule's vault, back up the plan's folders with
 * the plan's patterns (the registered vault folders and the state folder always excluded), report
 * counters as the engine goes, and map the engine's result onto the job (docs/outcomes.md): a
 * COMPLETED point → COMPLETED; a PARTIAL point (some files unreadable) → COMPLETED with the status
 * message "completed with issues", each unreadable file in `skipped`.
 */
import type { Plan, Rule } from '../../core/model.js';
import type { JobContext, JobOutcome } from '../jobs/job-runner.js';
import type { VaultSession } from '../vault-service.js';
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
  onPoint?: (pointId: string) => void;
}

/** Budget for counting files first, so the progress bar has a total; past it, no total. */
const ESTIMATE_BUDGET_MS = 3000;

export const planTag = (planName: string): string => `plan:${planName.replace(/[\s,]/g, '_')}`;

export async function runBackupJob(input: BackupJobInput, ctx: JobContext): Promise<JobOutcome> {
  const { plan, rule, session } = input;
  const paths = plan.resources.map((r) => r.path);
  const excludes = planPatterns(plan);
  ctx.log(`backing up ${paths.join(', ')} to vault ${rule.targetVault}`);
  if (!input.changedPaths) {
    const est = estimateBackup(paths, excludes, ESTIMATE_BUDGET_MS);
    if (est) ctx.progress({ bytesTotal: est.bytes, filesTotal: est.files });
  }
  const result = await session.backup({
    paths,
    excludes,
    excludeLargerThan: planMaxFileSize(plan),
    excludeCaches: true,
    tags: [planTag(plan.name), ...rule.tags],
    neverInclude: input.neverInclude,
    ...(input.changedPaths ? { changedPaths: input.changedPaths } : {}),
    signal: ctx.signal,
    onProgress: (p) => ctx.progress({ bytesDone: p.bytes, filesDone: p.files, currentFile: p.currentPath }),
    onNotice: (m) => ctx.log(m),
  });
  const point = result.point;
  for (const w of result.warnings) ctx.skip(w.path, w.message);
  ctx.progress({ bytesDone: point.stats.bytes, filesDone: point.stats.files, bytesTotal: point.stats.bytes, filesTotal: point.stats.files });
  ctx.log(`recovery point ${point.id.slice(0, 8)}: ${point.stats.files} files, ${point.stats.newFiles} new, ${point.stats.changedFiles} changed, ${point.stats.storedBytes} bytes stored`);
  input.onPoint?.(point.id);
  if (point.status === 'PARTIAL') {
    const n = point.errors.length;
    return { state: 'COMPLETED', statusMessage: `completed with issues: ${n} ${n === 1 ? 'file' : 'files'} could not be read`, recoveryPointId: point.id };
  }
  return { state: 'COMPLETED', recoveryPointId: point.id };
}
