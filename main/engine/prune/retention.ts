/**
 * Retention policy (`forget --keep-*`), with restic's semantics so people who know one know the
 * other: points are grouped by host and paths; within a group, newest first, `last N` keeps the N
 * newest, each calendar rule keeps the newest point of each of its N most recent periods that have
 * points (local time), and `within` keeps everything newer than the group's newest point minus the
 * duration. A point is kept if any rule keeps it; the reasons are reported.
 */
import { DeskVaultError } from '../../core/errors.js';
import { subtractDuration, type Duration } from '../match/parse-duration.js';
import type { RecoveryPoint } from '../repo/point.js';

export interface RetentionPolicy {
  last?: number;
  hourly?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  yearly?: number;
  within?: Duration;
}

export interface RetentionDecision {
  point: RecoveryPoint;
  keep: boolean;
  reasons: string[];
  /** In a vault with Object Lock: the point cannot be removed before this time (ISO 8601). */
  lockedUntil?: string;
}

const RULES: { name: keyof Omit<RetentionPolicy, 'within'>; bucket: (d: Date) => string }[] = [
  { name: 'last', bucket: () => '' },
  { name: 'hourly', bucket: (d) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}-${d.getHours()}` },
  { name: 'daily', bucket: (d) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}` },
  { name: 'weekly', bucket: (d) => isoWeek(d) },
  { name: 'monthly', bucket: (d) => `${d.getFullYear()}-${d.getMonth()}` },
  { name: 'yearly', bucket: (d) => `${d.getFullYear()}` },
];

export function isEmptyPolicy(p: RetentionPolicy): boolean {
  return RULES.every((r) => !p[r.name]) && !p.within;
}

export function applyRetention(points: RecoveryPoint[], policy: RetentionPolicy): RetentionDecision[] {
  if (isEmptyPolicy(policy)) {
    throw new DeskVaultError('USAGE', 'no retention rule given: say what to keep (--keep-last, --keep-daily, … or --keep-within); forget never removes everything by default', {});
  }
  const groups = new Map<string, RecoveryPoint[]>();
  for (const p of points) {
    const key = `${p.host}\0${[...p.paths].sort().join('\0')}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(p);
  }
  const out: RetentionDecision[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => b.time.localeCompare(a.time));
    const newest = new Date(group[0].time);
    const withinLimit = policy.within ? subtractDuration(newest, policy.within).getTime() : null;
    const counters = new Map(RULES.map((r) => [r.name, policy[r.name] ?? 0]));
    const lastBucket = new Map<string, string | null>(RULES.map((r) => [r.name, null]));
    for (const p of group) {
      const t = new Date(p.time);
      const reasons: string[] = [];
      for (const r of RULES) {
        const left = counters.get(r.name)!;
        if (left <= 0) continue;
        const b = r.name === 'last' ? p.id : r.bucket(t);
        if (b !== lastBucket.get(r.name)) {
          lastBucket.set(r.name, b);
          counters.set(r.name, left - 1);
          reasons.push(r.name);
        }
      }
      if (withinLimit !== null && t.getTime() >= withinLimit) reasons.push('within');
      out.push({ point: p, keep: reasons.length > 0, reasons });
    }
  }
  return out.sort((a, b) => a.point.time.localeCompare(b.point.time));
}

function isoWeek(d: Date): string {
  const t = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  const day = (t.getDay() + 6) % 7;
  t.setDate(t.getDate() - day + 3);
  const firstThursday = new Date(t.getFullYear(), 0, 4);
  const week = 1 + Math.round(((t.getTime() - firstThursday.getTime()) / 86400000 - 3 + ((firstThursday.getDay() + 6) % 7)) / 7);
  return `${t.getFullYear()}-W${week}`;
}
