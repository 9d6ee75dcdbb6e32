/**
 * The protection loop: turns plans into work. The scheduler (schedule/scheduler.ts) says when a rule
 * is due; this checks pause and run conditions, refuses overlap with a running job of the same rule,
 * and submits the backup with its start window (EXPIRED if it cannot start in time). Missed runs
 * after sleep or shutdown come once (the scheduler's contract); the latest missed occurrence whose
 * window closed is recorded as an EXPIRED job. A copy action runs after its backup succeeds.
 * Continuous rules are fed by the file watcher (continuous.ts).
 *
 * Pause: no scheduled or continuous backup starts while paused (a manual "Back up now" still
 * does); running jobs finish. The pause survives restarts (`protection.json`).
 */
import * as path from 'node:path';
import { z } from 'zod';
import type { Job, Plan, Rule } from '../core/model.js';
import { ContinuousProtection } from './continuous.js';
import { readJsonFile, writeJsonAtomic } from './state/atomic-file.js';
import {
  checkConditions,
  parseSchedule,
  planRun,
  Scheduler,
  systemClock,
  systemConditionProbes,
  type ConditionProbes,
  type DueRun,
  type RuleScheduleState,
  type SchedulerClock,
} from './schedule/index.js';
import type { DeskVaultService } from './service.js';
import { copyBetween } from './vault-service.js';

type Started = Promise<{ job: Job; done: Promise<Job> }>;
export interface ProtectionStarters {
  startBackup(plan: Plan, rule: Rule, trigger: Job['trigger'], changedPaths?: string[], startDeadline?: Date): Started;
  startLifecycle(vaultName: string): Started;
  startRestoreTest(vaultName: string): Started;
}

/** Every vault a plan backs up to gets a restore test of a random point each week. */
const RESTORE_TEST_SCHEDULE = 'rate(7 days)';
const RESTORE_TEST_PREFIX = 'restore-test:';

/** Lifecycle (expiry + prune) runs daily for each vault a plan with lifecycle or retention targets. */
const LIFECYCLE_SCHEDULE = 'rate(1 day)';
const LIFECYCLE_PREFIX = 'lifecycle:';

const ProtectionFile = z.object({
  version: z.literal(1),
  pausedUntil: z.string().nullable().default(null),
  paused: z.boolean().default(false),
  schedule: z.record(z.string(), z.object({ lastScheduledAt: z.string().optional(), lastStartedAt: z.string().optional(), scheduleKey: z.string().optional() })).default({}),
});
type ProtectionState = z.infer<typeof ProtectionFile>;

export const ruleId = (plan: Plan, rule: Rule): string => `${plan.name}/${rule.name}`;

export class Protection {
  private readonly file: string;
  private state: ProtectionState = { version: 1, paused: false, pausedUntil: null, schedule: {} };
  private scheduler: Scheduler | null = null;
  private readonly clock: SchedulerClock;
  private readonly probes: ConditionProbes;
  private readonly waiting = new Map<string, string>();
  private readonly continuous: ContinuousProtection;
  private saveChain: Promise<void> = Promise.resolve();

  constructor(
    private readonly svc: DeskVaultService,
    private readonly starters: ProtectionStarters,
    deps: { clock?: SchedulerClock; probes?: ConditionProbes } = {},
  ) {
    this.file = path.join(svc.home, 'protection.json');
    this.clock = deps.clock ?? systemClock({ unref: true });
    this.probes = deps.probes ?? systemConditionProbes();
    this.continuous = new ContinuousProtection(svc, (plan, rule, changed) => this.runContinuous(plan, rule, changed));
  }

  async start(): Promise<void> {
    this.state = await readJsonFile(this.file, ProtectionFile, this.state);
    this.scheduler = new Scheduler({
      clock: this.clock,
      persistence: {
        load: () => this.state.schedule,
        save: (id: string, s: RuleScheduleState) => {
          this.state.schedule[id] = s;
          return this.save();
        },
      },
      onDue: (id, run) => this.onDue(id, run),
      onError: (err, id) => this.svc.emit('notification', { type: 'SCHEDULER_ERROR', time: this.clock.now().toISOString(), message: `${id}: ${(err as Error).message}` }),
    });
    await this.scheduler.start(await this.rules());
    await this.continuous.start();
  }

