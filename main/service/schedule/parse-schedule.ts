/**
 * A plan rule's schedule, parsed once from the text a person writes. Three forms:
 *
 * - `cron(M H DOM MON DOW Y)` — AWS Backup's six fields (minutes, hours, day of month, month, day of
 *   week with 1 = SUN … 7 = SAT, year; `?` allowed), so an expression copied from AWS means the same here.
 * - a plain crontab line — five fields (`M H DOM MON DOW`, 0 = SUN) or croner's six (seconds first),
 *   or a nickname such as `@daily`. Without `cron(...)`, six fields mean seconds-first, not AWS.
 * - `rate(N minutes|hours|days)` — fixed-length intervals on a grid counted from the Unix epoch (UTC),
 *   so the series survives restarts and the UI's "next runs" match what the scheduler does; for a
 *   time of day, use cron. `rate(1 day)` therefore runs at 00:00 UTC.
 * - `continuous` — runs are triggered by file changes (the watcher, not this module); an optional
 *   safety-net interval, `continuous(rate(1 hour))` or `continuous(1 hour)`, adds a rate schedule.
 *
 * Cron schedules are evaluated by croner in an IANA time zone (default: the system's), so a daily
 * 02:00 run stays at 02:00 local time across DST: a time skipped by spring-forward runs at the first
 * valid minute after the gap, a time repeated by fall-back runs once. A Schedule is plain JSON data.
 * Bad input throws DeskVaultError('INVALID_INPUT') with one sentence a person can act on.
 */
import { Cron } from 'croner';
import { DeskVaultError } from '../../core/errors.js';

export type RateUnit = 'minutes' | 'hours' | 'days';

export interface CronSchedule {
  kind: 'cron';
  /** The text as written, for display and to detect edits. */
  expression: string;
  /** Canonical IANA time zone the fields are read in. */
  timeZone: string;
  /** croner's seven-field pattern (seconds … year) after translation. */
  pattern: string;
  /** 'aws' = from `cron(...)`: day of week numbered 1 = SUN (croner's Quartz mode). */
  dialect: 'aws' | 'crontab';
}

export interface RateSchedule {
  kind: 'rate';
  expression: string;
  timeZone: string;
  every: number;
  unit: RateUnit;
  intervalMs: number;
}

export interface ContinuousSchedule {
  kind: 'continuous';
  expression: string;
  timeZone: string;
  /** A scheduled run that happens even if the watcher saw nothing (missed events, watcher limits). */
  safetyNet?: RateSchedule;
}

export type Schedule = CronSchedule | RateSchedule | ContinuousSchedule;

const UNIT_MS: Record<RateUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
/** A year of days: beyond that, a rate is almost surely a typo, and cron says it better. */
const MAX_RATE_MS = 366 * UNIT_MS.days;

export function parseSchedule(expr: string, timeZone?: string): Schedule {
  const text = expr.trim();
  const zone = resolveTimeZone(timeZone);
  if (text === '') throw invalid(expr, 'a schedule is required: cron(...), a crontab line, rate(N minutes|hours|days) or continuous');
  const continuous = /^continuous(?:\s*\((.*)\))?$/i.exec(text);
  if (continuous) {
    const inner = continuous[1]?.trim();
    if (inner === undefined) return { kind: 'continuous', expression: text, timeZone: zone };
    if (inner === '') throw invalid(expr, 'continuous(...) takes a safety-net interval, e.g. continuous(rate(1 hour)), or write just continuous');
    const body = /^rate\s*\((.*)\)$/i.exec(inner)?.[1] ?? inner;
    return { kind: 'continuous', expression: text, timeZone: zone, safetyNet: parseRate(body, `rate(${body.trim()})`, zone, expr) };
  }
  const rate = /^rate\s*\((.*)\)$/i.exec(text);
  if (rate) return parseRate(rate[1], text, zone, expr);
  if (/^rate\b/i.test(text)) throw invalid(expr, 'a rate is written rate(N minutes|hours|days), e.g. rate(1 hour)');
  const aws = /^cron\s*\((.*)\)$/i.exec(text);
  if (aws) {
    const fields = aws[1].trim().split(/\s+/).filter(Boolean);
    if (fields.length !== 6) {
      throw invalid(expr, 'cron(...) takes AWS Backup\'s six fields (minutes hours day-of-month month day-of-week year), e.g. cron(0 2 ? * * *); a five-field crontab line is written without cron(...)');
    }
    return buildCron(text, `0 ${fields.join(' ')}`, 'aws', zone, expr);
  }
  if (/^cron\b/i.test(text)) throw invalid(expr, 'write cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 2 ? * * *)');
  const fields = (text.startsWith('@') ? expandNickname(text, expr) : text).split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw invalid(expr, 'not a schedule: use cron(...), a five-field crontab line such as "0 2 * * *", rate(N minutes|hours|days) or continuous');
  }
  const joined = fields.join(' ');
  return buildCron(text, fields.length === 5 ? `0 ${joined} *` : `${joined} *`, 'crontab', zone, expr);
}

