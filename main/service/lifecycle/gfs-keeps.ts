/**
 * Grandfather-father-son retention for plan rules, computed by the engine's `applyRetention`
 * (restic's semantics: per group, newest first, each keep-N rule keeps the newest point of each of
 * its N most recent periods that have points; periods in the process's local time zone).
 *
 * A group is one plan rule's points in one vault (vault, plan, rule): a copy in another vault and
 * another rule's points never take each other's slots. Only COMPLETED points (or points without a
 * status) fill slots, so a PARTIAL point never displaces a complete one from its day.
 * GFS only ever KEEPS (see select-expired.ts for how it combines with deleteAfterDays).
 */
import { applyRetention, type RecoveryPoint, type RetentionPolicy } from '../../engine/index.js';
import type { LifecyclePoint } from './compute-lifecycle.js';

/** A plan rule's GFS retention: how many hourly/daily/weekly/monthly/yearly points (and newest points) to keep. */
export interface GfsPolicy {
  keepLast?: number;
  keepHourly?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
}

/** Point id → the GFS rules keeping it ("last", "daily", "monthly", …); points kept by none are absent. */
export function gfsKeeps(points: readonly LifecyclePoint[], policyFor: (point: LifecyclePoint) => GfsPolicy | undefined): Map<string, string[]> {
  const groups = new Map<string, LifecyclePoint[]>();
  for (const p of points) {
    if (p.status !== undefined && p.status !== 'COMPLETED') continue;
    const key = `${p.vaultName}\0${p.planName ?? ''}\0${p.ruleId ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(p);
  }
  const kept = new Map<string, string[]>();
  for (const [key, group] of groups) {
    const policy = toRetentionPolicy(policyFor(group[0]));
    if (!policy) continue;
    for (const d of applyRetention(group.map((p) => asRecoveryPoint(p, key)), policy)) {
      if (d.keep) kept.set(d.point.id, d.reasons);
    }
  }
  return kept;
}

/** undefined when the policy keeps nothing (applyRetention refuses an empty policy, and rightly). */
function toRetentionPolicy(gfs: GfsPolicy | undefined): RetentionPolicy | undefined {
  if (!gfs) return undefined;
  const policy: RetentionPolicy = { last: gfs.keepLast, hourly: gfs.keepHourly, daily: gfs.keepDaily, weekly: gfs.keepWeekly, monthly: gfs.keepMonthly, yearly: gfs.keepYearly };
  return Object.values(policy).some((n) => (n ?? 0) > 0) ? policy : undefined;
}

/** applyRetention groups by host and paths: the group key goes in `host`; only id and time matter otherwise. */
function asRecoveryPoint(p: LifecyclePoint, group: string): RecoveryPoint {
  return {
    version: 1,
    id: p.id,
    time: new Date(p.time).toISOString(),
    host: group,
    user: '',
    paths: [],
    tags: [],
    tree: '',
    parent: null,
    status: 'COMPLETED',
    stats: { files: 0, dirs: 0, bytes: 0, newFiles: 0, changedFiles: 0, unchangedFiles: 0, chunks: 0, newChunks: 0, storedBytes: 0, durationMs: 0 },
    errors: [],
  };
}
