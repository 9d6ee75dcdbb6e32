/**
 * Lifecycle as a job (kind PRUNE) on one vault: decides with lifecycle/select-expired.ts which
 * points are past their plan rule's `deleteAfterDays` and kept by nothing (no GFS period, legal
 * hold or Object Lock), removes exactly those, then prunes the data only they used. Every kept
 * point's reasons are in the job log, so "why is this still here?" has an answer. Runs daily per
 * vault (protection.ts) and on demand (`lifecycle.run`). Then it moves the data packs that no
 * remaining point needs warm to the vault's cold storage class (lifecycle-cold.ts), after the
 * deletion so that nothing about to be pruned is copied. A failed move (a missing permission)
 * fails the job with its reason, after the deletions are done and logged.
 */
import type { LegalHold as HoldRecord, Plan } from '../core/model.js';
import { DeskVaultError } from '../core/errors.js';
import type { JobContext, JobOutcome } from './jobs/job-runner.js';
import { moveColdPacks } from './lifecycle-cold.js';
import { selectExpired, type LifecyclePoint } from './lifecycle/index.js';
import { planNameOf, rulesFor, toLifecycleHold } from './points/point-info.js';
import type { VaultSession } from './vault-service.js';

export async function runLifecycleJob(
  input: { session: VaultSession; vaultName: string; plans: Plan[]; holds: HoldRecord[]; now: Date; dryRun?: boolean },
  ctx: JobContext,
): Promise<JobOutcome> {
  const { session, vaultName, plans, now } = input;
  const points = await session.points();
  const byName = new Map(plans.map((p) => [p.name, p]));
  const lifecyclePoints: LifecyclePoint[] = points.map((p) => {
    const planName = planNameOf(p, plans) ?? undefined;
    return { id: p.id, time: p.time, vaultName, planName, ruleId: planName, status: p.status };
  });
  const locks = new Map(points.filter((p) => p.lock?.until).map((p) => [p.id, p.lock!.until]));
  const decisions = selectExpired(lifecyclePoints, {
    now,
    lifecycleFor: (p) => rulesFor(p.planName ? byName.get(p.planName) : undefined, vaultName).lifecycle,
    gfsFor: (p) => rulesFor(p.planName ? byName.get(p.planName) : undefined, vaultName).gfs,
    legalHolds: input.holds.map(toLifecycleHold),
    objectLockUntil: locks,
  });
  const doomed = decisions.filter((d) => d.action === 'DELETE');
  for (const d of decisions) ctx.log(`${d.action === 'DELETE' ? 'delete' : 'keep'} ${d.point.id.slice(0, 8)} (${d.point.time}): ${d.reasons.join('; ')}`);
  ctx.progress({ filesTotal: doomed.length, filesDone: 0 });
  const deleted = `${input.dryRun ? 'would delete' : 'deleted'} ${doomed.length} of ${points.length} recovery points`;
  if (!input.dryRun && doomed.length > 0) {
    await session.deletePoints(doomed.map((d) => d.point.id), now.getTime());
    ctx.progress({ filesDone: doomed.length });
    const pruned = await session.prune({ onNotice: (m) => ctx.log(m) });
    ctx.log(`prune: ${pruned.packsDeleted} packs (${pruned.bytesDeleted} bytes) deleted, ${pruned.packsRepacked} repacked`);
  }
  // Deleted points (in a dry run: those that would be) keep nothing warm; their packs go to prune.
  const gone = new Set(doomed.map((d) => d.point.id));
  const cold = await moveColdPacks({ session, vaultName, plans, now, dryRun: input.dryRun, points: points.filter((p) => !gone.has(p.id)) }, ctx);
  const statusMessage = cold.summary ? `${deleted}; ${cold.summary}` : deleted;
  if (cold.error) throw new DeskVaultError(cold.error.code, `${statusMessage}, then moving data packs to cold storage failed: ${cold.error.message}`, cold.error.data, { cause: cold.error });
  return { state: 'COMPLETED', statusMessage };
}
