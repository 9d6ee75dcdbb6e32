/**
 * Protection state for the tray and the dashboard, derived — never stored — from the plans, the job
 * history and the protection loop (docs/outcomes.md has the full mapping). A folder is PROTECTED
 * when its plan's last backup made a complete point recently enough for its schedule (the interval
 * between two runs plus two hours of grace: 26 h for a daily plan); ATTENTION when that point is
 * stale or was made with issues, or when there is none yet (UNPROTECTED); ERROR when the last
 * backup failed; BACKING_UP while one runs; PAUSED while work is paused.
 */
import type { FolderStatus, Job, Plan, ProtectionState, ServiceStatus } from '../core/model.js';
import { staleCleanupWarnings } from './cleanup-stale.js';
import type { LastCopyWarnings } from './last-copy-warnings.js';
import { massChangeWarnings } from './mass-change-guard.js';
import type { Protection } from './protection.js';
import { sameDiskPlanWarnings } from './same-disk.js';
import { nextRuns, parseSchedule } from './schedule/index.js';
import type { DeskVaultService } from './service.js';

const GRACE_MS = 2 * 3_600_000;
/** Continuous plans without a safety-net schedule: a day without a good point is stale. */
const CONTINUOUS_FRESHNESS_MS = 24 * 3_600_000;

export function freshnessMs(plan: Plan, now: Date): number {
  let best = Infinity;
  for (const r of plan.rules) {
    const s = parseSchedule(r.schedule, r.timeZone);
    const runs = nextRuns(s, now, 2);
    const interval = runs.length === 2 ? runs[1].getTime() - runs[0].getTime() : CONTINUOUS_FRESHNESS_MS;
    best = Math.min(best, interval + GRACE_MS);
  }
  return Number.isFinite(best) ? best : CONTINUOUS_FRESHNESS_MS + GRACE_MS;
}

/** `lastCopies`: the stored look-ahead of lifecycle (computed after backups and lifecycle runs, never here). */
export async function computeStatus(svc: DeskVaultService, protection: Protection, lastCopies?: Pick<LastCopyWarnings, 'warnings'>): Promise<ServiceStatus> {
  const now = svc.now();
  const plans = await svc.plans.list();
  const jobs = svc.jobs.history(); // newest first
  const running = svc.jobs.running().filter((j) => j.state === 'RUNNING' && j.kind === 'BACKUP');
  const pause = protection.pauseState();
  const folders: FolderStatus[] = [];
  for (const plan of plans) {
    const lastGood = svc.jobs.lastGoodBackup(plan.name);
    const last = jobs.find((j) => j.kind === 'BACKUP' && j.planName === plan.name && j.endedAt !== null);
    const isRunning = running.some((j) => j.planName === plan.name);
    const continuous = plan.rules.some((r) => r.schedule.trim().toLowerCase().startsWith('continuous'));
    const { state, message } = folderState({ plan, lastGood, last, isRunning, paused: pause.paused, now });
    for (const r of plan.resources) {
      folders.push({
        path: r.path,
        planName: plan.name,
        vaultName: plan.rules[0].targetVault,
        state,
        lastGoodPointAt: lastGood?.endedAt ?? null,
        lastGoodPointId: lastGood?.recoveryPointId ?? null,
        nextRunAt: protection.nextRunAt(plan.name) ?? nextScheduledRun(plan, now),
        continuous,
        message,
      });
    }
  }
  const percentOf = (j: Readonly<Job>): number | null => (j.counters.bytesTotal ? Math.min(100, Math.round((100 * j.counters.bytesDone) / j.counters.bytesTotal)) : null);
  const percents = running.map(percentOf).filter((p): p is number => p !== null);
  const lastBackupAt = jobs.find((j) => j.kind === 'BACKUP' && j.state === 'COMPLETED')?.endedAt ?? null;
  return {
    state: overall(folders, running.length > 0, pause.paused, plans.length),
    paused: pause.paused,
    pausedUntil: pause.until,
    lastBackupAt,
    runningJobs: svc.jobs.running().length,
    percent: percents.length > 0 ? Math.round(percents.reduce((a, b) => a + b, 0) / percents.length) : null,
    folders,
    warnings: [
      ...protection.warnings(),
      ...(svc.registry.keyStore.warning ? [svc.registry.keyStore.warning] : []),
      ...sameDiskPlanWarnings(plans, await svc.registry.list()),
      ...((await lastCopies?.warnings(now)) ?? []),
      ...staleCleanupWarnings(jobs, now),
      ...massChangeWarnings(await svc.holds.active()),
    ],
  };
}

/** When the scheduler does not run in this process (a one-off CLI command): from the schedules. */
function nextScheduledRun(plan: Plan, now: Date): string | null {
  const next = plan.rules.flatMap((r) => nextRuns(parseSchedule(r.schedule, r.timeZone), now, 1)).sort((a, b) => a.getTime() - b.getTime())[0];
  return next?.toISOString() ?? null;
}

function folderState(a: { plan: Plan; lastGood?: Readonly<Job>; last?: Readonly<Job>; isRunning: boolean; paused: boolean; now: Date }): { state: ProtectionState; message: string | null } {
  if (a.isRunning) return { state: 'BACKING_UP', message: null };
  if (a.paused) return { state: 'PAUSED', message: 'backups are paused' };
  if (a.last && a.last.state === 'FAILED') return { state: 'ERROR', message: `last backup failed: ${a.last.error?.message ?? a.last.statusMessage ?? 'unknown error'}` };
  if (!a.lastGood) return { state: 'UNPROTECTED', message: 'no recovery point yet' };
  const age = a.now.getTime() - Date.parse(a.lastGood.endedAt!);
  if (age > freshnessMs(a.plan, a.now)) return { state: 'ATTENTION', message: `no good recovery point for ${Math.floor(age / 3_600_000)} h` };
  if (a.lastGood.statusMessage) return { state: 'ATTENTION', message: a.lastGood.statusMessage };
  return { state: 'PROTECTED', message: null };
}

function overall(folders: FolderStatus[], running: boolean, paused: boolean, planCount: number): ProtectionState {
  if (running) return 'BACKING_UP';
  if (paused) return 'PAUSED';
  if (planCount === 0) return 'UNPROTECTED';
  const states = new Set(folders.map((f) => f.state));
  if (states.has('ERROR')) return 'ERROR';
  if (states.has('ATTENTION') || states.has('UNPROTECTED')) return 'ATTENTION';
  return 'PROTECTED';
}
