/**
 * What can be said from the API about meeting a backup policy: every folder has a good point
 * within its plan's period (+2 h, as the service's staleness rule), no recent job failed, every
 * plan keeps history for at least 30 days, the audit trail verifies. Each check in words.
 */
import type { Job, Plan, ServiceStatus } from '../../../../main/core/model.js';
import { useApi } from '../../app/client-context.js';
import { periodHours } from '../../plan/schedule.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export function ComplianceSummary({ status, plans, jobs }: { status: ServiceStatus | undefined; plans: Plan[]; jobs: Job[] | undefined }) {
  const audit = useApi('audit.verify', {});
  const checks = compliance(status, plans, jobs, audit.data, new Date());
  const passed = checks.filter((c) => c.ok).length;
  return (
    <section className="card" aria-labelledby="compliance-h">
      <h2 id="compliance-h">Compliance</h2>
      <p>
        <strong>
          {passed} of {checks.length}
        </strong>{' '}
        checks pass.
      </p>
      <ul className="plain-list checks">
        {checks.map((c) => (
          <li key={c.name} className={c.ok ? 'check-ok' : 'check-bad'}>
            <span aria-hidden="true">{c.ok ? '✔' : '✖'}</span> <span className="visually-hidden">{c.ok ? 'Passes:' : 'Fails:'}</span> {c.name}
            <div className="muted small">{c.detail}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function compliance(
  status: ServiceStatus | undefined,
  plans: Plan[],
  jobs: Job[] | undefined,
  audit: { ok: boolean; records: number; problem: string | null } | undefined,
  now: Date,
): Check[] {
  const checks: Check[] = [];
  if (status) {
    const periods = new Map(plans.map((p) => [p.name, Math.min(...p.rules.map((r) => periodHours(r.schedule)))]));
    const stale = status.folders.filter((f) => {
      if (!f.lastGoodPointAt) return true;
      const limitMs = ((periods.get(f.planName) ?? 24) + 2) * 3600_000;
      return now.getTime() - new Date(f.lastGoodPointAt).getTime() > limitMs;
    });
    checks.push({
      name: 'Every folder has a recent good recovery point',
      ok: stale.length === 0 && status.folders.length > 0,
      detail: stale.length === 0 ? `${status.folders.length} folder(s) up to date` : `not recent: ${stale.map((f) => f.path).join(', ')}`,
    });
  }
  if (jobs) {
    const failed = jobs.filter((j) => j.state === 'FAILED');
    checks.push({ name: 'No recent job failed', ok: failed.length === 0, detail: failed.length === 0 ? `${jobs.length} recent job(s)` : `${failed.length} failed: ${failed[0].error?.message ?? ''}` });
  }
  const short = plans.filter((p) => p.rules.some((r) => r.lifecycle.deleteAfterDays !== undefined && r.lifecycle.deleteAfterDays < 30));
  checks.push({ name: 'History kept at least 30 days', ok: short.length === 0, detail: short.length === 0 ? 'no plan deletes points sooner' : `shorter in: ${short.map((p) => p.name).join(', ')}` });
  if (audit) checks.push({ name: 'Audit trail intact', ok: audit.ok, detail: audit.ok ? `${audit.records} records verified` : (audit.problem ?? 'verification failed') });
  return checks;
}
