/**
 * The service's reaction when a backup's point looks like a mass change (backups/mass-change.ts:
 * ransomware, or a tool gone wrong): protect the history instead of letting retention delete the
 * good points one by one while the damaged state is backed up again and again.
 *
 *  - a legal hold "Mass change detected in <plan> on <date>" on the plan's points in that vault
 *    up to the parent point's time — the last good points; the suspicious point itself is not held.
 *    Lifecycle and prune never delete a held point; the hold stands until a person releases it.
 *    It is created through the API as source `service`, so the audit trail records it;
 *  - the job's status message says so (the backup itself succeeded: COMPLETED "with issues"),
 *    which turns the folder's state to ATTENTION until the next clean backup;
 *  - a status warning for as long as the hold stands (`massChangeWarnings`);
 *  - one MASS_CHANGE_DETECTED notification (desktop, SNS, webhook).
 *
 * Once per point: a hold whose description names the point means it was done already. Backups
 * have no dry run; a lifecycle dry run never backs up, so nothing here runs in one.
 *
 * Spread over several points (`guardAgainstSpreadMassChange`): a continuous plan makes a point at least every
 * minute while changes keep coming, so an encryption running for ten minutes may change a few
 * percent in each point and never cross the share in one. So the same rule is also applied to
 * the last SPREAD_WINDOW_MS as a whole: from the plan's newest point older than the window (the
 * base) to the new point, by the catalog's diff of the two — distinct paths, so a file saved a
 * hundred times counts once — with the new data of every point in between. It runs only when the
 * points' own counts could reach the threshold, and once per episode: not while a mass-change
 * hold of the plan already holds the base.
 */
import type { LegalHold, Plan } from '../core/model.js';
import { detectMassChange, massChangeSummary, massChangeThreshold } from './backups/mass-change.js';
import type { PointDiff } from '../core/api.js';
import type { DeskVaultService } from './service.js';
import type { BackupResult, RecoveryPoint } from './vault-service.js';

/** Titles of the holds this module places start with it (and status warns while one stands). */
export const MASS_CHANGE_HOLD_TITLE = 'Mass change detected in ';

export interface MassChangeCheck {
  plan: Plan;
  vaultName: string;
  jobId: string;
  result: { point: BackupResult['point']; scan: Pick<BackupResult['scan'], 'bytesRead'> };
  /** The new point's parent, or null (a first backup: never judged). */
  parent: RecoveryPoint | null;
}

/**
 * Judges a backup's new point and reacts to a mass change. Returns the issue for the job's status
 * message, or null when nothing was found (or it was handled before).
 */
export async function guardAgainstMassChange(svc: DeskVaultService, c: MassChangeCheck): Promise<string | null> {
  const { point, scan } = c.result;
  const found = detectMassChange({ point: point.stats, parent: c.parent?.stats ?? null, bytesRead: scan.bytesRead });
  if (!found || !c.parent) return null;
  if ((await svc.holds.list()).some((h) => h.description?.includes(point.id))) return null;
  const summary = massChangeSummary(found);
  const hold = await svc.call(
    'holds.create',
    {
      title: `${MASS_CHANGE_HOLD_TITLE}${c.plan.name} on ${svc.now().toISOString().slice(0, 10)}`,
      description: `${summary} in recovery point ${point.id} (backup job ${c.jobId}). Holds the plan's points up to the one before it, the last good ones, so that retention and lifecycle keep them. Check the files, restore them from one of these points if they were damaged, then release this hold.`,
      planNames: [c.plan.name],
      vaultNames: [c.vaultName],
      to: c.parent.time,
    },
    'service',
  );
  const message = `Mass change in "${c.plan.name}": ${summary}. Its recovery points up to ${timeText(c.parent.time)} are on legal hold ${hold.id} until you release it; check the files and restore them from one of those points if they were damaged.`;
  svc.notifications.massChangeDetected({
    vault: c.vaultName,
    plan: c.plan.name,
    jobId: c.jobId,
    pointId: point.id,
    message,
    changedFiles: found.changedFiles,
    files: found.ofFiles,
    incompressible: found.incompressible,
    holdId: hold.id,
    heldUpTo: c.parent.time,
  });
  return `${summary}; the earlier points are on legal hold ${hold.id} until you release it`;
}

