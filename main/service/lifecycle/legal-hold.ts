/**
 * Legal holds: a named selection of recovery points that lifecycle and prune never delete while the
 * hold is active. A hold is active until `releasedAt` is set; releasing is final (create a new hold
 * to hold again), so a released hold matches nothing.
 *
 * Selection (all given criteria must match; an omitted criterion matches everything, so an empty
 * selection holds every point):
 * - `planNames`: the point's plan is one of these (on-demand points, which have no plan, never match);
 * - `vaultNames`: the point is in one of these vaults;
 * - `from` / `to`: the point's creation time is within [from, to], both inclusive (ISO 8601).
 */
import type { LifecyclePoint } from './compute-lifecycle.js';

export interface LegalHold {
  id: string;
  title: string;
  description?: string;
  /** ISO 8601. */
  createdAt: string;
  selection: {
    planNames?: string[];
    vaultNames?: string[];
    from?: string;
    to?: string;
  };
  /** ISO 8601; set once, when the hold is released. */
  releasedAt?: string;
}

export function matchesHold(point: Pick<LifecyclePoint, 'time' | 'vaultName' | 'planName'>, hold: LegalHold): boolean {
  if (hold.releasedAt !== undefined) return false;
  const { planNames, vaultNames, from, to } = hold.selection;
  if (planNames && (point.planName === undefined || !planNames.includes(point.planName))) return false;
  if (vaultNames && !vaultNames.includes(point.vaultName)) return false;
  const t = new Date(point.time).getTime();
  if (from !== undefined && t < new Date(from).getTime()) return false;
  if (to !== undefined && t > new Date(to).getTime()) return false;
  return true;
}
