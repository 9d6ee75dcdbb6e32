/**
 * Which of two copies of one job to show. A job reaches the page twice over: as the answer to
 * jobs.get/jobs.list and as `job` events, on separate connections, so an answer taken while the
 * job ran can arrive after the event saying it ended. A copy never moves the job backwards: not
 * to an earlier state (an ended job stays ended) and, in the same state, not to less progress.
 */
import type { Job, JobState } from '../../../../main/core/model.js';
import { isFinal } from '../../format/job-states.js';

function stage(state: JobState): number {
  if (isFinal(state)) return 4;
  return state === 'ABORTING' ? 3 : state === 'RUNNING' ? 2 : state === 'PENDING' ? 1 : 0;
}

export function fresherJob(current: Job | undefined, incoming: Job): Job {
  if (!current || current.id !== incoming.id) return incoming;
  const a = stage(current.state);
  const b = stage(incoming.state);
  if (a !== b) return b > a ? incoming : current;
  const behind = incoming.counters.bytesDone < current.counters.bytesDone || incoming.counters.filesDone < current.counters.filesDone;
  return behind ? current : incoming;
}

/** A freshly loaded list, keeping any job the page already knows in a later state. */
export function mergeJobList(known: readonly Job[] | undefined, loaded: readonly Job[]): Job[] {
  if (!known) return loaded.slice();
  const byId = new Map(known.map((j) => [j.id, j]));
  return loaded.map((j) => fresherJob(byId.get(j.id), j));
}
