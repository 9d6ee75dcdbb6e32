/**
 * Continuous protection: one plan watch (watch/plan-watch.ts) per plan rule whose schedule is
 * `continuous`. Changes go to a durable journal under `<state>/journal/`; after the rule's quiet
 * period a backup job runs with only the changed paths (or a full walk when the watcher asks for a
 * rescan: at start-up without a snapshot, daily reconcile, dropped events), and the journal is
 * cleared only once that point is committed. Watch problems (inotify limit, native watcher
 * missing) become status warnings with the fix, and the plan falls back to scanning.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Job, Plan, Rule } from '../core/model.js';
import { planPatterns } from './backups/plan-patterns.js';
import type { DeskVaultService } from './service.js';
import { startPlanWatch, type PlanWatch } from './watch/index.js';

type RunContinuous = (plan: Plan, rule: Rule, changedPaths: string[] | undefined) => Promise<Job | null>;

export class ContinuousProtection {
  private readonly watches = new Map<string, { watch: PlanWatch; key: string }>();
  private readonly problems = new Map<string, string>();
  private stopped = false;

  constructor(
    private readonly svc: DeskVaultService,
    private readonly run: RunContinuous,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.reload();
  }

  /** Brings the running watches in line with the plans (added, changed, removed). */
  async reload(): Promise<void> {
    if (this.stopped) return;
    const wanted = new Map<string, { plan: Plan; rule: Rule; key: string }>();
    for (const plan of await this.svc.plans.list()) {
      for (const rule of plan.rules) {
        if (!rule.schedule.trim().toLowerCase().startsWith('continuous')) continue;
        const key = JSON.stringify([plan.resources, rule.targetVault, rule.quietPeriodSeconds]);
        wanted.set(`${plan.name}/${rule.name}`, { plan, rule, key });
      }
    }
    const changed = new Set<string>();
    for (const [id, w] of this.watches) {
      if (wanted.get(id)?.key !== w.key) {
        changed.add(id);
        this.watches.delete(id);
        this.problems.delete(id);
        await w.watch.stop();
      }
    }
    const alwaysExcluded = [this.svc.home, ...(await this.svc.registry.localFolders())];
    for (const [id, { plan, rule, key }] of wanted) {
      if (this.watches.has(id)) continue;
      // Named by the plan's folders and rules too: a plan edited while DeskVault was not running
      // gets a fresh journal without snapshots, hence a full comparison at start-up.
      const journalFile = path.join(this.svc.home, 'journal', `${createHash('sha256').update(`${id}\n${key}`).digest('hex').slice(0, 16)}.json`);
      const watch = await startPlanWatch({
        roots: plan.resources.map((r) => r.path),
        journalFile,
        excludes: planPatterns(plan),
        alwaysExcluded,
        quietMs: rule.quietPeriodSeconds * 1000,
        runBackup: async (pending) => {
          const job = await this.run(plan, rule, pending.rescan ? undefined : pending.paths);
          // Throwing keeps the journal: the changes are retried after the next quiet period.
          if (!job) throw new Error('backups are paused');
          if (job.state !== 'COMPLETED') throw new Error(`backup ${job.state.toLowerCase()}: ${job.error?.message ?? job.statusMessage ?? ''}`);
          this.problems.delete(id);
        },
        onProblem: (p) => this.problems.set(id, `plan "${plan.name}": ${p.message}`),
      });
      // Changed folders or excludes: the parent point was made under other rules, so the next
      // backup must compare everything, not only the paths the watcher reports.
      if (changed.has(id)) await watch.journal.markRescan('the plan changed');
      this.watches.set(id, { watch, key });
    }
  }

  warnings(): string[] {
    return [...this.problems.values()];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.watches.values()];
    this.watches.clear();
    await Promise.all(all.map((w) => w.watch.stop()));
  }
}
