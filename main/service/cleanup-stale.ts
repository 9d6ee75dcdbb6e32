/**
 * "Clean-up has not run for a week": Kopia users found their bucket 5× larger because garbage
 * collection had silently stopped (../shared/USERS.md #14). Here lifecycle + prune run daily per
 * vault as PRUNE jobs (protection.ts); when every one of them has failed for STALE_DAYS, status
 * says so once per vault, with the last reason — expired points and unused data stay, and the vault
 * grows. Computed from the job history (jobs.json keeps the last 500 jobs, so the streak's first
 * failure known is a lower bound of how long it has lasted: never an over-statement).
 */
import type { Job } from '../core/model.js';

export const STALE_DAYS = 7;
const DAY_MS = 86_400_000;

/** `jobs` newest first (as JobRunner.history gives them). */
export function staleCleanupWarnings(jobs: readonly Readonly<Job>[], now: Date): string[] {
  const streaks = new Map<string, { newest: Readonly<Job>; oldest: Readonly<Job> }>();
  const settled = new Set<string>();
  for (const j of jobs) {
    if (j.kind !== 'PRUNE' || j.endedAt === null || settled.has(j.vaultName)) continue;
    if (j.state === 'COMPLETED') {
      settled.add(j.vaultName);
      continue;
    }
    if (j.state !== 'FAILED') continue;
    const s = streaks.get(j.vaultName);
    if (s) s.oldest = j;
    else streaks.set(j.vaultName, { newest: j, oldest: j });
  }
  const out: string[] = [];
  for (const [vault, { newest, oldest }] of streaks) {
    const days = Math.floor((now.getTime() - Date.parse(oldest.endedAt!)) / DAY_MS);
    if (days < STALE_DAYS) continue;
    const why = newest.error?.message ?? newest.statusMessage ?? 'unknown error';
    out.push(`Clean-up of vault "${vault}" (lifecycle and prune) has failed for ${days} days: expired recovery points and data no point needs stay, and the vault keeps growing. Last error: ${why}`);
  }
  return out;
}
