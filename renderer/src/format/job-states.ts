/**
 * Jobs in words: the states in which a job has ended, and a job's title. main/core/model.ts has
 * the same list of states as a value, but the renderer takes only types from core (a value import
 * would bundle zod, whose eval probe the CSP refuses); `satisfies` keeps this copy in step.
 */
import type { Job, JobState } from '../../../main/core/model.js';

export const FINAL_STATES: readonly JobState[] = ['ABORTED', 'COMPLETED', 'FAILED', 'EXPIRED', 'PARTIAL'] satisfies JobState[];

export function isFinal(state: JobState): boolean {
  return FINAL_STATES.includes(state);
}

/** "Backup of Documents", "Restore test from local": what a job is, in words. */
export function jobTitle(j: Pick<Job, 'kind' | 'planName' | 'vaultName'>): string {
  const what = j.kind === 'BACKUP' ? 'Backup' : j.kind === 'RESTORE' ? 'Restore' : j.kind.charAt(0) + j.kind.slice(1).toLowerCase().replace('_', ' ');
  return `${what} ${j.planName ? `of ${j.planName}` : `from ${j.vaultName}`}`;
}
