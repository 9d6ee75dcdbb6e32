/**
 * Decides WHEN plan rules (and lifecycle/retention jobs, which are rules too) are due, and calls
 * `onDue` once per due time. It starts nothing itself: the job runner receives `onDue`, checks run
 * conditions, creates the job and applies the windows (window-state.ts).
 *
 * State. Per rule, `lastScheduledAt` means "every occurrence at or before this instant has been
 * dealt with" (fired, caught up, or reported missed). It is updated in memory and queued for the
 * injected `persistence.save` before `onDue` is called; saves run in order (`idle()` awaits them).
 * At-least-once: if the process dies before the save lands, the occurrence is caught up once on
 * restart — a backup run twice costs little (deduplication), a backup never run costs a day.
 * A rule seen for the first time is baselined at now: creating a plan never fires its past.
 *
 * Missed runs (sleep, shutdown, wall-clock jump — noticed at `start()`, when any timer fires, and on
 * `check()`, which the host calls on OS resume): however many occurrences passed, the rule fires
 * ONCE. Which once:
 * - if the latest missed occurrence's start window is still open, that occurrence runs as itself
 *   (`scheduledFor` = the occurrence, `catchUp: true`); earlier misses, if any, are in `missed`.
 * - otherwise the missed occurrences are reported in `missed` — the service records the latest as
 *   an EXPIRED job, as AWS Backup would — and one catch-up run starts now (`scheduledFor` = now,
 *   with a fresh start window). We chose to run rather than only expire: on a laptop that sleeps
 *   through its 02:00 window every night, expiring alone would mean it never backs up.
 * `catchUp` is true whenever the run fires more than `lateToleranceMs` after its occurrence.
 *
 * A rule whose schedule text or time zone changed is re-baselined at now (no catch-up of the new
 * schedule's past). If the wall clock moved backwards past `lastScheduledAt` (clock correction),
 * the rule is re-baselined at now rather than waiting for the old instant to come round again.
 * Overlap with a still-running job of the same rule is the job runner's decision.
 */
import { nextRun, latestRunAtOrBefore } from './next-runs.js';
import type { Schedule } from './parse-schedule.js';
import type { SchedulerClock, TimerHandle } from './clock.js';
import { addMinutes, DEFAULT_COMPLETION_WINDOW_MINUTES, DEFAULT_START_WINDOW_MINUTES } from './window-state.js';

/** What the scheduler needs of a plan rule (the plan's other fields are not its business). */
export interface ScheduleRule {
  /** Stable across edits of the plan: state is keyed by it. */
  id: string;
  schedule: Schedule;
  /** Default 60 (main/core's Rule default). */
  startWindowMinutes?: number;
  /** Default 10080 (7 days, AWS Backup's default); counted from the job's actual start. */
  completionWindowMinutes?: number;
}

/** Per-rule state the host persists (JSON-safe). */
export interface RuleScheduleState {
  /** Every occurrence at or before this instant has been dealt with (ISO 8601). */
  lastScheduledAt?: string;
  /** When the job runner last actually started a job of this rule (`markStarted`). */
  lastStartedAt?: string;
  /** `expression` + time zone the state was computed for; a change re-baselines the rule. */
  scheduleKey?: string;
}

export interface SchedulerPersistence {
  load(): Promise<Record<string, RuleScheduleState>> | Record<string, RuleScheduleState>;
  /** Called in order per rule; the scheduler never waits for it before its next decision. */
  save(ruleId: string, state: RuleScheduleState): Promise<void> | void;
}

export interface DueRun {
  /** The occurrence this run stands for (now, for a catch-up whose occurrence's window had closed). */
  scheduledFor: Date;
  /** `scheduledFor + startWindowMinutes`: not started by then → EXPIRED. */
  deadlineStart: Date;
  /** Outer bound: `deadlineStart + completionWindowMinutes`. The exact one is `startedAt + completionWindowMinutes` (windowState). */
  deadlineComplete: Date;
  catchUp: boolean;
  /** Occurrences that passed without their own run: first and latest (equal when one was missed). */
  missed?: { first: Date; latest: Date };
}

export interface SchedulerOptions {
  clock: SchedulerClock;
  persistence: SchedulerPersistence;
  onDue(ruleId: string, run: DueRun): void | Promise<void>;
  /** Failures of `onDue` or `save`; the scheduler carries on either way. Default: ignored. */
  onError?(err: unknown, ruleId: string): void;
  /** How late a timer may fire and still count as on time (default 60 s: the system clock's re-check period). */
  lateToleranceMs?: number;
}

export class Scheduler {
  private readonly rules = new Map<string, ScheduleRule>();
  private readonly states = new Map<string, RuleScheduleState>();
  private readonly timers = new Map<string, TimerHandle>();
  private saving: Promise<void> = Promise.resolve();
  private started = false;

  constructor(private readonly options: SchedulerOptions) {}

  /** Loads state, then evaluates every rule: due and missed runs fire now, the rest get timers. */
  async start(rules: ScheduleRule[]): Promise<void> {
    const loaded = await this.options.persistence.load();
    for (const [id, s] of Object.entries(loaded)) this.states.set(id, { ...s });
    this.started = true;
    this.setRules(rules);
  }

  /** Replaces the rule set (plan edits). Removed rules lose their timers; their stored state is left to the host. */
  setRules(rules: ScheduleRule[]): void {
    const ids = new Set(rules.map((r) => r.id));
    for (const id of this.rules.keys()) if (!ids.has(id)) this.disarm(id);
    for (const id of [...this.rules.keys()]) if (!ids.has(id)) this.rules.delete(id);
    for (const r of rules) this.rules.set(r.id, r);
    if (this.started) for (const r of rules) this.evaluate(r.id);
  }

