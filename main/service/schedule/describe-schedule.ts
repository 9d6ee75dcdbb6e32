/**
 * A schedule as a short English phrase for the plan editor, e.g. "every day at 02:00 (Europe/Paris)".
 * Common cron shapes (daily, some weekdays, a day of the month, hourly) get a sentence; anything else
 * is shown as the expression itself with its time zone, which is never wrong. Display text only: the
 * engine and the API carry the Schedule data, not this phrase.
 */
import type { CronSchedule, RateSchedule, Schedule } from './parse-schedule.js';

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAY_ABBR = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export function describeSchedule(schedule: Schedule): string {
  switch (schedule.kind) {
    case 'rate':
      return describeRate(schedule);
    case 'continuous':
      return schedule.safetyNet ? `continuously on file changes, and ${describeRate(schedule.safetyNet)} as a safety net` : 'continuously on file changes';
    case 'cron':
      return describeCron(schedule);
  }
}

function describeRate(r: RateSchedule): string {
  const unit = r.every === 1 ? r.unit.slice(0, -1) : r.unit;
  const text = r.every === 1 ? `every ${unit}` : `every ${r.every} ${unit}`;
  // Rate grids count from the epoch in UTC (parse-schedule.ts), so whole days fall on 00:00 UTC.
  return r.unit === 'days' ? `${text} at 00:00 UTC` : text;
}

function describeCron(c: CronSchedule): string {
  const [sec, min, hour, dom, month, dow, year] = c.pattern.split(/\s+/);
  const zone = ` (${c.timeZone})`;
  const fallback = `on the cron schedule ${c.expression}${zone}`;
  const any = (f: string) => f === '*' || f === '?';
  if (sec !== '0' || !isNumber(min) || !any(month) || !any(year)) return fallback;
  if (any(hour) && any(dom) && any(dow)) return `every hour at minute ${Number(min)}${zone}`;
  if (!isNumber(hour)) return fallback;
  const at = `at ${pad(hour)}:${pad(min)}${zone}`;
  if (any(dom) && any(dow)) return `every day ${at}`;
  if (isNumber(dom) && any(dow)) return `on day ${Number(dom)} of every month ${at}`;
  if (any(dom)) {
    const days = describeDays(dow, c.dialect);
    if (days) return `every ${days} ${at}`;
  }
  return fallback;
}

/** "Monday", "Monday to Friday", "Monday, Wednesday and Friday", or undefined for other shapes. */
function describeDays(field: string, dialect: CronSchedule['dialect']): string | undefined {
  const range = /^(\w+)-(\w+)$/.exec(field);
  if (range) {
    const from = dayName(range[1], dialect);
    const to = dayName(range[2], dialect);
    return from && to ? `${from} to ${to}` : undefined;
  }
  const names = field.split(',').map((d) => dayName(d, dialect));
  if (names.some((n) => n === undefined)) return undefined;
  return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function dayName(token: string, dialect: CronSchedule['dialect']): string | undefined {
  const abbr = DAY_ABBR.indexOf(token.toUpperCase());
  if (abbr >= 0) return DAY_NAMES[abbr];
  if (!isNumber(token)) return undefined;
  // crontab: 0 and 7 are Sunday; AWS (cron(...)): 1 is Sunday … 7 is Saturday.
  const n = Number(token);
  const index = dialect === 'aws' ? n - 1 : n % 7;
  return DAY_NAMES[index];
}

function isNumber(f: string | undefined): f is string {
  return f !== undefined && /^\d+$/.test(f);
}

function pad(f: string): string {
  return f.padStart(2, '0');
}