/** A status warning per standing mass-change hold: it stays until the person releases the hold. */
export function massChangeWarnings(activeHolds: readonly LegalHold[]): string[] {
  return activeHolds
    .filter((h) => !h.releasedAt && h.title.startsWith(MASS_CHANGE_HOLD_TITLE))
    .map((h) => {
      const plan = h.planNames?.length === 1 ? ` of plan "${h.planNames[0]}"` : '';
      const vault = h.vaultNames?.length === 1 ? ` in vault "${h.vaultNames[0]}"` : '';
      const upTo = h.to ? ` up to ${timeText(h.to)}` : '';
      return `${h.title}: the recovery points${plan}${vault}${upTo} are on legal hold ${h.id} and are not deleted until you release it; check the files, restore them from one of those points if they were damaged, then release the hold.`;
    });
}

/** `2026-03-03 14:05 UTC`. */
function timeText(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** How far back a mass change spread over several points is looked for. */
export const SPREAD_WINDOW_MS = 60 * 60_000;

export interface SpreadCheck {
  plan: Plan;
  vaultName: string;
  jobId: string;
  /** The new point. */
  point: RecoveryPoint;
  /** The plan's points in the vault, the new one included (any order). */
  planPoints: readonly RecoveryPoint[];
  /** The catalog's diff of two points of the vault (distinct paths added, removed, changed). */
  diff: (from: string, to: string) => Promise<PointDiff>;
}

/**
 * A mass change over the last SPREAD_WINDOW_MS of a plan's points (see the module comment), as
 * guardAgainstMassChange reacts to one point's: a hold up to the base, the job's issue text.
 */
export async function guardAgainstSpreadMassChange(svc: DeskVaultService, c: SpreadCheck): Promise<string | null> {
  const newAt = Date.parse(c.point.time);
  const older = c.planPoints.filter((p) => p.id !== c.point.id && Date.parse(p.time) <= newAt).sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  if (older.length < 2) return null; // one point before: the per-point rule has judged it already
  const base = [...older].reverse().find((p) => Date.parse(p.time) <= newAt - SPREAD_WINDOW_MS) ?? older[0];
  const between = [...older.filter((p) => Date.parse(p.time) > Date.parse(base.time)), c.point];
  if (between.length < 2) return null; // the base is the parent: the per-point rule covers it
  // The points' own counts bound the distinct changes from above (a file changed twice counts twice).
  const upperBound = between.reduce((n, p) => n + p.stats.changedFiles + p.stats.newFiles, 0);
  if (upperBound < massChangeThreshold(base.stats.files)) return null;
  const held = (await svc.holds.list()).some((h) => !h.releasedAt && h.title.startsWith(MASS_CHANGE_HOLD_TITLE) && h.planNames?.includes(c.plan.name) && h.vaultNames?.includes(c.vaultName) && !!h.to && Date.parse(h.to) >= Date.parse(base.time));
  if (held) return null;
  const d = await c.diff(base.id, c.point.id);
  const sum = (k: 'newChunks' | 'storedBytes'): number => between.reduce((n, p) => n + p.stats[k], 0);
  const window = { ...c.point, stats: { ...c.point.stats, newFiles: d.added.length, changedFiles: d.changed.length, newChunks: sum('newChunks'), storedBytes: sum('storedBytes') } };
  return guardAgainstMassChange(svc, { plan: c.plan, vaultName: c.vaultName, jobId: c.jobId, result: { point: window, scan: { bytesRead: 0 } }, parent: base });
}
