/**
 * Recent jobs kept current by `job` events: the list is loaded once, then every event replaces
 * (or adds) its job by id, so progress moves without polling. Newest first, like jobs.list.
 * Answers and events race (fresher-job.ts): neither may move a job back to an earlier state.
 */
import { useEffect, useState } from 'react';
import type { Job } from '../../../../main/core/model.js';
import { useApi, useServiceEvent } from '../../app/client-context.js';
import { fresherJob, mergeJobList } from './fresher-job.js';

export function useLiveJobs(limit: number) {
  const listed = useApi('jobs.list', { limit });
  const [jobs, setJobs] = useState<Job[] | undefined>(undefined);
  useEffect(() => {
    if (listed.data) setJobs((prev) => mergeJobList(prev, listed.data!));
  }, [listed.data]);
  useServiceEvent('job', (job) =>
    setJobs((prev) => {
      const list = prev ?? [];
      const i = list.findIndex((j) => j.id === job.id);
      if (i === -1) return [job, ...list].slice(0, limit);
      const next = list.slice();
      next[i] = fresherJob(list[i], job);
      return next;
    }),
  );
  return { jobs, error: listed.error, reload: listed.reload };
}

/** One job, from jobs.get and then its events. */
export function useLiveJob(id: string | null) {
  const got = useApi('jobs.get', id ? { id } : null);
  const [job, setJob] = useState<Job | undefined>(undefined);
  useEffect(() => {
    if (got.data) setJob((prev) => fresherJob(prev, got.data!));
  }, [got.data]);
  useServiceEvent('job', (j) => {
    if (j.id === id) setJob((prev) => fresherJob(prev, j));
  });
  return { job: job?.id === id ? job : undefined, error: got.error };
}
