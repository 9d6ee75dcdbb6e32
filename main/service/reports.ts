/**
 * Reports: job reports over a date range (JSON or CSV, from the job history: the last 500 jobs of
 * this state folder), and the compliance summary — for every plan, whether each of its folders has
 * a good recovery point within the plan's frequency, whether retention meets the minimum, whether
 * its copies exist, and whether the last restore test of its vault passed.
 */
import type { ApiParsedInput, ApiResults } from '../core/api.js';
import type { Job } from '../core/model.js';
import { listRestoreTests } from './restore-test-job.js';
import type { DeskVaultService } from './service.js';
import { freshnessMs } from './status.js';

/** Compliance: a plan's points must be kept at least this long (or forever). */
export const MIN_RETENTION_DAYS = 30;
/** Compliance: a vault's last successful restore test must be this recent. */
export const RESTORE_TEST_MAX_AGE_DAYS = 31;
const DAY_MS = 86_400_000;

const COLUMNS = ['id', 'kind', 'state', 'statusMessage', 'vault', 'plan', 'trigger', 'createdAt', 'startedAt', 'endedAt', 'durationSeconds', 'files', 'bytes', 'recoveryPointId', 'errorCode'] as const;

function row(j: Readonly<Job>): Record<(typeof COLUMNS)[number], string | number | null> {
  const dur = j.startedAt && j.endedAt ? Math.round((Date.parse(j.endedAt) - Date.parse(j.startedAt)) / 1000) : null;
  return {
    id: j.id, kind: j.kind, state: j.state, statusMessage: j.statusMessage, vault: j.vaultName, plan: j.planName, trigger: j.trigger,
    createdAt: j.createdAt, startedAt: j.startedAt, endedAt: j.endedAt, durationSeconds: dur, files: j.counters.filesDone, bytes: j.counters.bytesDone,
    recoveryPointId: j.recoveryPointId, errorCode: j.error?.code ?? null,
  };
}

/** RFC 4180: quote every field that needs it; a leading =,+,-,@ is prefixed so spreadsheets do not run it. */
function csvField(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function jobsReport(svc: DeskVaultService, input: ApiParsedInput<'reports.jobs'>): ApiResults['reports.jobs'] {
  const from = input.from ? Date.parse(input.from) : -Infinity;
  const to = input.to ? Date.parse(input.to) : Infinity;
  const jobs = svc.jobs
    .history()
    .filter((j) => (!input.kinds || input.kinds.includes(j.kind)) && Date.parse(j.createdAt) >= from && Date.parse(j.createdAt) <= to)
    .reverse();
  const rows = jobs.map(row);
  if (input.format === 'csv') {
    const lines = [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => csvField(r[c])).join(','))];
    return { format: 'csv', rows: rows.length, content: `${lines.join('\r\n')}\r\n` };
  }
  return { format: 'json', rows: rows.length, content: JSON.stringify(rows, null, 2) };
}

export async function complianceReport(svc: DeskVaultService): Promise<ApiResults['reports.compliance']> {
  const now = svc.now();
  const plans = await svc.plans.list();
  const jobs = svc.jobs.history();
  const tests = await listRestoreTests(svc.home);
  const out: ApiResults['reports.compliance']['plans'] = [];
  for (const plan of plans) {
    const checks: { name: string; ok: boolean; detail: string }[] = [];
    const lastGood = svc.jobs.lastGoodBackup(plan.name);
    const limit = freshnessMs(plan, now);
    const age = lastGood?.endedAt ? now.getTime() - Date.parse(lastGood.endedAt) : null;
    for (const r of plan.resources) {
      checks.push({
        name: `recent good point: ${r.path}`,
        ok: age !== null && age <= limit,
        detail: age === null ? 'no good recovery point yet' : `last good point ${Math.round(age / 3_600_000)} h ago (limit ${Math.round(limit / 3_600_000)} h)`,
      });
    }
    for (const rule of plan.rules) {
      const days = rule.lifecycle.deleteAfterDays;
      checks.push({ name: `retention (${rule.name})`, ok: days === undefined || days >= MIN_RETENTION_DAYS, detail: days === undefined ? 'points are kept until deleted by hand' : `points kept ${days} days (minimum ${MIN_RETENTION_DAYS})` });
      for (const c of rule.copyActions) {
        const copied = jobs.find((j) => j.kind === 'COPY' && j.planName === plan.name && j.vaultName === c.targetVault && j.state === 'COMPLETED');
        const current = copied && lastGood && copied.recoveryPointId === lastGood.recoveryPointId;
        checks.push({ name: `copy to ${c.targetVault}`, ok: !!current, detail: current ? `latest point copied ${copied!.endedAt}` : copied ? 'the latest point is not copied yet' : 'no copy yet' });
      }
      const test = [...tests].reverse().find((t) => t.vaultName === rule.targetVault);
      const fresh = test && now.getTime() - Date.parse(test.time) <= RESTORE_TEST_MAX_AGE_DAYS * DAY_MS;
      checks.push({
        name: `restore test of ${rule.targetVault}`,
        ok: !!test && test.result === 'SUCCESSFUL' && !!fresh,
        detail: !test ? 'never tested' : `${test.result} on ${test.time}${fresh ? '' : ` (older than ${RESTORE_TEST_MAX_AGE_DAYS} days)`}`,
      });
    }
    out.push({ plan: plan.name, ok: checks.every((c) => c.ok), checks });
  }
  return { time: now.toISOString(), ok: out.every((p) => p.ok), plans: out };
}
