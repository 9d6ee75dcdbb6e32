/**
 * Turns "no good recovery point for too long" into one PROTECTION_STALE alert per episode, and
 * one PROTECTION_RESTORED when a good point arrives — not one alert per failed run.
 *
 * The rule: a plan is stale when `now − reference ≥ frequency + grace`, where `reference` is the
 * time of its last good point (or, for a plan that never made one, the time it was added) and
 * grace is 2 h by default. So a daily plan goes stale after 26 h, an hourly one after 3 h: one
 * missed run plus time for a slow or retried one. Exactly at the threshold counts as stale.
 *
 * State per plan is OK or STALE; only the OK→STALE and STALE→OK transitions emit. Failures do not
 * move the state (they just do not bring a good point); `recordFailure` only keeps the last reason
 * for the alert's message. Nothing runs by itself: the scheduler calls `check()` (on its tick, after
 * each job, or at `nextCheckAt()`), and the clock is injected so tests move time by hand.
 */
import type { ProtectionRestoredEvent, ProtectionStaleEvent, ServiceEvent } from './events.js';

export const DEFAULT_GRACE_MS = 2 * 3600_000;

export interface TrackedPlan {
  vault: string;
  plan: string;
  /** How often the plan runs, in ms (a daily plan: 24 h). */
  frequencyMs: number;
  /** When its last good recovery point was made, or null if none yet. */
  lastGoodAt: Date | null;
  /** When the plan was added (the reference while there is no good point); default now. */
  since?: Date;
  /** Restored state after a restart, so an episode already alerted is not alerted again. */
  stale?: boolean;
}

export interface StaleProtectionTrackerOptions {
  now: () => Date;
  emit: (event: ServiceEvent) => void;
  graceMs?: number;
}

interface PlanState {
  vault: string;
  plan: string;
  frequencyMs: number;
  lastGoodAt: Date | null;
  since: Date;
  stale: boolean;
  lastFailure?: string;
}

export class StaleProtectionTracker {
  private readonly plans = new Map<string, PlanState>();
  private readonly graceMs: number;

  constructor(private readonly options: StaleProtectionTrackerOptions) {
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  }

  /** The threshold for a plan of this frequency: frequency + grace. */
  thresholdMs(frequencyMs: number): number {
    return frequencyMs + this.graceMs;
  }

  /** Adds or updates a plan (a changed frequency applies from the next check). Emits nothing. */
  setPlan(p: TrackedPlan): void {
    if (!(p.frequencyMs > 0)) throw new RangeError(`frequencyMs must be positive, got ${p.frequencyMs}`);
    const old = this.plans.get(key(p.vault, p.plan));
    this.plans.set(key(p.vault, p.plan), {
      vault: p.vault,
      plan: p.plan,
      frequencyMs: p.frequencyMs,
      lastGoodAt: latest(old?.lastGoodAt ?? null, p.lastGoodAt),
      since: p.since ?? old?.since ?? this.options.now(),
      stale: p.stale ?? old?.stale ?? false,
      lastFailure: old?.lastFailure,
    });
  }

  removePlan(vault: string, plan: string): void {
    this.plans.delete(key(vault, plan));
  }

  isStale(vault: string, plan: string): boolean {
    return this.plans.get(key(vault, plan))?.stale ?? false;
  }

  /** A good recovery point was made at `at`: emits PROTECTION_RESTORED if the plan was stale. */
  recordGoodPoint(vault: string, plan: string, at: Date, pointId?: string): void {
    const s = this.plans.get(key(vault, plan));
    if (!s) return;
    s.lastGoodAt = latest(s.lastGoodAt, at);
    s.lastFailure = undefined;
    if (s.stale && !this.isPastThreshold(s, this.options.now())) {
      s.stale = false;
      const e: ProtectionRestoredEvent = {
        type: 'PROTECTION_RESTORED',
        state: 'PROTECTED',
        time: this.options.now().toISOString(),
        vault,
        plan,
        ...(pointId ? { pointId } : {}),
        message: `Plan ${plan} on ${vault} is protected again: a good recovery point was made at ${s.lastGoodAt!.toISOString()}.`,
      };
      this.options.emit(e);
    }
  }

  /** A run failed: remembered for the alert's message; then checks this plan (emits at most once). */
  recordFailure(vault: string, plan: string, reason: string): void {
    const s = this.plans.get(key(vault, plan));
    if (!s) return;
    s.lastFailure = reason;
    this.checkOne(s, this.options.now());
  }

  /** Emits PROTECTION_STALE for each plan that has newly crossed its threshold. */
  check(): void {
    const now = this.options.now();
    for (const s of this.plans.values()) this.checkOne(s, now);
  }

  /** The earliest time a plan that is not stale yet would become stale (undefined if none). */
  nextCheckAt(): Date | undefined {
    let next: number | undefined;
    for (const s of this.plans.values()) {
      if (s.stale) continue;
      const at = (s.lastGoodAt ?? s.since).getTime() + this.thresholdMs(s.frequencyMs);
      next = next === undefined ? at : Math.min(next, at);
    }
    return next === undefined ? undefined : new Date(next);
  }

  private isPastThreshold(s: PlanState, now: Date): boolean {
    return now.getTime() - (s.lastGoodAt ?? s.since).getTime() >= this.thresholdMs(s.frequencyMs);
  }

  private checkOne(s: PlanState, now: Date): void {
    if (s.stale || !this.isPastThreshold(s, now)) return;
    s.stale = true;
    const hours = +(this.thresholdMs(s.frequencyMs) / 3600_000).toFixed(2);
    const since = s.lastGoodAt ? `since ${s.lastGoodAt.toISOString()}` : 'ever';
    const e: ProtectionStaleEvent = {
      type: 'PROTECTION_STALE',
      state: 'STALE',
      time: now.toISOString(),
      vault: s.vault,
      plan: s.plan,
      lastGoodAt: s.lastGoodAt?.toISOString() ?? null,
      thresholdHours: hours,
      message: `Plan ${s.plan} on ${s.vault} has no good recovery point ${since} (more than ${hours} h)${s.lastFailure ? `; the last run failed: ${s.lastFailure}` : ''}.`,
    };
    this.options.emit(e);
  }
}

const key = (vault: string, plan: string): string => JSON.stringify([vault, plan]);

function latest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}
