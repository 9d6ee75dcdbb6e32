/**
 * A job's answer (jobs.get) and its events race on separate connections: an answer taken while the
 * job ran can arrive after the event that says it ended. The page must keep the ended job (this
 * race left a restore shown as "Running" forever in the browser test).
 */
import { describe, expect, it } from 'vitest';
import type { Job, JobState } from '../../../main/core/model.js';
import { fresherJob, mergeJobList } from '../../../renderer/src/screens/jobs/fresher-job.js';

function job(id: string, state: JobState, bytesDone = 0, filesDone = 0): Job {
  return {
    id,
    kind: 'RESTORE',
    state,
    statusMessage: null,
    vaultName: 'local',
    planName: null,
    ruleName: null,
    trigger: 'manual',
    createdAt: '2026-11-26T12:00:00.000Z',
    startedAt: '2026-11-26T12:00:00.000Z',
    endedAt: null,
    counters: { bytesDone, bytesTotal: 100, filesDone, filesTotal: 1, throughput: 0, etaSeconds: null, currentFile: null },
    recoveryPointId: null,
    log: [],
    skipped: [],
    error: null,
  };
}

describe('fresherJob', () => {
  it('keeps an ended job when an older running copy arrives after it', () => {
    const done = job('a', 'COMPLETED', 100, 1);
    expect(fresherJob(done, job('a', 'RUNNING', 100, 0))).toBe(done);
    const failed = job('a', 'FAILED', 10, 0);
    expect(fresherJob(failed, job('a', 'PENDING'))).toBe(failed);
  });

  it('moves forward through the states and, in one state, to more progress only', () => {
    const running = job('a', 'RUNNING', 50, 0);
    expect(fresherJob(job('a', 'PENDING'), running)).toBe(running);
    const done = job('a', 'COMPLETED', 100, 1);
    expect(fresherJob(running, done)).toBe(done);
    expect(fresherJob(running, job('a', 'RUNNING', 20, 0))).toBe(running);
    const further = job('a', 'RUNNING', 60, 0);
    expect(fresherJob(running, further)).toBe(further);
  });

  it('takes the incoming copy of another job, or when nothing is known', () => {
    const b = job('b', 'RUNNING');
    expect(fresherJob(job('a', 'COMPLETED'), b)).toBe(b);
    expect(fresherJob(undefined, b)).toBe(b);
  });
});

describe('mergeJobList', () => {
  it('keeps the loaded order and contents, but not a job going back to running', () => {
    const doneA = job('a', 'COMPLETED', 100, 1);
    const merged = mergeJobList([doneA], [job('b', 'RUNNING'), job('a', 'RUNNING', 40, 0)]);
    expect(merged.map((j) => [j.id, j.state])).toEqual([
      ['b', 'RUNNING'],
      ['a', 'COMPLETED'],
    ]);
    expect(mergeJobList(undefined, [job('c', 'CREATED')]).map((j) => j.id)).toEqual(['c']);
  });
});