/** The canonical IANA name of `timeZone`, or of the system's zone; throws INVALID_INPUT for unknown names. */
export function resolveTimeZone(timeZone?: string): string {
  if (timeZone === undefined || timeZone.trim() === '') return new Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: timeZone.trim() }).resolvedOptions().timeZone;
  } catch {
    throw new DeskVaultError('INVALID_INPUT', `unknown time zone "${timeZone}": use an IANA name such as Europe/Paris, America/New_York or UTC`, { timeZone });
  }
}

/** A croner instance for a cron schedule (cached: schedules are immutable data). Never started. */
export function cronOf(schedule: CronSchedule): Cron {
  let c = cronCache.get(schedule);
  if (!c) {
    c = new Cron(schedule.pattern, { timezone: schedule.timeZone, paused: true, mode: '7-part', alternativeWeekdays: schedule.dialect === 'aws' });
    cronCache.set(schedule, c);
  }
  return c;
}

const cronCache = new WeakMap<CronSchedule, Cron>();

function buildCron(expression: string, pattern: string, dialect: CronSchedule['dialect'], timeZone: string, raw: string): CronSchedule {
  const schedule: CronSchedule = { kind: 'cron', expression, timeZone, pattern, dialect };
  try {
    cronOf(schedule).nextRun(new Date(0));
  } catch (err) {
    const detail = (err instanceof Error ? err.message : String(err)).replace(/^CronPattern:\s*/, '');
    throw invalid(raw, `not a valid cron expression (${detail})`);
  }
  return schedule;
}

/** `@daily` and friends as croner expands them (five fields); `@reboot` and unknown names are refused. */
function expandNickname(text: string, raw: string): string {
  try {
    const expanded = new Cron(text, { paused: true }).getPattern() ?? text;
    if (!expanded.startsWith('@')) return expanded;
  } catch {
    // fall through to the one sentence below
  }
  throw invalid(raw, 'unknown nickname: use @hourly, @daily, @weekly, @monthly or @yearly');
}

function parseRate(body: string, expression: string, timeZone: string, raw: string): RateSchedule {
  const m = /^\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*$/i.exec(body);
  if (!m) throw invalid(raw, 'a rate is written rate(N minutes|hours|days), e.g. rate(1 hour) or rate(30 minutes)');
  const every = Number(m[1]);
  const unit = (m[2].toLowerCase().replace(/s?$/, 's')) as RateUnit;
  const intervalMs = every * UNIT_MS[unit];
  if (every < 1) throw invalid(raw, 'a rate must be at least 1 minute');
  if (intervalMs > MAX_RATE_MS) throw invalid(raw, 'a rate longer than 366 days is not supported; use cron(...) for yearly runs');
  return { kind: 'rate', expression, timeZone, every, unit, intervalMs };
}

function invalid(expr: string, sentence: string): DeskVaultError {
  return new DeskVaultError('INVALID_INPUT', `schedule "${expr.trim()}": ${sentence}`, { schedule: expr });
}
