/**
 * Recovery points as the API shows them: the engine's manifest plus what the service knows —
 * which plan made it (the `plan:` tag), its lifecycle dates from the plan rule that targets its
 * vault, and the legal holds that keep it. `moveToColdStorageAt` is shown only where the vault has
 * a cold storage class (S3): a folder has none, so no point in it ever goes cold.
 */
import type { LegalHold, Plan, RecoveryPointInfo } from '../../core/model.js';
import { COMPLETION_WINDOW, planTag } from '../backups/backup-job.js';
import { computeLifecycle, matchesHold, type GfsPolicy, type LegalHold as LifecycleHold, type LifecycleRule } from '../lifecycle/index.js';
import type { RecoveryPoint } from '../vault-service.js';

export function planNameOf(point: Pick<RecoveryPoint, 'tags'>, plans: Plan[]): string | null {
  for (const p of plans) if (point.tags.includes(planTag(p.name))) return p.name;
  const tag = point.tags.find((t) => t.startsWith('plan:'));
  return tag ? tag.slice(5) : null;
}

/**
 * The lifecycle and GFS retention that apply to a plan's points in `vault`: those of the rule that
 * backs up to it, or of the copy action that copies there (its own lifecycle, else the rule's).
 */
export function rulesFor(plan: Plan | undefined, vault: string): { lifecycle?: LifecycleRule; gfs?: GfsPolicy } {
  if (!plan) return {};
  for (const r of plan.rules) {
    if (r.targetVault === vault) return { lifecycle: r.lifecycle, gfs: Object.values(r.retention).some((n) => (n ?? 0) > 0) ? r.retention : undefined };
    const copy = r.copyActions.find((c) => c.targetVault === vault);
    if (copy) return { lifecycle: copy.lifecycle ?? r.lifecycle };
  }
  return {};
}

/** The service's hold record in the shape lifecycle/ decides with (one matching rule for both). */
export function toLifecycleHold(h: LegalHold): LifecycleHold {
  return { id: h.id, title: h.title, description: h.description, createdAt: h.createdAt, releasedAt: h.releasedAt, selection: { planNames: h.planNames, vaultNames: h.vaultNames, from: h.from, to: h.to } };
}

/** `coldStorageSupported`: whether the vault's store has a cold class (no cold date is shown otherwise). */
export function toPointInfo(p: RecoveryPoint, vaultName: string, plans: Plan[], holds: LegalHold[], opts: { coldStorageSupported: boolean }): RecoveryPointInfo {
  const planName = planNameOf(p, plans);
  const dates = computeLifecycle(p, rulesFor(plans.find((x) => x.name === planName), vaultName).lifecycle, opts);
  return {
    id: p.id,
    vaultName,
    time: p.time,
    status: p.status,
    partialReason: partialReason(p),
    paths: p.paths,
    tags: p.tags,
    planName,
    host: p.host,
    files: p.stats.files,
    bytes: p.stats.bytes,
    storedBytes: p.stats.storedBytes,
    errors: p.errors.length,
    moveToColdStorageAt: dates.moveToColdStorageAt ?? null,
    deleteAt: dates.deleteAt ?? null,
    heldBy: holds.filter((h) => matchesHold({ time: p.time, vaultName, planName: planName ?? undefined }, toLifecycleHold(h))).map((h) => h.title),
  };
}

const STOPS: Record<string, string> = {
  [COMPLETION_WINDOW]: "the plan's completion window closed",
};

/**
 * Why a point is PARTIAL, for a person: the backup stopped before the end (the manifest's
 * `incomplete`: what stopped it and the first path left out), and/or files could not be read.
 */
export function partialReason(p: Pick<RecoveryPoint, 'status' | 'incomplete' | 'errors'>): string | null {
  if (p.status !== 'PARTIAL') return null;
  const parts: string[] = [];
  if (p.incomplete) {
    const why = STOPS[p.incomplete.reason] ?? 'the backup was stopped';
    parts.push(`${why} before ${p.incomplete.stoppedAt}: it and what follows it are not in this point, and the next backup takes them`);
  }
  if (p.errors.length > 0) {
    const first = p.errors[0];
    const n = p.errors.length;
    parts.push(`${n} ${n === 1 ? 'item' : 'items'} could not be read (first: ${first.path}: ${first.message})`);
  }
  return parts.length > 0 ? parts.join('; ') : 'the backup did not finish every item';
}
