/**
 * Run conditions of a plan rule: only on AC power, not on metered networks. Each is answered by an
 * injected probe (power-probe.ts, metered-probe.ts); a probe that cannot tell says UNKNOWN, and
 * UNKNOWN allows the run — a desktop without a battery or a system without NetworkManager must not
 * be kept from backing up because we could not ask.
 *
 * Deferral. A job held back by a condition stays PENDING and is re-checked every `recheckMinutes`
 * (default 5) — polling rather than OS events, because the probes are portable and cheap and a few
 * minutes' delay is harmless for a backup. It runs at the first check that passes; if its start
 * window closes first it is EXPIRED with the condition as the reason. `planRun` turns one check
 * into that decision; the job runner sets a timer for `recheckAt`.
 *
 * A bandwidth limit is not a gate: `limitUploadBytesPerSec` (main/core's name) is carried here so
 * a plan's conditions live in one object; the job runner applies it by wrapping the vault's store
 * in the engine's ThrottleStore, and `checkConditions` ignores it.
 */
import { createMeteredProbe } from './metered-probe.js';
import { createPowerProbe } from './power-probe.js';

export interface RunConditions {
  onlyOnAcPower?: boolean;
  notOnMeteredNetwork?: boolean;
  /** Upload limit for the job; applied by the job runner, never blocks a start. */
  limitUploadBytesPerSec?: number;
}

export type PowerSource = 'AC' | 'BATTERY' | 'UNKNOWN';
export type NetworkCost = 'METERED' | 'UNMETERED' | 'UNKNOWN';

export interface ConditionProbes {
  power(): Promise<PowerSource>;
  network(): Promise<NetworkCost>;
}

export interface ConditionVerdict {
  allowed: boolean;
  /** Why not, one sentence each, e.g. "the computer is on battery power". */
  blockedBy: string[];
  /** Conditions that were asked for but could not be determined (and so did not block). */
  unknown: string[];
}

export type RunDecision =
  | { action: 'RUN' }
  | { action: 'DEFER'; recheckAt: Date; reasons: string[] }
  | { action: 'EXPIRE'; reasons: string[] };

/** Default re-check period for deferred jobs: short against an 8-hour start window, long against the probes' cost. */
export const DEFAULT_RECHECK_MINUTES = 5;

/** Asks only the probes the conditions need; a probe that throws counts as UNKNOWN. */
export async function checkConditions(conditions: RunConditions, probes: ConditionProbes): Promise<ConditionVerdict> {
  const blockedBy: string[] = [];
  const unknown: string[] = [];
  if (conditions.onlyOnAcPower) {
    const power = await probes.power().catch((): PowerSource => 'UNKNOWN');
    if (power === 'BATTERY') blockedBy.push('the computer is on battery power');
    if (power === 'UNKNOWN') unknown.push('power source');
  }
  if (conditions.notOnMeteredNetwork) {
    const network = await probes.network().catch((): NetworkCost => 'UNKNOWN');
    if (network === 'METERED') blockedBy.push('the network connection is metered');
    if (network === 'UNKNOWN') unknown.push('network cost');
  }
  return { allowed: blockedBy.length === 0, blockedBy, unknown };
}

/**
 * Run now, wait until `recheckAt`, or give up. The start window wins over the conditions: at or
 * after `deadlineStart` the job expires even if the conditions now pass (the same instant
 * windowState calls it EXPIRED). A deferral never outlives the window: the last `recheckAt` is
 * `deadlineStart` itself, where the job expires with the blocking conditions as its reasons.
 */
export function planRun(verdict: ConditionVerdict, now: Date, deadlineStart: Date, recheckMinutes = DEFAULT_RECHECK_MINUTES): RunDecision {
  if (now.getTime() >= deadlineStart.getTime()) return { action: 'EXPIRE', reasons: verdict.allowed ? ['the start window closed'] : verdict.blockedBy };
  if (verdict.allowed) return { action: 'RUN' };
  const recheck = Math.min(now.getTime() + recheckMinutes * 60_000, deadlineStart.getTime());
  return { action: 'DEFER', recheckAt: new Date(recheck), reasons: verdict.blockedBy };
}

/** The real probes for this machine (sysfs/pmset for power, nmcli for metered networks). */
export function systemConditionProbes(): ConditionProbes {
  return { power: createPowerProbe(), network: createMeteredProbe() };
}
