/**
 * Compliance: the service's own report (`reports.compliance`, the same as `deskvault report
 * compliance`) — for every plan, a recent good point per folder, retention, copies, a recent
 * restore test — plus what this computer adds: no recent job failed, the audit trail verifies.
 * Each check in words; a failing restore-test check offers to run one; the report downloads as
 * JSON or CSV.
 */
import { Button } from 'react-aria-components';
import type { ApiResult } from '../../../../main/core/api.js';
import type { Job } from '../../../../main/core/model.js';
import { useAction, useApi, useClient, useServiceEvent } from '../../app/client-context.js';
import { hrefFor, navigate } from '../../app/router.js';
import { ErrorNote, Loading, StateBadge } from '../../components/feedback.js';
import { reportFileName, saveFile } from '../../components/save-file.js';
import { formatTime } from '../../format/format.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

type Compliance = ApiResult<'reports.compliance'>;

export function ComplianceSummary({ jobs }: { jobs: Job[] | undefined }) {
  const client = useClient();
  const report = useApi('reports.compliance', {});
  const audit = useApi('audit.verify', {});
  useServiceEvent('job', (j) => j.state !== 'RUNNING' && j.state !== 'PENDING' && report.reload());
  const restoreTest = useAction(async (vault: string) => navigate('jobs', (await client.call('restoreTests.run', { vault })).id));
  const local = localChecks(jobs, audit.data);
  const data = report.data;
  const checks = [...(data?.plans.flatMap((p) => p.checks) ?? []), ...local];
  const passed = checks.filter((c) => c.ok).length;
  const untested = [...new Set(data?.plans.flatMap((p) => p.checks.filter((c) => !c.ok && c.name.startsWith('restore test of ')).map((c) => c.name.slice('restore test of '.length))) ?? [])];

  return (
    <section className="card" aria-labelledby="compliance-h">
      <div className="card-head">
        <h2 id="compliance-h">Compliance</h2>
        {data && (
          <div className="toolbar toolbar-tight" role="group" aria-label="Download the compliance report">
            <Button className="button button-small" onPress={() => saveFile(reportFileName('compliance', 'csv'), 'text/csv', complianceCsv(data))}>
              CSV
            </Button>
            <Button className="button button-small" onPress={() => saveFile(reportFileName('compliance', 'json'), 'application/json', `${JSON.stringify(data, null, 2)}\n`)}>
              JSON
            </Button>
          </div>
        )}
      </div>
      <ErrorNote error={report.error} title="Compliance report unavailable" />
      {!data && !report.error && <Loading what="the compliance report" />}
      {data && (
        <p>
          <StateBadge state={passed === checks.length ? 'COMPLETED' : 'ATTENTION'} label={passed === checks.length ? 'Meets the policy' : 'Needs attention'} />{' '}
          <strong>
            {passed} of {checks.length}
          </strong>{' '}
          checks pass.
        </p>
      )}
      {data?.plans.map((p) => (
        <div key={p.plan}>
          <h3 className="small">
            Plan <a href={hrefFor('plans', p.plan)}>{p.plan}</a>
          </h3>
          <CheckList checks={p.checks} />
        </div>
      ))}
      {data && (
        <>
          <h3 className="small">This computer</h3>
          <CheckList checks={local} />
        </>
      )}
      {untested.map((vault) => (
        <Button key={vault} className="button button-small" isDisabled={restoreTest.pending} onPress={() => void restoreTest.run(vault)}>
          Run a restore test of “{vault}” now
        </Button>
      ))}
      <ErrorNote error={restoreTest.error} title="The restore test could not start" />
    </section>
  );
}

function CheckList({ checks }: { checks: Check[] }) {
  return (
    <ul className="plain-list checks">
      {checks.map((c) => (
        <li key={c.name} className={c.ok ? 'check-ok' : 'check-bad'}>
          <span aria-hidden="true">{c.ok ? '✔' : '✖'}</span> <span className="visually-hidden">{c.ok ? 'Passes:' : 'Fails:'}</span> {c.name}
          <div className="muted small">{humanizeTimes(c.detail)}</div>
        </li>
      ))}
    </ul>
  );
}

/** The report's details carry ISO times (for scripts); people read them as local times. */
export function humanizeTimes(detail: string): string {
  return detail.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z/g, (iso) => formatTime(iso));
}

export function localChecks(jobs: Job[] | undefined, audit: { ok: boolean; records: number; problem: string | null } | undefined): Check[] {
  const checks: Check[] = [];
  if (jobs) {
    const failed = jobs.filter((j) => j.state === 'FAILED');
    checks.push({ name: 'No recent job failed', ok: failed.length === 0, detail: failed.length === 0 ? `${jobs.length} recent job(s)` : `${failed.length} failed: ${failed[0].error?.message ?? ''}` });
  }
  if (audit) checks.push({ name: 'Audit trail intact', ok: audit.ok, detail: audit.ok ? `${audit.records} records verified` : (audit.problem ?? 'verification failed') });
  return checks;
}

/** One line per check: plan, check, ok, detail (RFC 4180 quoting). */
export function complianceCsv(report: Compliance): string {
  // As the service's jobs CSV: a leading =, +, - or @ is prefixed so a spreadsheet does not run it.
  const q = (v: string) => {
    const s = /^[=+\-@]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = ['time,plan,check,ok,detail'];
  for (const p of report.plans) for (const c of p.checks) lines.push([report.time, p.plan, c.name, String(c.ok), c.detail].map(q).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
