/**
 * A recovery point's lifecycle dates, as AWS Backup calculates them: counted in whole days of 24 h
 * from the point's creation time, fixed when the point is made (the rule's lifecycle is copied onto
 * the point, so editing a plan later does not move existing points' dates).
 *
 * - `deleteAt = time + deleteAfterDays`: the point's MINIMUM lifetime; at or after it the point is
 *   deleted unless a GFS rule, a legal hold or an object lock keeps it (select-expired.ts).
 *   No `deleteAfterDays`: the point is kept until someone deletes it.
 * - `moveToColdStorageAt = time + moveToColdStorageAfterDays`, only where the vault has a cold class.
 *   Cold storage applies to packs, not points: from this date the point no longer keeps its packs
 *   warm (select-cold-packs.ts).
 */
import { DeskVaultError } from '../../core/errors.js';

/**
 * A plan rule's (or copy action's) lifecycle. Both optional; whole days. Validated at the boundary
 * (main/core's Lifecycle schema: at least 1 day, deleteAfterDays ≥ moveToColdStorageAfterDays + 90,
 * AWS Backup's rule), so it is trusted here.
 */
export interface LifecycleRule {
  deleteAfterDays?: number;
  moveToColdStorageAfterDays?: number;
}

/** What lifecycle needs of a recovery point (the catalog's record carries more). */
export interface LifecyclePoint {
  id: string;
  /** Creation time, ISO 8601. */
  time: string;
  vaultName: string;
  /** Absent for on-demand backups. */
  planName?: string;
  /** The plan rule (or copy action) that made the point: the GFS group. */
  ruleId?: string;
  /** COMPLETED, PARTIAL, … Only COMPLETED points (or points without a status) fill GFS slots. */
  status?: string;
  /** The lifecycle recorded on the point when it was made; wins over the plan's current rule. */
  lifecycle?: LifecycleRule;
}

export interface LifecycleDates {
  moveToColdStorageAt?: string;
  deleteAt?: string;
}

const DAY_MS = 86_400_000;

export function computeLifecycle(point: Pick<LifecyclePoint, 'time'>, rule: LifecycleRule | undefined, options: { coldStorageSupported?: boolean } = {}): LifecycleDates {
  const created = new Date(point.time).getTime();
  if (Number.isNaN(created)) throw new DeskVaultError('INVALID_INPUT', `recovery point time "${point.time}" is not a date`, { time: point.time });
  const out: LifecycleDates = {};
  if (rule?.moveToColdStorageAfterDays !== undefined && options.coldStorageSupported !== false) {
    out.moveToColdStorageAt = new Date(created + rule.moveToColdStorageAfterDays * DAY_MS).toISOString();
  }
  if (rule?.deleteAfterDays !== undefined) out.deleteAt = new Date(created + rule.deleteAfterDays * DAY_MS).toISOString();
  return out;
}
