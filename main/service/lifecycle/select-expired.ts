/**
 * Which recovery points lifecycle deletes, and why each of the others is kept.
 *
 * The rule (AWS Backup's, extended with GFS, legal holds and object lock):
 *   DELETE  ⇔  past deleteAt (time + deleteAfterDays)  AND  no active legal hold matches it
 *             AND  its object lock (if any) has ended  AND  no GFS period of its rule keeps it.
 * So `deleteAfterDays` is the MINIMUM lifetime and GFS only keeps MORE; neither alone deletes
 * anything the other keeps. A point with no `deleteAfterDays` is never deleted by lifecycle, even
 * when its rule has GFS (GFS without deleteAfterDays therefore has no effect — the plan editor
 * should say so): deleting data needs an explicit expiry, as restic's forget refuses an empty policy.
 * Holds and locks are checked at `now`: a lock ending exactly at `now` no longer keeps the point.
 *
 * Pure; the lifecycle job deletes what this returns, through prune, which checks holds again.
 */
import { computeLifecycle, type LifecyclePoint, type LifecycleRule } from './compute-lifecycle.js';
import { gfsKeeps, type GfsPolicy } from './gfs-keeps.js';
import { matchesHold, type LegalHold } from './legal-hold.js';

export interface SelectExpiredOptions {
  now: Date;
  /** The lifecycle of the plan rule (or copy action) that made a point, for points that do not carry their own. */
  lifecycleFor?: (point: LifecyclePoint) => LifecycleRule | undefined;
  /** The GFS policy of a point's plan rule; asked once per (vault, plan, rule) group. */
  gfsFor?: (point: LifecyclePoint) => GfsPolicy | undefined;
  legalHolds?: readonly LegalHold[];
  /** Point id → end of its object lock (the vault's retention lock), ISO 8601 or Date. */
  objectLockUntil?: ReadonlyMap<string, Date | string>;
}

export type KeepReason = 'LEGAL_HOLD' | 'OBJECT_LOCK' | 'GFS' | 'MIN_LIFETIME' | 'NO_EXPIRY';

export interface ExpiryDecision {
  point: LifecyclePoint;
  action: 'KEEP' | 'DELETE';
  /** Sentences for people, e.g. "kept by legal hold 'Audit 2026'", "kept by GFS monthly", "past deleteAfterDays (30 days, since …)". */
  reasons: string[];
  /** The same, as stable codes (empty for DELETE). */
  keptBy: KeepReason[];
  deleteAt?: string;
}

/** One decision per point, in input order. */
export function selectExpired(points: readonly LifecyclePoint[], options: SelectExpiredOptions): ExpiryDecision[] {
  const now = options.now.getTime();
  const holds = options.legalHolds ?? [];
  const gfs = options.gfsFor ? gfsKeeps(points, options.gfsFor) : new Map<string, string[]>();
  return points.map((point) => {
    const rule = point.lifecycle ?? options.lifecycleFor?.(point);
    const { deleteAt } = computeLifecycle(point, rule);
    const reasons: string[] = [];
    const keptBy: KeepReason[] = [];
    const keep = (code: KeepReason, sentence: string): void => {
      if (!keptBy.includes(code)) keptBy.push(code);
      reasons.push(sentence);
    };
    for (const hold of holds) if (matchesHold(point, hold)) keep('LEGAL_HOLD', `kept by legal hold '${hold.title}'`);
    const lock = options.objectLockUntil?.get(point.id);
    if (lock !== undefined && new Date(lock).getTime() > now) keep('OBJECT_LOCK', `locked until ${new Date(lock).toISOString()}`);
    for (const period of gfs.get(point.id) ?? []) keep('GFS', `kept by GFS ${period}`);
    if (deleteAt === undefined) keep('NO_EXPIRY', 'no deleteAfterDays: kept until deleted by hand');
    else if (new Date(deleteAt).getTime() > now) keep('MIN_LIFETIME', `within deleteAfterDays (${rule!.deleteAfterDays} days) until ${deleteAt}`);
    if (keptBy.length > 0) return { point, action: 'KEEP', reasons, keptBy, ...(deleteAt && { deleteAt }) };
    return { point, action: 'DELETE', reasons: [`past deleteAfterDays (${rule!.deleteAfterDays} days, since ${deleteAt})`], keptBy, deleteAt };
  });
}
