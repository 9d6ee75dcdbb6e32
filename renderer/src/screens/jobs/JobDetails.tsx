/**
 * One job: state (in words, with the status message of "completed with issues"), live progress,
 * its recovery point, error sentence, log lines and skipped files with the reason; cancel while it
 * runs. Cancelling is not a failure: the job ends ABORTED and the vault stays consistent.
 */
import { Button } from 'react-aria-components';
import { isFinal, jobTitle } from '../../format/job-states.js';
import { useAction, useClient } from '../../app/client-context.js';
import { hrefFor } from '../../app/router.js';
import { ErrorNote, JobBadge, Loading } from '../../components/feedback.js';
import { formatDuration, formatTime, shortId } from '../../format/format.js';
import { JobProgress } from './JobProgress.js';
import { useLiveJob } from './use-live-jobs.js';

export function JobDetails({ id }: { id: string }) {
  const client = useClient();
  const { job, error } = useLiveJob(id);
  const cancel = useAction(() => client.call('jobs.cancel', { id }));
  if (error) return <ErrorNote error={error} title="This job is unavailable" />;
  if (!job) return <Loading what="the job" />;
  const final = isFinal(job.state);
  const took = job.startedAt && job.endedAt ? (new Date(job.endedAt).getTime() - new Date(job.startedAt).getTime()) / 1000 : null;
  return (
    <article className="job-details" aria-labelledby="job-h">
      <h2 id="job-h">{jobTitle(job)}</h2>
      <p className="job-state" role="status" aria-live="polite">
        <JobBadge job={job} /> {job.statusMessage && <span>{job.statusMessage}</span>}
      </p>
      <p className="muted small">
        Started {formatTime(job.startedAt ?? job.createdAt)} ({job.trigger}){job.endedAt && `, ended ${formatTime(job.endedAt)}`}
        {took !== null && `, took ${formatDuration(took)}`} · job {job.id}
      </p>
      {job.error && <ErrorNote error={new Error(job.error.message)} title={`Failed (${job.error.code})`} />}
      <JobProgress job={job} />
      {job.recoveryPointId && (
        <p>
          Recovery point{' '}
          <a href={hrefFor('points', job.recoveryPointId)}>
            <code>{shortId(job.recoveryPointId)}</code> — browse it
          </a>
        </p>
      )}
      {!final && (
        <Button className="button button-danger" onPress={() => void cancel.run()} isDisabled={cancel.pending || job.state === 'ABORTING'}>
          Cancel job
        </Button>
      )}
      <ErrorNote error={cancel.error} title="Could not cancel" />
      {job.skipped.length > 0 && (
        <section aria-labelledby="skipped-h">
          <h3 id="skipped-h">Skipped files ({job.skipped.length})</h3>
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {job.skipped.map((s) => (
                <tr key={s.path}>
                  <td>
                    <code className="path">{s.path}</code>
                  </td>
                  <td>{s.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section aria-labelledby="log-h">
        <h3 id="log-h">Log</h3>
        {job.log.length === 0 ? <p className="muted">No log lines yet.</p> : <pre className="log" tabIndex={0} aria-label="Job log">{job.log.join('\n')}</pre>}
      </section>
    </article>
  );
}
