/**
 * Which data packs may move to the vault's cold storage class. Cold storage applies to packs, not
 * points, because packs are shared by deduplication: a pack moves only when EVERY point that
 * references it is at least `thresholdDays` old (the same instant computeLifecycle names
 * `moveToColdStorageAt`). Conservative on missing data: a pack that no point references is left to
 * prune, not moved, and a referencing point whose time is unknown keeps the pack warm.
 */
const DAY_MS = 86_400_000;

export function selectColdPacks(
  packs: ReadonlyMap<string, readonly string[]>,
  pointTimes: ReadonlyMap<string, Date | string>,
  thresholdDays: number,
  now: Date,
): string[] {
  const cutoff = now.getTime() - thresholdDays * DAY_MS;
  const out: string[] = [];
  for (const [packId, pointIds] of packs) {
    if (pointIds.length === 0) continue;
    const allOld = pointIds.every((id) => {
      const t = pointTimes.get(id);
      return t !== undefined && new Date(t).getTime() <= cutoff;
    });
    if (allOld) out.push(packId);
  }
  return out;
}
