/**
 * Lifecycle as a job (kind PRUNE) on one vault: decides with lifecycle/select-expired.ts which
 * points are past their plan rule's `deleteAfterDays` and kept by nothing (no GFS period, legal
 * hold or Object Lock), removes exactly those, then prunes the data only they used. Every kept
 * point's reasons are in the job log, so "why is this still here?" has an answer. Runs daily per
 * vault (protection.ts) and on demand (`lifecycle.run`). Then it moves the data packs that no
 * remaining point needs warm to the vault's cold storage class (lifecycle-cold.ts), after the
 * deletion so that nothing about to be pruned is copied. A failed move (a missing permission)
 * fails the job with its reason, after the deletions are done and logged.
 *
 * Before deleting, it logs the files deleted from the computer whose last backup copy is in the
 * points deleted now; after, it looks LOOK_AHEAD_DAYS ahead (last-copy-warnings.ts), logs that too
 * and hands it to `onLookAhead` (the status warning). Both need `files` (the catalog); without it,
 * or when the catalog cannot say, the job deletes as before.
 */
import type { LegalHold as HoldRecord, Plan } from '../core/model.js';
import { DeskVaultError } from '../core/errors.js';
import type { JobContext, JobOutcome } from './jobs/job-runner.js';
import { decideLifecycle, lastCopiesOf, lastCopyMessage, LOOK_AHEAD_DAYS, lookAhead, type FileLister } from './last-copy-warnings.js';
import { moveColdPacks } from './lifecycle-cold.js';
import type { LastCopies } from './lifecycle/index.js';
import type { VaultSession } from './vault-service.js';

export async function runLifecycleJob(
  input: {
    session: VaultSession;
    vaultName: string;
    plans: Plan[];
    holds: HoldRecord[];
    now: Date;
    dryRun?: boolean;
    /** A point's files (from the catalog); enables the last-copy log lines and the look-ahead. */
    files?: FileLister;
    existsNow?: (path: string) => boolean;
    /** The look-ahead over the points left after this run (not called in a dry run). */
    onLookAhead?: (found: LastCopies) => Promise<void>;
  },
  ctx: JobContext,
): Promise<JobOutcome> {
  const { session, vaultName, plans, now, files } = input;
  const points = await session.points();
  const decisions = decideLifecycle({ points, vaultName, plans, holds: input.holds, now });
  const doomed = decisions.filter((d) => d.action === 'DELETE');
  for (const d of decisions) ctx.log(`${d.action === 'DELETE' ? 'delete' : 'keep'} ${d.point.id.slice(0, 8)} (${d.point.time}): ${d.reasons.join('; ')}`);
  if (files && doomed.length > 0) {
    const lost = lastCopiesOf(decisions, files, input.existsNow);
    if (lost.count > 0) {
      const eg = lost.examples.length > 0 ? ` (e.g. ${lost.examples.join(', ')})` : '';
      ctx.log(`${lost.count === 1 ? '1 file' : `${lost.count} files`} deleted from this computer ${lost.count === 1 ? 'has its' : 'have their'} last backup copy in the points ${input.dryRun ? 'that would be deleted now' : 'deleted now'}${eg}`);
    }
  }
  ctx.progress({ filesTotal: doomed.length, filesDone: 0 });
  const deleted = `${input.dryRun ? 'would delete' : 'deleted'} ${doomed.length} of ${points.length} recovery points`;
  if (!input.dryRun && doomed.length > 0) {
    await session.deletePoints(doomed.map((d) => d.point.id), now.getTime());
    ctx.progress({ filesDone: doomed.length });
    const pruned = await session.prune({ onNotice: (m) => ctx.log(m) });
    ctx.log(`prune: ${pruned.packsDeleted} packs (${pruned.bytesDeleted} bytes) deleted, ${pruned.packsRepacked} repacked`);
  }
  const gone = new Set(doomed.map((d) => d.point.id));
  const remaining = points.filter((p) => !gone.has(p.id));
  if (files && !input.dryRun) {
    const soon = lookAhead({ points: remaining, vaultName, plans, holds: input.holds, now, files, existsNow: input.existsNow });
    ctx.log(soon.count > 0 ? `in the next ${LOOK_AHEAD_DAYS} days: ${lastCopyMessage(vaultName, soon, now)}` : `in the next ${LOOK_AHEAD_DAYS} days no file deleted from this computer loses its last backup copy`);
    await input.onLookAhead?.(soon);
  }
  // Deleted points (in a dry run: those that would be) keep nothing warm; their packs go to prune.
  const cold = await moveColdPacks({ session, vaultName, plans, now, dryRun: input.dryRun, points: remaining }, ctx);
  const statusMessage = cold.summary ? `${deleted}; ${cold.summary}` : deleted;
  if (cold.error) throw new DeskVaultError(cold.error.code, `${statusMessage}, then moving data packs to cold storage failed: ${cold.error.message}`, cold.error.data, { cause: cold.error });
  return { state: 'COMPLETED', statusMessage };
}