  /** Re-evaluates every rule now; the host calls it on OS resume and after a wall-clock change. */
  check(): void {
    for (const id of this.rules.keys()) this.evaluate(id);
  }

  /** Records that the job runner started a job of this rule. */
  markStarted(ruleId: string, at: Date = this.options.clock.now()): void {
    const state = { ...this.states.get(ruleId), lastStartedAt: at.toISOString() };
    this.states.set(ruleId, state);
    this.persist(ruleId, state);
  }

  /** The next due time of a rule, for the UI; undefined if none is scheduled. */
  nextDue(ruleId: string): Date | undefined {
    const rule = this.rules.get(ruleId);
    const last = this.states.get(ruleId)?.lastScheduledAt;
    if (!rule || !last) return undefined;
    return nextRun(rule.schedule, new Date(last)) ?? undefined;
  }

  state(ruleId: string): RuleScheduleState | undefined {
    const s = this.states.get(ruleId);
    return s && { ...s };
  }

  /** Cancels every timer. State already saved stays; `start` again to resume. */
  stop(): void {
    for (const id of [...this.timers.keys()]) this.disarm(id);
    this.started = false;
  }

  /** Resolves once every queued `save` has settled (shutdown, tests). */
  idle(): Promise<void> {
    return this.saving;
  }

  private evaluate(ruleId: string): void {
    const rule = this.rules.get(ruleId);
    if (!rule || !this.started) return;
    this.disarm(ruleId);
    const now = this.options.clock.now();
    const key = `${rule.schedule.expression}\0${rule.schedule.timeZone}`;
    let state = this.states.get(ruleId) ?? {};
    const last = state.lastScheduledAt === undefined ? undefined : new Date(state.lastScheduledAt);
    if (!last || state.scheduleKey !== key || last.getTime() > now.getTime()) {
      state = { ...state, lastScheduledAt: now.toISOString(), scheduleKey: key };
      this.states.set(ruleId, state);
      this.persist(ruleId, state);
    }
    const first = nextRun(rule.schedule, new Date(state.lastScheduledAt!));
    if (first && first.getTime() <= now.getTime()) {
      const found = latestRunAtOrBefore(rule.schedule, now);
      const latest = found && found.getTime() >= first.getTime() ? found : first;
      const run = this.dueRun(rule, first, latest, now);
      state = { ...state, lastScheduledAt: latest.toISOString() };
      this.states.set(ruleId, state);
      this.persist(ruleId, state);
      this.fire(ruleId, run);
      if (!this.started || this.rules.get(ruleId) !== rule) return; // onDue stopped us or replaced the rule
    }
    this.arm(rule, new Date(state.lastScheduledAt!), now);
  }

  /** A timer at the rule's next occurrence after `after` (never earlier than a second from now, so a faulty schedule cannot spin). */
  private arm(rule: ScheduleRule, after: Date, now: Date): void {
    this.disarm(rule.id);
    const next = nextRun(rule.schedule, after);
    if (!next) return;
    const at = next.getTime() > now.getTime() ? next : new Date(now.getTime() + 1000);
    this.timers.set(rule.id, this.options.clock.setTimer(at, () => {
      this.timers.delete(rule.id);
      this.evaluate(rule.id);
    }));
  }

  /** One run for the occurrences `first` … `latest` (all at or before `now`); see the file comment. */
  private dueRun(rule: ScheduleRule, first: Date, latest: Date, now: Date): DueRun {
    const startWindow = rule.startWindowMinutes ?? DEFAULT_START_WINDOW_MINUTES;
    const completionWindow = rule.completionWindowMinutes ?? DEFAULT_COMPLETION_WINDOW_MINUTES;
    const late = now.getTime() - latest.getTime() > (this.options.lateToleranceMs ?? 60_000);
    const windowOpen = now.getTime() < addMinutes(latest, startWindow).getTime();
    let scheduledFor = latest;
    let missed: DueRun['missed'];
    if (windowOpen) {
      if (first.getTime() < latest.getTime()) {
        const before = latestRunAtOrBefore(rule.schedule, new Date(latest.getTime() - 1)) ?? first;
        missed = { first, latest: before };
      }
    } else {
      scheduledFor = now;
      missed = { first, latest };
    }
    const deadlineStart = addMinutes(scheduledFor, startWindow);
    return { scheduledFor, deadlineStart, deadlineComplete: addMinutes(deadlineStart, completionWindow), catchUp: late || !windowOpen, ...(missed && { missed }) };
  }

  private fire(ruleId: string, run: DueRun): void {
    try {
      const result = this.options.onDue(ruleId, run);
      if (result instanceof Promise) result.catch((err: unknown) => this.report(err, ruleId));
    } catch (err) {
      this.report(err, ruleId);
    }
  }

  private persist(ruleId: string, state: RuleScheduleState): void {
    const snapshot = { ...state };
    this.saving = this.saving.then(async () => {
      try {
        await this.options.persistence.save(ruleId, snapshot);
      } catch (err) {
        this.report(err, ruleId);
      }
    });
  }

  private report(err: unknown, ruleId: string): void {
    try {
      this.options.onError?.(err, ruleId);
    } catch {
      // an error handler that throws must not stop the scheduler
    }
  }

  private disarm(ruleId: string): void {
    this.timers.get(ruleId)?.cancel();
    this.timers.delete(ruleId);
  }
}
