/**
 * Jobs: recent jobs with live progress, pause/resume of all scheduled and continuous work, the
 * jobs report to download, and the details of the job in the URL (`#/jobs/ID`): counters, log,
 * skipped files and why, cancel.
 */
import { Button } from 'react-aria-components';
import type { Job } from '../../../../main/core/model.js';
import { useAction, useApi, useClient, useServiceEvent } from '../../app/client-context.js';
import { hrefFor } from '../../app/router.js';
import { Empty, ErrorNote, JobBadge, Loading } from '../../components/feedback.js';
import { formatBytes, formatRelative, formatTime } from '../../format/format.js';
import { jobTitle } from '../../format/job-states.js';
import { JobDetails } from './JobDetails.js';
import { JobProgress } from './JobProgress.js';
import { JobsReport } from './JobsReport.js';
import { useLiveJobs } from './use-live-jobs.js';

export function JobsScreen({ param }: { param: string }) {
  const { jobs, error } = useLiveJobs(100);
  return (
    <div className="screen">
      <h1 tabIndex={-1}>Jobs</h1>
      <PauseControls />
      <JobsReport />
      <ErrorNote error={error} title="Jobs unavailable" />
      <div className="master-detail">
        <nav className="master" aria-label="Recent jobs">
          {!jobs && !error && <Loading what="jobs" />}
          {jobs?.length === 0 && <Empty>No job has run yet.</Empty>}
          <ul className="plain-list nav-list">
            {jobs?.map((j) => (
              <li key={j.id}>
                <JobLink job={j} current={j.id === param} />
              </li>
            ))}
          </ul>
        </nav>
        <div className="detail">{param ? <JobDetails id={param} /> : <p className="muted">Choose a job to see its progress, log and skipped files.</p>}</div>
      </div>
    </div>
  );
}

function JobLink({ job, current }: { job: Job; current: boolean }) {
  return (
    <a href={hrefFor('jobs', job.id)} aria-current={current ? 'page' : undefined} className="job-link">
      <span>
        <JobBadge job={job} /> <strong>{jobTitle(job)}</strong>
      </span>
      <span className="muted small">
        {formatRelative(job.createdAt)} · {job.trigger} · {formatBytes(job.counters.bytesDone)}
      </span>
      {job.state === 'RUNNING' && <JobProgress job={job} compact />}
    </a>
  );
}

function PauseControls() {
  const client = useClient();
  const status = useApi('status.get', {});
  useServiceEvent('status', () => status.reload());
  const act = useAction(async (what: 'pause' | 'resume' | 'pause1h') => {
    if (what === 'resume') await client.call('jobs.resume', {});
    else await client.call('jobs.pause', what === 'pause1h' ? { minutes: 60 } : {});
    status.reload();
  });
  const paused = status.data?.paused;
  return (
    <div className="toolbar">
      {paused ? (
        <>
          <span className="note note-warn">Scheduled and continuous backups are paused{status.data?.pausedUntil ? ` until ${formatTime(status.data.pausedUntil)}` : ''}.</span>
          <Button className="button button-primary" onPress={() => void act.run('resume')} isDisabled={act.pending}>
            Resume
          </Button>
        </>
      ) : (
        <>
          <Button className="button" onPress={() => void act.run('pause')} isDisabled={act.pending || !status.data}>
            Pause scheduled backups
          </Button>
          <Button className="button" onPress={() => void act.run('pause1h')} isDisabled={act.pending || !status.data}>
            Pause for 1 hour
          </Button>
        </>
      )}
      <ErrorNote error={act.error} title="Could not change pause" />
    </div>
  );
}
