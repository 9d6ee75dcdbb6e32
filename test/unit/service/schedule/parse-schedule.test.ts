/** Schedule parsing, next run times (including DST changes) and the describing sentence. */
import { describe, expect, it } from 'vitest';
import { DeskVaultError } from '../../../../main/core/errors.js';
import { describeSchedule, latestRunAtOrBefore, nextRun, nextRuns, parseSchedule, type Schedule } from '../../../../main/service/schedule/index.js';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

function invalidInput(fn: () => unknown): DeskVaultError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DeskVaultError);
    expect((err as DeskVaultError).code).toBe('INVALID_INPUT');
    return err as DeskVaultError;
  }
  throw new Error('expected INVALID_INPUT');
}

describe('parseSchedule', () => {
  it('reads a five-field crontab line in the given time zone', () => {
    const s = parseSchedule('0 2 * * *', 'europe/paris');
    expect(s).toMatchObject({ kind: 'cron', timeZone: 'Europe/Paris', dialect: 'crontab', pattern: '0 0 2 * * * *' });
  });

  it('reads cron(...) as AWS Backup six fields, day of week 1 = Sunday', () => {
    const monday = parseSchedule('cron(0 5 ? * 2 *)', 'UTC');
    expect(monday).toMatchObject({ kind: 'cron', dialect: 'aws' });
    expect(iso(nextRuns(monday, new Date('2026-03-27T12:00:00Z'), 2))).toEqual(['2026-03-30T05:00:00.000Z', '2026-04-06T05:00:00.000Z']);
    const weekdays = parseSchedule('cron(0 5 ? * MON-FRI *)', 'UTC');
    expect(iso(nextRuns(weekdays, new Date('2026-03-27T12:00:00Z'), 2))).toEqual(['2026-03-30T05:00:00.000Z', '2026-03-31T05:00:00.000Z']);
  });

  it('reads six plain fields as seconds first, and @nicknames', () => {
    const s = parseSchedule('30 0 2 * * *', 'UTC');
    expect(nextRun(s, new Date('2026-01-01T00:00:00Z'))?.toISOString()).toBe('2026-01-01T02:00:30.000Z');
    const daily = parseSchedule('@daily', 'UTC');
    expect(nextRun(daily, new Date('2026-01-01T10:00:00Z'))?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });

  it('reads rates in singular and plural', () => {
    expect(parseSchedule('rate(1 hour)')).toMatchObject({ kind: 'rate', every: 1, unit: 'hours', intervalMs: 3_600_000 });
    expect(parseSchedule('rate(30 minutes)')).toMatchObject({ kind: 'rate', every: 30, unit: 'minutes', intervalMs: 1_800_000 });
    expect(parseSchedule('RATE( 2 Days )')).toMatchObject({ kind: 'rate', every: 2, unit: 'days' });
  });

  it('reads continuous, with or without a safety net', () => {
    expect(parseSchedule('continuous')).toMatchObject({ kind: 'continuous' });
    expect(parseSchedule('continuous')).not.toHaveProperty('safetyNet');
    expect(parseSchedule('continuous(rate(1 hour))')).toMatchObject({ kind: 'continuous', safetyNet: { kind: 'rate', intervalMs: 3_600_000 } });
    expect(parseSchedule('continuous(6 hours)')).toMatchObject({ kind: 'continuous', safetyNet: { every: 6, unit: 'hours' } });
  });

  it('defaults to the system time zone', () => {
    expect(parseSchedule('0 2 * * *').timeZone).toBe(new Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it.each([
    ['', /schedule is required/],
    ['0 2 * *', /five-field crontab line/],
    ['61 2 * * *', /not a valid cron expression/],
    ['cron(0 2 * * *)', /AWS Backup's six fields/],
    ['cron(0 25 ? * * *)', /not a valid cron expression/],
    ['rate(0 minutes)', /at least 1 minute/],
    ['rate(1 week)', /rate\(N minutes\|hours\|days\)/],
    ['rate(400 days)', /longer than 366 days/],
    ['continuous()', /safety-net interval/],
    ['@reboot', /unknown nickname/],
    ['every day', /not a schedule/],
  ])('refuses %j with one clear sentence', (expr, sentence) => {
    const err = invalidInput(() => parseSchedule(expr, 'UTC'));
    expect(err.message).toMatch(sentence);
    expect(err.data.schedule).toBe(expr);
  });

  it('refuses an unknown time zone', () => {
    const err = invalidInput(() => parseSchedule('0 2 * * *', 'Mars/Olympus_Mons'));
    expect(err.message).toBe('unknown time zone "Mars/Olympus_Mons": use an IANA name such as Europe/Paris, America/New_York or UTC');
  });
});

describe('nextRuns', () => {
  it('keeps 02:00 local across spring-forward in Europe/Paris (the missing hour runs at 03:00)', () => {
    const s = parseSchedule('0 2 * * *', 'Europe/Paris');
    expect(iso(nextRuns(s, new Date('2026-03-27T12:00:00Z'), 4))).toEqual([
      '2026-03-28T01:00:00.000Z', // 02:00 CET
      '2026-03-29T01:00:00.000Z', // 02:00 does not exist: 03:00 CEST
      '2026-03-30T00:00:00.000Z', // 02:00 CEST
      '2026-03-31T00:00:00.000Z',
    ]);
  });

  it('runs a repeated local time once at fall-back in Europe/Paris', () => {
    const s = parseSchedule('30 2 * * *', 'Europe/Paris');
    expect(iso(nextRuns(s, new Date('2026-10-24T12:00:00Z'), 3))).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z']);
  });

  it('follows America/New_York on its own DST date', () => {
    const s = parseSchedule('cron(0 9 ? * * *)', 'America/New_York');
    expect(iso(nextRuns(s, new Date('2026-03-07T00:00:00Z'), 3))).toEqual(['2026-03-07T14:00:00.000Z', '2026-03-08T13:00:00.000Z', '2026-03-09T13:00:00.000Z']);
  });

  it('puts rates on a grid counted from the epoch, independent of the starting instant', () => {
    const s = parseSchedule('rate(30 minutes)', 'Europe/Paris');
    expect(iso(nextRuns(s, new Date('2026-01-01T10:07:00Z'), 3))).toEqual(['2026-01-01T10:30:00.000Z', '2026-01-01T11:00:00.000Z', '2026-01-01T11:30:00.000Z']);
    expect(nextRun(s, new Date('2026-01-01T10:30:00Z'))?.toISOString()).toBe('2026-01-01T11:00:00.000Z');
    expect(latestRunAtOrBefore(s, new Date('2026-01-01T10:30:00Z'))?.toISOString()).toBe('2026-01-01T10:30:00.000Z');
  });

  it('gives a continuous schedule its safety-net runs only', () => {
    expect(nextRuns(parseSchedule('continuous'), new Date('2026-01-01T00:00:00Z'), 5)).toEqual([]);
    expect(iso(nextRuns(parseSchedule('continuous(rate(1 hour))'), new Date('2026-01-01T00:10:00Z'), 2))).toEqual(['2026-01-01T01:00:00.000Z', '2026-01-01T02:00:00.000Z']);
  });

  it('returns fewer runs when a cron schedule ends', () => {
    const s = parseSchedule('cron(0 12 31 12 ? 2026)', 'UTC');
    expect(iso(nextRuns(s, new Date('2026-01-01T00:00:00Z'), 5))).toEqual(['2026-12-31T12:00:00.000Z']);
  });

  it('finds the latest cron run at or before an instant', () => {
    const s = parseSchedule('0 2 * * *', 'UTC');
    expect(latestRunAtOrBefore(s, new Date('2026-01-05T02:00:00Z'))?.toISOString()).toBe('2026-01-05T02:00:00.000Z');
    expect(latestRunAtOrBefore(s, new Date('2026-01-05T01:59:59.999Z'))?.toISOString()).toBe('2026-01-04T02:00:00.000Z');
  });
});

describe('describeSchedule', () => {
  const cases: [Schedule, string][] = [
    [parseSchedule('0 2 * * *', 'Europe/Paris'), 'every day at 02:00 (Europe/Paris)'],
    [parseSchedule('cron(30 1 ? * 2-6 *)', 'UTC'), 'every Monday to Friday at 01:30 (UTC)'],
    [parseSchedule('0 22 * * 1,3,5', 'UTC'), 'every Monday, Wednesday and Friday at 22:00 (UTC)'],
    [parseSchedule('0 3 1 * *', 'UTC'), 'on day 1 of every month at 03:00 (UTC)'],
    [parseSchedule('15 * * * *', 'UTC'), 'every hour at minute 15 (UTC)'],
    [parseSchedule('*/10 9-17 * * *', 'UTC'), 'on the cron schedule */10 9-17 * * * (UTC)'],
    [parseSchedule('rate(1 hour)'), 'every hour'],
    [parseSchedule('rate(30 minutes)'), 'every 30 minutes'],
    [parseSchedule('rate(1 day)'), 'every day at 00:00 UTC'],
    [parseSchedule('continuous'), 'continuously on file changes'],
    [parseSchedule('continuous(rate(1 hour))'), 'continuously on file changes, and every hour as a safety net'],
  ];
  it.each(cases)('%#: %s', (s, sentence) => {
    expect(describeSchedule(s)).toBe(sentence);
  });
});
