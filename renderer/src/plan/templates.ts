/**
 * Ready-made plans for the first run: a person picks "how often and how long", not cron syntax.
 * Each template becomes the rules of `plans.create`; everything stays editable on the Plans screen.
 */
import type { ApiInput } from '../../../main/core/api.js';

type RuleInput = ApiInput<'plans.create'>['rules'][number];

export interface PlanTemplate {
  id: string;
  label: string;
  description: string;
  rules: (vault: string) => RuleInput[];
}

export const PLAN_TEMPLATES: readonly PlanTemplate[] = [
  {
    id: 'continuous-daily',
    label: 'Continuous + daily, keep 30 days, 12 monthly',
    description: 'Changes are backed up seconds after you save; a nightly run at 02:00 double-checks everything.',
    rules: (vault) => [
      { name: 'continuous', targetVault: vault, schedule: 'continuous', quietPeriodSeconds: 10, retention: { keepDaily: 30, keepMonthly: 12 } },
      { name: 'daily', targetVault: vault, schedule: '0 2 * * *', retention: { keepDaily: 30, keepMonthly: 12 } },
    ],
  },
  {
    id: 'daily',
    label: 'Every night, keep 14 daily, 8 weekly, 12 monthly',
    description: 'One backup a night at 02:00 (a missed run catches up when the computer is back on).',
    rules: (vault) => [{ name: 'daily', targetVault: vault, schedule: '0 2 * * *', retention: { keepDaily: 14, keepWeekly: 8, keepMonthly: 12 } }],
  },
  {
    id: 'hourly',
    label: 'Every hour, keep 24 hourly, 30 daily',
    description: 'A backup every hour while the computer is on.',
    rules: (vault) => [{ name: 'hourly', targetVault: vault, schedule: 'rate(1 hour)', retention: { keepHourly: 24, keepDaily: 30 } }],
  },
];

/** A plan name from a folder: "/home/ann/Documents" → "Documents". */
export function planNameFor(paths: string[]): string {
  const last = paths[0]?.split(/[\\/]/).filter(Boolean).pop() ?? 'My files';
  const cleaned = last.replace(/[^A-Za-z0-9 _.-]/g, '').trim().slice(0, 64);
  return /^[A-Za-z0-9_-]/.test(cleaned) ? cleaned : 'My files';
}
