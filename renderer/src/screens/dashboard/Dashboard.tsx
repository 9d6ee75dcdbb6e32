/**
 * Dashboard: every protected folder (state, last good point, next run — status.get), vault usage
 * over time, recent jobs, and a compliance summary. Refreshes on `status` and `job` events.
 * With no plan yet it is the first-run setup instead.
 */
import type { Job } from '../../../../main/core/model.js';
import { useApi, useServiceEvent } from '../../app/client-context.js';
import { ErrorNote, Loading } from '../../components/feedback.js';
import { FirstRun } from '../first-run/FirstRun.js';
import { BackupNowButtons } from './BackupNow.js';
import { ComplianceSummary } from './ComplianceSummary.js';
import { FolderTable } from './FolderTable.js';
import { RecentJobs } from './RecentJobs.js';
import { UsagePanel } from './UsagePanel.js';
import { warningActions } from './warning-actions.js';

export function Dashboard() {
  const plans = useApi('plans.list', {});
  const status = useApi('status.get', {});
  const jobs = useApi('jobs.list', { limit: 8 });
  useServiceEvent('status', () => status.reload());
  useServiceEvent('job', (job: Job) => {
    jobs.reload();
    if (job.state !== 'RUNNING') status.reload();
  });

  if (plans.error) return <ErrorNote error={plans.error} title="DeskVault could not list your plans" />;
  if (!plans.data) return <Loading what="your protection" />;
  if (plans.data.length === 0) return <FirstRun onDone={() => { plans.reload(); status.reload(); }} />;

  return (
    <div className="screen">
      <h1 tabIndex={-1}>Dashboard</h1>
      {status.data?.warnings.map((w) => (
        <div key={w} className="note note-warn">
          {w}
          {warningActions(w).length > 0 && (
            <div className="warning-actions">
              {warningActions(w).map((a) => (
                <a key={a.href + a.label} href={a.href}>
                  {a.label}
                </a>
              ))}
            </div>
          )}
        </div>
      ))}
      <ErrorNote error={status.error} title="Status unavailable" />
      <BackupNowButtons plans={plans.data} />
      <section aria-labelledby="folders-h" className="card">
        <h2 id="folders-h">Protected folders</h2>
        {status.data ? <FolderTable folders={status.data.folders} /> : <Loading what="folders" />}
      </section>
      <div className="grid-2">
        <ComplianceSummary jobs={jobs.data} />
        <RecentJobs jobs={jobs.data} error={jobs.error} />
      </div>
      <UsagePanel />
    </div>
  );
}
