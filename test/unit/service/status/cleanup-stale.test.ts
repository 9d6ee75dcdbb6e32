/** Clean-up (lifecycle + prune) failing for a week is said once per vault, with the last reason. */
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../../main/core/model.js';
import { staleCleanupWarnings } from '../../../../main/service/cleanup-stale.js';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const daysAgo = (d: number): string => new Date(NOW.getTime() - d * 86_400_000).toISOString();

function job(kind: Job['kind'], vaultName: string, state: Job['state'], endedDaysAgo: number, error?: string): Job {
  return {
    id: `${kind}-${vaultName}-${endedDaysAgo}`,
    kind,
    state,
    statusMessage: null,
    vaultName,
    planName: null,
    ruleName: null,
    trigger: 'schedule',
    createdAt: daysAgo(endedDaysAgo),
    startedAt: daysAgo(endedDaysAgo),
    endedAt: daysAgo(endedDaysAgo),
    counters: { bytesDone: 0, bytesTotal: null, filesDone: 0, filesTotal: null, throughput: 0, etaSeconds: null, currentFile: null },
    recoveryPointId: null,
    log: [],
    skipped: [],
    error: error ? { code: 'ACCESS_DENIED', message: error } : null,
  } as Job;
}

describe('staleCleanupWarnings', () => {
  it('warns when every clean-up of a vault has failed for 7 days, naming the newest error', () => {
    const jobs = [
      job('BACKUP', 'cloud', 'COMPLETED', 0),
      job('PRUNE', 'cloud', 'FAILED', 1, 'access denied: the AWS credentials in use lack s3:DeleteObject on s3://b/p'),
      job('PRUNE', 'cloud', 'FAILED', 4, 'older error'),
      job('PRUNE', 'cloud', 'FAILED', 8, 'oldest error'),
      job('PRUNE', 'cloud', 'COMPLETED', 9),
    ];
    expect(staleCleanupWarnings(jobs, NOW)).toEqual([
      'Clean-up of vault "cloud" (lifecycle and prune) has failed for 8 days: expired recovery points and data no point needs stay, and the vault keeps growing. Last error: access denied: the AWS credentials in use lack s3:DeleteObject on s3://b/p',
    ]);
  });

  it('says nothing under 7 days, after a success, or for another vault that succeeds', () => {
    expect(staleCleanupWarnings([job('PRUNE', 'a', 'FAILED', 6, 'x')], NOW)).toEqual([]);
    expect(staleCleanupWarnings([job('PRUNE', 'a', 'COMPLETED', 0), job('PRUNE', 'a', 'FAILED', 20, 'x')], NOW)).toEqual([]);
    const mixed = staleCleanupWarnings([job('PRUNE', 'a', 'COMPLETED', 1), job('PRUNE', 'b', 'FAILED', 10, 'denied'), job('PRUNE', 'a', 'FAILED', 30, 'x')], NOW);
    expect(mixed).toHaveLength(1);
    expect(mixed[0]).toMatch(/^Clean-up of vault "b" .* for 10 days: .*Last error: denied$/);
  });

  it('ignores jobs still running and jobs that were cancelled', () => {
    const running = { ...job('PRUNE', 'a', 'RUNNING', 0), endedAt: null };
    expect(staleCleanupWarnings([running, job('PRUNE', 'a', 'ABORTED', 2), job('PRUNE', 'a', 'FAILED', 12, 'x')], NOW)).toHaveLength(1);
  });
});