  async reload(): Promise<void> {
    if (!this.scheduler) return;
    this.scheduler.setRules(await this.rules());
    await this.continuous.reload();
  }

  async stop(): Promise<void> {
    this.scheduler?.stop();
    await this.scheduler?.idle();
    await this.continuous.stop();
    await this.saveChain;
  }

  pauseState(): { paused: boolean; until: string | null } {
    if (this.state.paused && this.state.pausedUntil && Date.parse(this.state.pausedUntil) <= this.clock.now().getTime()) {
      this.state.paused = false;
      this.state.pausedUntil = null;
    }
    return { paused: this.state.paused, until: this.state.pausedUntil };
  }

  async pause(until: Date | null): Promise<void> {
    this.state.paused = true;
    this.state.pausedUntil = until ? until.toISOString() : null;
    await this.save();
  }

  async resume(): Promise<void> {
    this.state.paused = false;
    this.state.pausedUntil = null;
    await this.save();
    this.scheduler?.check();
  }

  nextRunAt(planName: string): string | null {
    let best: Date | undefined;
    for (const id of Object.keys(this.state.schedule)) {
      if (!id.startsWith(`${planName}/`)) continue;
      const d = this.scheduler?.nextDue(id);
      if (d && (!best || d < best)) best = d;
    }
    return best?.toISOString() ?? null;
  }

  warnings(): string[] {
    return [...this.waiting.values(), ...this.continuous.warnings()];
  }

  /** Called by the OS-resume hook of the app: re-check due times at once. */
  check(): void {
    this.scheduler?.check();
  }

  private async rules() {
    const plans = await this.svc.plans.list();
    const backups = plans.flatMap((p) =>
      p.rules
        .map((r) => ({ plan: p, rule: r, schedule: parseSchedule(r.schedule, r.timeZone) }))
        .filter((x) => x.schedule.kind !== 'continuous' || x.schedule.safetyNet)
        .map((x) => ({ id: ruleId(x.plan, x.rule), schedule: x.schedule, startWindowMinutes: x.rule.startWindowMinutes, completionWindowMinutes: x.rule.completionWindowMinutes })),
    );
    const lifecycleVaults = new Set<string>();
    for (const p of plans) {
      for (const r of p.rules) {
        // Lifecycle deletes expired points and moves cold packs: due wherever a rule asks for either.
        const acts = (l: { deleteAfterDays?: number; moveToColdStorageAfterDays?: number } | undefined): boolean => l?.deleteAfterDays !== undefined || l?.moveToColdStorageAfterDays !== undefined;
        if (acts(r.lifecycle)) lifecycleVaults.add(r.targetVault);
        for (const c of r.copyActions) if (acts(c.lifecycle) || acts(r.lifecycle)) lifecycleVaults.add(c.targetVault);
      }
    }
    const lifecycle = [...lifecycleVaults].map((v) => ({ id: `${LIFECYCLE_PREFIX}${v}`, schedule: parseSchedule(LIFECYCLE_SCHEDULE), startWindowMinutes: 24 * 60 }));
    const tested = [...new Set(plans.flatMap((p) => p.rules.map((r) => r.targetVault)))].map((v) => ({ id: `${RESTORE_TEST_PREFIX}${v}`, schedule: parseSchedule(RESTORE_TEST_SCHEDULE), startWindowMinutes: 24 * 60 }));
    return [...backups, ...lifecycle, ...tested];
  }

  private async find(id: string): Promise<{ plan: Plan; rule: Rule } | null> {
    for (const plan of await this.svc.plans.list()) for (const rule of plan.rules) if (ruleId(plan, rule) === id) return { plan, rule };
    return null;
  }

