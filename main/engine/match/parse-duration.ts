/**
 * Calendar durations for `forget --keep-within`, in restic's syntax: one or more
 * `<whole number><unit>` pairs, units `y` (years), `m` (months), `d` (days), `h` (hours), e.g.
 * `1y2m3d4h`, `6m`, `36h`. Units are lowercase (`m` is months, never minutes), in any order, each
 * at most once (restic silently keeps the last of a repeated unit; we reject it as a likely typo).
 *
 * `subtractDuration` works on UTC calendar fields, so the answer does not depend on the machine's
 * time zone or daylight saving: years and months move the calendar month, clamping the day to the
 * month's last day (31 Mar − 1m = 28/29 Feb; Go and so restic would overflow to 3 Mar), then days
 * count as 24 h and hours as 3600 s. Clamping gives the earlier cutoff, so `--keep-within` keeps
 * at least what restic would keep.
 */

import { DeskVaultError } from '../../core/errors.js';

export interface Duration {
  readonly years: number;
  readonly months: number;
  readonly days: number;
  readonly hours: number;
}

const UNIT_FIELDS = { y: 'years', m: 'months', d: 'days', h: 'hours' } as const;
const PART = /(\d+)([a-zA-Z]?)/y;
const HOUR_MS = 3_600_000;

/** Throws DeskVaultError('INVALID_INPUT') naming the value and what is wrong with it. */
export function parseDuration(input: string): Duration {
  const invalid = (why: string): DeskVaultError =>
    new DeskVaultError('INVALID_INPUT', `Invalid duration ${JSON.stringify(input)}: ${why}.`, { value: String(input) });
  if (typeof input !== 'string') throw invalid('expected text such as "1y2m3d4h"');
  const text = input.trim();
  if (text === '') throw invalid('it is empty; expected numbers with units y, m, d, h, such as 1y2m3d4h');
  const result = { years: 0, months: 0, days: 0, hours: 0 };
  const seen = new Set<string>();
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const at = PART.lastIndex;
    const match = PART.exec(text);
    if (match === null) throw invalid(`expected a whole number at "${text.slice(at)}"`);
    const [, digits, unit] = match;
    if (unit === '' && text[PART.lastIndex] === '.') throw invalid('use whole numbers, e.g. 36h instead of 1.5d');
    if (unit === '') throw invalid(`the number ${digits} has no unit; use y, m, d or h`);
    if (!Object.hasOwn(UNIT_FIELDS, unit)) throw invalid(`unknown unit "${unit}"; use y (years), m (months), d (days) or h (hours)`);
    if (seen.has(unit)) throw invalid(`the unit "${unit}" appears twice`);
    seen.add(unit);
    const value = Number(digits);
    if (!Number.isSafeInteger(value)) throw invalid(`${digits} is too large`);
    result[UNIT_FIELDS[unit as keyof typeof UNIT_FIELDS]] = value;
  }
  return result;
}

/** `date` minus `duration` (see the module comment for the calendar rules). Does not modify `date`. */
export function subtractDuration(date: Date, duration: Duration): Date {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new DeskVaultError('INVALID_INPUT', 'Cannot subtract a duration from an invalid date.');
  const monthIndex = date.getUTCFullYear() * 12 + date.getUTCMonth() - duration.years * 12 - duration.months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const result = new Date(time);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  result.setUTCFullYear(year, month, 1);
  const lastDay = new Date(result.getTime()).setUTCMonth(month + 1, 0);
  result.setUTCDate(Math.min(date.getUTCDate(), new Date(lastDay).getUTCDate()));
  result.setTime(result.getTime() - (duration.days * 24 + duration.hours) * HOUR_MS);
  if (Number.isNaN(result.getTime())) {
    throw new DeskVaultError('INVALID_INPUT', 'The duration reaches beyond the dates this program can represent.', {
      date: String(time),
    });
  }
  return result;
}
