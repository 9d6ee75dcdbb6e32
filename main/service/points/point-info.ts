/**
 * Recovery points as the API shows them: the engine's manifest plus what the service knows —
 * which plan made it (the `plan:` tag), its lifecycle dates from the plan rule that targets its
 * vault, and the legal holds that keep it.
 */
import type { LegalHold, Plan, RecoveryPointInfo } from '../../core/model.js';
import type { RecoveryPoint } from '../vault-service.js';

const DAY_MS = 86_400_000;

export function planNameOf(point: Pick<RecoveryPoint, 'tags'>, plans: Plan[]): string | null {
  for (const p of plans) if (point.tags.includes(`plan:${p.name.replace(/[\s,]/g, '_')}`)) return p.name;
  const tag = point.tags.find((t) => t.startsWith('plan:'));
  return tag ? tag.slice(5) : null;
}

export function holdCovers(hold: LegalHold, vaultName: string, planName: string | null, time: string): boolean {
  if (hold.releasedAt) return false;
  if (hold.vaultNames && !hold.vaultNames.includes(vaultName)) return false;
  if (hold.planNames && (!planName || !hold.planNames.includes(planName))) return false;
  if (hold.from && time < hold.from) return false;
  if (hold.to && time > hold.to) return false;
  return true;
}

export function toPointInfo(p: RecoveryPoint, vaultName: string, plans: Plan[], holds: LegalHold[]): RecoveryPointInfo {
  const planName = planNameOf(p, plans);
  const rule = plans.find((x) => x.name === planName)?.rules.find((r) => r.targetVault === vaultName);
  const at = Date.parse(p.time);
  const days = (n: number | undefined): string | null => (n === undefined ? null : new Date(at + n * DAY_MS).toISOString());
  return {
    id: p.id,
    vaultName,
    time: p.time,
    status: p.status,
    paths: p.paths,
    tags: p.tags,
    planName,
    host: p.host,
    files: p.stats.files,
    bytes: p.stats.bytes,
    storedBytes: p.stats.storedBytes,
    errors: p.errors.length,
    moveToColdStorageAt: days(rule?.lifecycle.moveToColdStorageAfterDays),
    deleteAt: days(rule?.lifecycle.deleteAfterDays),
    heldBy: holds.filter((h) => holdCovers(h, vaultName, planName, p.time)).map((h) => h.title),
  };
}
