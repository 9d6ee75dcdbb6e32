/**
 * Which data packs may move to the vault's cold storage class, and why each other pack stays warm.
 * Cold storage applies to packs, not points, because packs are shared by deduplication: a pack
 * moves only when EVERY point that references it is past its own `moveToColdStorageAt`
 * (computeLifecycle: point time + its rule's moveToColdStorageAfterDays). Conservative on missing
 * data: a point without a cold date (its rule has no moveToColdStorageAfterDays, or it is unknown)
 * keeps its packs warm, and a pack that no point references is left to prune, not moved.
 *
 * The input names, per pack, the points that reference it. The lifecycle job passes one point per
 * pack — the one that keeps it warm longest (coldOrder + the engine's dataPackHolders) — which
 * decides the same as the full list at the cost of one walk of the folder listings.
 */
export interface ColdPackDecision {
  packId: string;
  action: 'MOVE' | 'KEEP_WARM';
  /** The referencing point that decided: the one that keeps the pack warm longest. */
  pointId: string;
  /** Its cold date (ISO 8601), or null if it has none. */
  coldAt: string | null;
  /** For people, e.g. "every point using it is past its cold-storage date (the last on …)". */
  reason: string;
}

/**
 * One decision per referenced pack, in input order. `coldAt`: point id → its moveToColdStorageAt
 * (ISO 8601 or Date); a point missing from it, or mapped to null, has no cold date.
 */
export function selectColdPacks(
  packs: ReadonlyMap<string, readonly string[]>,
  coldAt: ReadonlyMap<string, Date | string | null>,
  now: Date,
): ColdPackDecision[] {
  const out: ColdPackDecision[] = [];
  for (const [packId, pointIds] of packs) {
    if (pointIds.length === 0) continue;
    const [pointId, at] = latest(pointIds, coldAt);
    const id8 = pointId.slice(0, 8);
    if (at === null) {
      out.push({ packId, action: 'KEEP_WARM', pointId, coldAt: null, reason: `point ${id8} uses it and its rule has no moveToColdStorageAfterDays` });
    } else if (at.getTime() > now.getTime()) {
      out.push({ packId, action: 'KEEP_WARM', pointId, coldAt: at.toISOString(), reason: `point ${id8} uses it until it goes cold on ${at.toISOString()}` });
    } else {
      out.push({ packId, action: 'MOVE', pointId, coldAt: at.toISOString(), reason: `every point using it is past its cold-storage date (the last, point ${id8}, since ${at.toISOString()})` });
    }
  }
  return out;
}

/**
 * The points in the order that keeps packs warm longest first: points without a cold date, then
 * by cold date, latest first (ties by id, so the order is stable). With this order the first point
 * that reaches a pack is the one that decides it.
 */
export function coldOrder<P extends { id: string }>(points: readonly P[], coldAt: ReadonlyMap<string, Date | string | null>): P[] {
  const t = (p: P): number => {
    const at = coldAt.get(p.id);
    return at === undefined || at === null ? Infinity : new Date(at).getTime();
  };
  return [...points].sort((a, b) => t(b) - t(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The referencing point with the latest cold date (a point without one wins at once). */
function latest(pointIds: readonly string[], coldAt: ReadonlyMap<string, Date | string | null>): [string, Date | null] {
  let best: [string, Date] | null = null;
  for (const id of pointIds) {
    const at = coldAt.get(id);
    if (at === undefined || at === null) return [id, null];
    const d = new Date(at);
    if (!best || d.getTime() > best[1].getTime()) best = [id, d];
  }
  return best!;
}
