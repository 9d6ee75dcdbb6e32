/**
 * The handler of every API method, by name (the table the edges are generated from is in
 * main/core/api.ts). Inputs arrive parsed by the method's schema. Long work (backups, restores)
 * returns a job at once; its progress arrives as `job` events and through `jobs.get`.
 */
import { API_METHODS, type ApiMethod, type ApiParsedInput, type ApiResult } from '../core/api.js';
import { DeskVaultError } from '../core/errors.js';
import type { Job, Plan, Rule } from '../core/model.js';
import { coldStorageClassOf } from '../engine/index.js';
import { runBackupJob } from './backups/backup-job.js';
import { CatalogAccess } from './catalog-access.js';
import { runCatalogRebuildJob } from './catalog-job.js';
import { mirrorAudit, verifyAuditMirror } from './audit-mirror.js';
import { doctor, kmsKeyChecks } from './doctor.js';
import { listFolders } from './fs-folders.js';
import type { JobContext, JobOutcome } from './jobs/job-runner.js';
import { previewPlan } from './plans/plan-preview.js';
import { Protection } from './protection.js';
import { planNameOf, toPointInfo } from './points/point-info.js';
import { previewFile } from './points/point-preview.js';
import { decideLifecycle, lastCopiesOf, LOOK_AHEAD_DAYS, LastCopyWarnings, presentOrUnreachable } from './last-copy-warnings.js';
import { runLifecycleJob } from './lifecycle-job.js';
import { guardAgainstMassChange, guardAgainstSpreadMassChange } from './mass-change-guard.js';
import { complianceReport, jobsReport } from './reports.js';
import { listRestoreTests, runRestoreTestJob } from './restore-test-job.js';
import { runRestoreJob } from './restores/restore-job.js';
import { describeSchedule, nextRuns, parseSchedule } from './schedule/index.js';
import type { DeskVaultService } from './service.js';
import { computeStatus } from './status.js';
import type { BackupResult, RecoveryPoint } from './vault-service.js';
import { KeySlots } from './vaults/key-slots.js';

export type Handlers = { [M in ApiMethod]: (input: ApiParsedInput<M>) => Promise<ApiResult<M>> } & { startBackground(): Promise<void>; stopBackground(): Promise<void> };

