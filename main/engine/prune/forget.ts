/**
 * `forget`: removes the recovery points a retention policy does not keep. In a vault with Object
 * Lock, a point is undeletable until its `lock.until`: if the policy would remove such a point,
 * nothing is removed and OBJECT_LOCKED says until when (a dry run shows it per point instead). The
 * check is DeskVault's own, made before asking S3 — on S3 with Object Lock a plain DELETE of a
 * locked object succeeds (it only adds a delete marker), so S3 would not refuse it.
 */
import { DeskVaultError } from '../../core/errors.js';
import type { RecoveryPoint } from '../repo/point.js';
import type { Vault } from '../repo/vault.js';
import { applyRetention, type RetentionDecision, type RetentionPolicy } from './retention.js';

export interface ForgetOptions {
  dryRun?: boolean;
  now?: () => number;
}

/** Until when (ms) a point is locked; 0 if it is not (or no longer). */
export function pointLockedUntil(point: RecoveryPoint, now: number): number {
  const until = point.lock ? Date.parse(point.lock.until) : NaN;
  return Number.isFinite(until) && until > now ? until : 0;
}

export async function forget(vault: Vault, policy: RetentionPolicy, opts: ForgetOptions = {}): Promise<RetentionDecision[]> {
  const now = (opts.now ?? Date.now)();
  const decisions = applyRetention(await vault.listPoints(), policy);
  for (const d of decisions) {
    const until = pointLockedUntil(d.point, now);
    if (until) d.lockedUntil = new Date(until).toISOString();
  }
  const blocked = decisions.filter((d) => !d.keep && d.lockedUntil);
  if (opts.dryRun) return decisions;
  if (blocked.length > 0) {
    const dates = blocked.map((d) => d.lockedUntil!).sort();
    const days = vault.config.objectLock?.days ?? 0;
    throw new DeskVaultError(
      'OBJECT_LOCKED',
      `${blocked.length} of the point(s) this policy would remove ${blocked.length > 1 ? 'are' : 'is'} under Object Lock until ${dates[dates.length - 1]}${blocked.length > 1 ? ` (the first lock ends ${dates[0]})` : ''}; nothing was removed. This vault keeps every point for ${days} day(s): add --keep-within ${days}d to the policy, or forget them after that date`,
      { points: blocked.map((d) => d.point.id), lockedUntil: dates[dates.length - 1], firstUnlock: dates[0], lockDays: days },
    );
  }
  for (const d of decisions) if (!d.keep) await vault.store.delete(`points/${d.point.id}`);
  return decisions;
}
