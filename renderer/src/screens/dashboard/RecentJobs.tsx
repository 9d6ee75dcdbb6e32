/** The latest jobs with state, what they did and when; each opens its details. */
import type { Job } from '../../../../main/core/model.js';
import type { ApiError } from '../../api/index.js';
import { hrefFor } from '../../app/router.js';
import { Empty, ErrorNote, JobBadge } from '../../components/feedback.js';
import { formatBytes, formatRelative } from '../../format/format.js';
import { jobTitle } from '../../format/job-states.js';

export function RecentJobs({ jobs, error }: { jobs: Job[] | undefined; error: ApiError | null }) {
  return (
    <section className="card" aria-labelledby="recent-jobs-h">
      <h2 id="recent-jobs-h">Recent jobs</h2>
      <ErrorNote error={error} title="Jobs unavailable" />
      {jobs && jobs.length === 0 && <Empty>No job has run yet.</Empty>}
      <ul className="plain-list">
        {jobs?.map((j) => (
          <li key={j.id} className="job-line">
            <JobBadge job={j} />{' '}
            <a href={hrefFor('jobs', j.id)}>
              {jobTitle(j)}
            </a>{' '}
            <span className="muted">
              {formatRelative(j.endedAt ?? j.startedAt ?? j.createdAt)} · {formatBytes(j.counters.bytesDone)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