export function createHandlers(svc: DeskVaultService): Handlers {
  const catalog = new CatalogAccess(svc);
  const keySlots = new KeySlots(svc.registry);
  const protection = new Protection(
    svc,
    {
      startBackup: (plan, rule, trigger, changedPaths, startDeadline) => startBackup(plan, rule, trigger, changedPaths, startDeadline),
      startLifecycle: (vault) => startLifecycle(vault, 'schedule'),
      // The scheduled test takes the API's defaults (one place for them), on a random point.
      startRestoreTest: (vault) => startRestoreTest('schedule', API_METHODS['restoreTests.run'].input.parse({ vault, pick: 'random' })),
    },
    { clock: svc.clock },
  );
  const lastCopies = new LastCopyWarnings(svc.home, (vault, message, found) => svc.notifications.lastCopyExpiring(vault, message, found));

  /**
   * Looks LOOK_AHEAD_DAYS ahead for files deleted from the computer whose last copy expires, and
   * stores the result for status (last-copy-warnings.ts). The catalog is walked only when some
   * point expires within that time.
   */
  async function checkLastCopies(vaultName: string, listed?: RecoveryPoint[]): Promise<void> {
    const points = listed ?? (await (await svc.registry.open(vaultName)).points());
    const [plans, holds] = await Promise.all([svc.plans.list(), svc.holds.active()]);
    const now = svc.now();
    const decisions = decideLifecycle({ points, vaultName, plans, holds, now: new Date(now.getTime() + LOOK_AHEAD_DAYS * 86_400_000) });
    const files = decisions.some((d) => d.action === 'DELETE') ? await catalog.fileLister(vaultName) : () => [];
    await lastCopies.record(vaultName, lastCopiesOf(decisions, files, presentOrUnreachable([...points.flatMap((p) => p.paths), ...backedUpRoots(plans)])), now);
  }

  /** After holds or plans change: the vaults with a stored warning (and `more`) are checked again. */
  async function recheckLastCopies(more: string[] = []): Promise<void> {
    for (const vault of new Set([...(await lastCopies.vaults()), ...more])) await checkLastCopies(vault).catch(() => undefined);
  }

  /** Submits a backup job of one plan rule; resolves when it is queued (the job is PENDING). */
  async function startBackup(plan: Plan, rule: Rule, trigger: Job['trigger'], changedPaths?: string[], startDeadline?: Date): Promise<{ job: Job; done: Promise<Job> }> {
    const neverInclude = [svc.home, ...(await svc.registry.localFolders())];
    return svc.jobs.submit(
      { kind: 'BACKUP', vaultName: rule.targetVault, planName: plan.name, ruleName: rule.name, trigger },
      async (ctx) => {
        // A plan's upload limit applies to its own backups: a throttled session just for them.
        const limit = plan.conditions.limitUploadBytesPerSec;
        const session = limit ? await svc.registry.openFresh(rule.targetVault, { limitUpload: limit }) : await svc.registry.open(rule.targetVault);
        // Over the rule's completion window the backup stops and keeps what it finished (a PARTIAL
        // point), on the service's clock: see backups/backup-job.ts.
        let written: BackupResult | undefined;
        let outcome = await runBackupJob({ plan, rule, session, neverInclude, changedPaths, clock: svc.clock, onPoint: (r) => (written = r) }, ctx);
        await catalog.afterBackup(rule.targetVault).catch((err) => ctx.log(`catalog not updated: ${(err as Error).message}`));
        // The vault's points, listed once for both checks below (on S3 a listing is a request).
        const points = written ? await session.points().catch(() => undefined) : undefined;
        // A large share of the files changed at once (ransomware?): hold the earlier points (mass-change-guard.ts).
        if (written && points) outcome = await checkMassChange(plan, rule.targetVault, points, ctx, written, outcome);
        await checkLastCopies(rule.targetVault, points).catch((err) => ctx.log(`could not check for files whose last backup copy expires: ${(err as Error).message}`));
        await mirrorAudit(svc, session).catch((err) => ctx.log(`audit trail not mirrored into the vault: ${(err as Error).message}`));
        return outcome;
      },
      { startDeadline },
    );
  }

  /** Judges a new point for a mass change; a finding becomes an issue in the job's status message. */
  async function checkMassChange(plan: Plan, vaultName: string, points: RecoveryPoint[], ctx: JobContext, result: BackupResult, outcome: JobOutcome): Promise<JobOutcome> {
    try {
      const parentId = result.point.parent;
      // A first point has nothing to compare with.
      if (!parentId) return outcome;
      const parent = points.find((p) => p.id === parentId) ?? null;
      const planPoints = points.filter((p) => planNameOf(p, [plan]) === plan.name);
      const diff = (from: string, to: string) => catalog.diff({ vault: vaultName, from, to });
      const issue =
        (await guardAgainstMassChange(svc, { plan, vaultName, jobId: ctx.job.id, result, parent })) ??
        // Spread over the last hour's points (a continuous plan makes one a minute): mass-change-guard.ts.
        (await guardAgainstSpreadMassChange(svc, { plan, vaultName, jobId: ctx.job.id, point: result.point, planPoints, diff }));
      if (!issue) return outcome;
      ctx.log(`mass change: ${issue}`);
      const before = outcome.statusMessage?.replace(/^completed with issues: /, '');
      return { ...outcome, statusMessage: `completed with issues: ${issue}${before ? `; ${before}` : ''}` };
    } catch (err) {
      ctx.log(`could not check for a mass change of files: ${(err as Error).message}`);
      return outcome;
    }
  }

  async function startLifecycle(vaultName: string, trigger: Job['trigger'], dryRun = false): Promise<{ job: Job; done: Promise<Job> }> {
    await svc.registry.get(vaultName);
    return svc.jobs.submit({ kind: 'PRUNE', vaultName, trigger }, async (ctx) => {
      const [session, plans, holds] = await Promise.all([svc.registry.open(vaultName), svc.plans.list(), svc.holds.active()]);
      const files = await catalog.fileLister(vaultName).catch((err) => {
        ctx.log(`the catalog cannot tell which files lose their last copy: ${(err as Error).message}`);
        return undefined;
      });
      const now = svc.now();
      const onLookAhead = (found: Parameters<LastCopyWarnings['record']>[1]) => lastCopies.record(vaultName, found, now);
      const outcome = await runLifecycleJob({ session, vaultName, plans, holds, now, dryRun, files, existsNow: presentOrUnreachable(backedUpRoots(plans)), onLookAhead }, ctx);
      await catalog.afterBackup(vaultName).catch(() => undefined);
      return outcome;
    });
  }

  async function startRestoreTest(trigger: Job['trigger'], opts: ApiParsedInput<'restoreTests.run'>): Promise<{ job: Job; done: Promise<Job> }> {
    const { vault: vaultName, pick, sampleFiles, maxBytes, timeoutMinutes } = opts;
    await svc.registry.get(vaultName);
    return svc.jobs.submit({ kind: 'RESTORE_TEST', vaultName, trigger }, async (ctx) =>
      runRestoreTestJob({ session: await svc.registry.open(vaultName), vaultName, pick, sampleFiles, maxBytes, timeoutMinutes, home: svc.home, now: svc.now }, ctx),
    );
  }

  /** Rebuilds a vault's catalog from the vault as a CATALOG job (queued behind the vault's other jobs). */
  async function startCatalogRebuild(vaultName: string, trigger: Job['trigger']): Promise<Job> {
    await svc.registry.get(vaultName);
    return svc.jobs.submit({ kind: 'CATALOG', vaultName, trigger }, (ctx) => runCatalogRebuildJob(catalog, vaultName, ctx)).job;
  }

  async function validatePlanVaults(plan: { rules: Rule[] }): Promise<void> {
    const names = new Set((await svc.registry.list()).map((v) => v.name));
    for (const r of plan.rules) {
      if (!names.has(r.targetVault)) throw new DeskVaultError('INVALID_INPUT', `rule "${r.name}": no vault named "${r.targetVault}" is registered`, { field: 'rules.targetVault' });
      parseSchedule(r.schedule, r.timeZone); // throws INVALID_INPUT with the reason
      for (const c of r.copyActions) {
        if (!names.has(c.targetVault)) throw new DeskVaultError('INVALID_INPUT', `rule "${r.name}": copy target "${c.targetVault}" is not a registered vault`, { field: 'rules.copyActions' });
      }
    }
    const vaultFolders = await svc.registry.localFolders();
    for (const r of (plan as Plan).resources ?? []) {
      for (const v of [...vaultFolders, svc.home]) {
        if (r.path === v || r.path.startsWith(`${v}/`)) throw new DeskVaultError('INVALID_INPUT', `${r.path} is inside a vault or DeskVault's own state folder and cannot be protected`, { field: 'resources.path' });
      }
    }
  }

  const handlers: Handlers = {
    'status.get': async () => computeStatus(svc, protection, lastCopies),
    'vaults.list': () => svc.registry.list(),
    'vaults.add': async (input) => {
      const r = await svc.registry.add(input);
      await svc.notifications.refresh();
      if (r.created) return r;
      // Connecting a vault that exists (adopting it on a new machine, after a reinstall): its
      // catalog is rebuilt from the vault, as a job whose progress the person can follow.
      return { ...r, catalogJobId: (await startCatalogRebuild(r.vault.name, 'manual')).id };
    },
    'vaults.setNotifications': async ({ name, notifications }) => {
      const v = await svc.registry.update(name, (r) => ({ ...r, notifications }));
      await svc.notifications.refresh();
      return v;
    },
    'vaults.recoveryKit': async ({ name }) => {
      const v = await svc.registry.get(name);
      const account = `vault:${v.id}:recovery-pending`;
      const code = await svc.registry.keyStore.get(account);
      if (code) await svc.registry.keyStore.delete(account);
      return {
        vault: name,
        recoveryCode: code,
        instructions: code
          ? `Print or write down this recovery code and keep it away from this computer. With it and the vault folder (${v.location}), DESKVAULT_PASSWORD=<code> opens the vault on any machine. It is shown only once.`
          : `The recovery code was already shown. If it is lost, add a new recovery passphrase in Settings → Vaults → Keys (or \`deskvault key add --vault ${name}\`) while this machine can still open the vault.`,
      };
    },
    'vaults.remove': async ({ name }) => {
      const users = (await svc.plans.list()).filter((p) => p.rules.some((r) => r.targetVault === name || r.copyActions.some((c) => c.targetVault === name)));
      if (users.length > 0) throw new DeskVaultError('INVALID_INPUT', `vault "${name}" is used by plan ${users.map((p) => `"${p.name}"`).join(', ')}; change or delete those first`, { vault: name });
      await svc.registry.remove(name);
      await lastCopies.forget(name);
      return { removed: name };
    },
    'keys.list': ({ vault }) => keySlots.list(vault),
    'keys.add': (input) => keySlots.add(input),
    'keys.remove': ({ vault, id }) => keySlots.remove(vault, id),
    'plans.list': () => svc.plans.list(),
    'plans.get': ({ name }) => svc.plans.get(name),
    'plans.create': async (input) => {
      await validatePlanVaults(input);
      const plan = await svc.plans.create(input);
      await protection.reload();
      await svc.notifications.refresh();
      return plan;
    },
    'plans.update': async (input) => {
      await validatePlanVaults(input);
      const plan = await svc.plans.update(input);
      await protection.reload();
      await svc.notifications.refresh();
      await recheckLastCopies();
      return plan;
    },
    'plans.delete': async ({ name }) => {
      await svc.plans.delete(name);
      await protection.reload();
      return { deleted: name };
    },
    'plans.nextRuns': async ({ schedule, timeZone, count }) => {
      const s = parseSchedule(schedule, timeZone);
      return { runs: nextRuns(s, svc.now(), count).map((d) => d.toISOString()), description: describeSchedule(s) };
    },
    'backups.start': async ({ plan: name, rule: ruleName }) => {
      const plan = await svc.plans.get(name);
      const rule = ruleName ? plan.rules.find((r) => r.name === ruleName) : plan.rules[0];
      if (!rule) throw new DeskVaultError('NOT_FOUND', `plan "${name}" has no rule "${ruleName}"`, { plan: name });
      return (await startBackup(plan, rule, 'manual')).job;
    },
    'restores.start': async (input) => {
      await svc.registry.get(input.vault);
      const { job } = svc.jobs.submit({ kind: 'RESTORE', vaultName: input.vault }, async (ctx) => runRestoreJob(await svc.registry.open(input.vault), input, ctx));
      return job;
    },
    'jobs.list': async ({ limit }) => svc.jobs.list(limit),
    'jobs.get': async ({ id }) => svc.jobs.get(id),
    'jobs.cancel': async ({ id }) => svc.jobs.cancel(id),
    'jobs.pause': async ({ minutes }) => {
      await protection.pause(minutes === undefined ? null : new Date(svc.now().getTime() + minutes * 60_000));
      return computeStatus(svc, protection, lastCopies);
    },
    'jobs.resume': async () => {
      await protection.resume();
      return computeStatus(svc, protection, lastCopies);
    },
    'points.list': async ({ vault, plan }) => {
      const session = await svc.registry.open(vault);
      const [points, plans, holds] = await Promise.all([session.points(), svc.plans.list(), svc.holds.active()]);
      const coldStorageSupported = coldStorageClassOf(session.vault) !== null;
      const infos = points.map((p) => toPointInfo(p, vault, plans, holds, { coldStorageSupported })).filter((p) => !plan || p.planName === plan);
      return infos.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
    },
    'points.browse': (input) => catalog.browse(input),
    'points.search': (input) => catalog.search(input),
    'points.versions': (input) => catalog.versions(input),
    'points.diff': (input) => catalog.diff(input),
    'points.preview': async ({ vault, ...input }) => previewFile(await svc.registry.open(vault), input),
    'vaults.test': async ({ location, kmsKey }) => {
      try {
        const r = await doctor(location, { kmsKey });
        const missing = r.checks.filter((c) => !c.ok);
        const locationOk = r.checks.every((c) => c.ok || c.permission.startsWith('kms:'));
        return { location, ok: r.ok, locationOk, vaultExists: r.vault !== null, checks: r.checks, problem: missing.length ? `missing: ${missing.map((c) => c.permission).join(', ')}` : null };
      } catch (err) {
        if (!(err instanceof DeskVaultError)) throw err;
        // The location failed as a whole; the KMS key chosen with it is still worth testing.
        return { location, ok: false, locationOk: false, vaultExists: false, checks: kmsKey ? await kmsKeyChecks(kmsKey) : [], problem: err.message };
      }
    },
    'fs.listFolders': ({ path }) => listFolders(path),
    'plans.preview': async ({ resources, budgetMs }) => previewPlan(resources, budgetMs),
    'catalog.rebuild': ({ vault }) => startCatalogRebuild(vault, 'manual'),
    'vaults.check': async ({ vault, readData, subsetPercent }) => {
      await svc.registry.get(vault);
      const { job } = svc.jobs.submit({ kind: 'CHECK', vaultName: vault }, async (ctx) => {
        const session = await svc.registry.open(vault);
        const r = await session.check({
          readData: readData === 'all',
          readDataSubset: readData === 'subset' ? subsetPercent / 100 : undefined,
          onProgress: (p) => ctx.progress({ filesDone: p.done, filesTotal: p.total, currentFile: p.phase }),
        });
        for (const n of r.notes) ctx.log(`note: ${n}`);
        for (const p of r.problems) ctx.skip(`${p.kind} ${p.id}`, p.message);
        const summary = `${r.points} points, ${r.trees} folder listings, ${r.packs} packs; ${r.packsRead} packs read (${r.bytesRead} bytes)`;
        ctx.log(summary);
        if (!r.ok) return { state: 'FAILED', statusMessage: `${r.problems.length} problem(s) found: ${r.problems[0].message}` };
        return { state: 'COMPLETED', statusMessage: `no problems found: ${summary}` };
      });
      return job;
    },
    'lifecycle.run': async ({ vault, dryRun }) => (await startLifecycle(vault, 'manual', dryRun)).job,
    'restoreTests.run': async (input) => (await startRestoreTest('manual', input)).job,
    'restoreTests.list': async () => (await listRestoreTests(svc.home)).reverse(),
    'reports.jobs': async (input) => jobsReport(svc, input),
    'reports.compliance': () => complianceReport(svc),
    'holds.list': () => svc.holds.list(),
    'holds.create': async (input) => {
      const hold = await svc.holds.create(input);
      await recheckLastCopies();
      return hold;
    },
    'holds.release': async ({ id }) => {
      const hold = await svc.holds.release(id);
      // Released: points it kept may now expire, in its vaults (or in every vault a plan backs up to).
      const vaults = hold.vaultNames?.length ? hold.vaultNames : (await svc.plans.list()).flatMap((p) => p.rules.map((r) => r.targetVault));
      await recheckLastCopies(vaults);
      return hold;
    },
    'audit.list': async ({ limit }) => {
      const { readAuditRecords } = await import('./audit/index.js');
      const records = await readAuditRecords(svc.audit.file);
      return records.slice(-limit).reverse().map((r) => ({ seq: r.seq, time: r.time, action: r.action, source: r.source, outcome: r.outcome, args: r.args }));
    },
    'audit.verify': async ({ vault }) => {
      if (vault) {
        const m = await verifyAuditMirror(svc, await svc.registry.open(vault));
        return { ok: m.ok, records: m.records, problem: m.firstBad ? `${m.firstBad.segment ? `${m.firstBad.segment}: ` : ''}${m.firstBad.reason}` : null };
      }
      const v = await svc.audit.verify();
      return { ok: v.ok, records: v.records, problem: v.firstBad ? v.firstBad.reason : null };
    },
    startBackground: () => protection.start(),
    stopBackground: () => protection.stop(),
  };
  return handlers;
}

/** The folders plans back up: a file under one that is missing as a whole is not called deleted. */
function backedUpRoots(plans: Plan[]): string[] {
  return plans.flatMap((p) => p.resources.map((r) => r.path));
}