  private async onDue(id: string, run: DueRun): Promise<void> {
    if (id.startsWith(LIFECYCLE_PREFIX)) {
      if (!this.pauseState().paused) await (await this.starters.startLifecycle(id.slice(LIFECYCLE_PREFIX.length))).done;
      return;
    }
    if (id.startsWith(RESTORE_TEST_PREFIX)) {
      if (!this.pauseState().paused) await (await this.starters.startRestoreTest(id.slice(RESTORE_TEST_PREFIX.length))).done;
      return;
    }
    const found = await this.find(id);
    if (!found) return;
    const { plan, rule } = found;
    if (run.missed && run.scheduledFor.getTime() !== run.missed.latest.getTime()) {
      // The latest missed occurrence, whose window closed while the machine slept: on the record.
      this.svc.jobs.recordExpired(
        { kind: 'BACKUP', vaultName: rule.targetVault, planName: plan.name, ruleName: rule.name, trigger: 'schedule' },
        `the run of ${run.missed.latest.toISOString()} was missed (the computer was off or asleep) and its start window closed; a catch-up backup runs now instead`,
      );
    }
    if (this.pauseState().paused) return;
    await this.startWhenAllowed(plan, rule, run.catchUp ? 'catch-up' : 'schedule', run.deadlineStart);
  }

  private async startWhenAllowed(plan: Plan, rule: Rule, trigger: Job['trigger'], deadline: Date, changedPaths?: string[]): Promise<void> {
    const id = ruleId(plan, rule);
    const verdict = await checkConditions({ onlyOnAcPower: plan.conditions.onlyOnAcPower, notOnMeteredNetwork: plan.conditions.notOnMeteredNetwork }, this.probes);
    const decision = planRun(verdict, this.clock.now(), deadline);
    if (decision.action === 'DEFER') {
      this.waiting.set(id, `the backup of plan "${plan.name}" waits: ${decision.reasons.join('; ')}`);
      this.clock.setTimer(decision.recheckAt, () => void this.startWhenAllowed(plan, rule, trigger, deadline, changedPaths));
      return;
    }
    this.waiting.delete(id);
    if (this.svc.jobs.running().some((j) => j.planName === plan.name && j.ruleName === rule.name)) return; // overlap: the running one covers it
    const { done } = await this.starters.startBackup(plan, rule, trigger, changedPaths, decision.action === 'EXPIRE' ? new Date(0) : deadline);
    this.scheduler?.markStarted(id);
    const job = await done;
    if (job.state === 'COMPLETED' && job.recoveryPointId) await this.runCopies(plan, rule, job);
  }

  private async runContinuous(plan: Plan, rule: Rule, changedPaths: string[] | undefined): Promise<Job | null> {
    if (this.pauseState().paused) return null;
    const { done } = await this.starters.startBackup(plan, rule, 'continuous', changedPaths);
    const job = await done;
    if (job.state === 'COMPLETED' && job.recoveryPointId) await this.runCopies(plan, rule, job);
    return job;
  }

  private async runCopies(plan: Plan, rule: Rule, backup: Job): Promise<void> {
    for (const action of rule.copyActions) {
      const { done } = this.svc.jobs.submit({ kind: 'COPY', vaultName: action.targetVault, planName: plan.name, ruleName: rule.name, trigger: backup.trigger }, async (ctx) => {
        ctx.log(`copying recovery point ${backup.recoveryPointId!.slice(0, 8)} from ${rule.targetVault} to ${action.targetVault}`);
        const [from, to] = await Promise.all([this.svc.registry.open(rule.targetVault), this.svc.registry.open(action.targetVault)]);
        const r = await copyBetween(from, to, [backup.recoveryPointId!], (m) => ctx.log(m));
        ctx.log(JSON.stringify(r));
        return { state: 'COMPLETED', recoveryPointId: backup.recoveryPointId };
      });
      await done;
    }
  }

  private save(): Promise<void> {
    this.saveChain = this.saveChain.then(() => writeJsonAtomic(this.file, this.state)).catch(() => undefined);
    return this.saveChain;
  }
}
