/**
 * The scheduler on a fake clock: due times across DST, one catch-up after a 3-day sleep or a
 * shutdown (not one per miss), start windows on catch-up, baselines, persistence and errors.
 */
import { describe, expect, it } from 'vitest';
import { parseSchedule, Scheduler, type DueRun, type RuleScheduleState, type ScheduleRule } from '../../../../main/service/schedule/index.js';
import { FakeClock } from './fake-clock.js';

interface Fired {
  ruleId: string;
  run: DueRun;
}

function setup(start: string, stored: Record<string, RuleScheduleState> = {}) {
  const clock = new FakeClock(start);
  const fired: Fired[] = [];
  const errors: unknown[] = [];
  const saved: Record<string, RuleScheduleState> = structuredClone(stored);
  const scheduler = new Scheduler({
    clock,
    persistence: { load: () => structuredClone(saved), save: (id, s) => void (saved[id] = s) },
    onDue: (ruleId, run) => void fired.push({ ruleId, run }),
    onError: (err) => void errors.push(err),
  });
  return { clock, fired, errors, saved, scheduler };
}

const rule = (id: string, expr: string, timeZone = 'UTC', extra: Partial<ScheduleRule> = {}): ScheduleRule => ({ id, schedule: parseSchedule(expr, timeZone), ...extra });
const times = (fired: Fired[]) => fired.map((f) => f.run.scheduledFor.toISOString());

describe('Scheduler', () => {
  it('fires a daily Europe/Paris rule at 02:00 local across spring-forward, with its deadlines', async () => {
    const { clock, fired, scheduler } = setup('2026-03-27T12:00:00Z');
    await scheduler.start([rule('nightly', '0 2 * * *', 'Europe/Paris', { startWindowMinutes: 60, completionWindowMinutes: 120 })]);
    expect(fired).toEqual([]);
    clock.advanceTo('2026-03-31T12:00:00Z');
    expect(times(fired)).toEqual(['2026-03-28T01:00:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:00:00.000Z', '2026-03-31T00:00:00.000Z']);
    expect(fired.every((f) => f.ruleId === 'nightly' && !f.run.catchUp && f.run.missed === undefined)).toBe(true);
    expect(fired[0].run.deadlineStart.toISOString()).toBe('2026-03-28T02:00:00.000Z');
    expect(fired[0].run.deadlineComplete.toISOString()).toBe('2026-03-28T04:00:00.000Z');
    expect(clock.pending().map((d) => d.toISOString())).toEqual(['2026-04-01T00:00:00.000Z']);
  });

  it('fires rate rules on their grid', async () => {
    const { clock, fired, scheduler } = setup('2026-01-01T10:07:00Z');
    await scheduler.start([rule('r', 'rate(30 minutes)')]);
    clock.advanceTo('2026-01-01T11:45:00Z');
    expect(times(fired)).toEqual(['2026-01-01T10:30:00.000Z', '2026-01-01T11:00:00.000Z', '2026-01-01T11:30:00.000Z']);
  });

  it('fires ONE catch-up after a simulated 3-day sleep, reports the misses, and resumes the schedule', async () => {
    const { clock, fired, scheduler, saved } = setup('2026-05-01T00:30:00Z');
    await scheduler.start([rule('hourly', 'rate(1 hour)', 'UTC', { startWindowMinutes: 30, completionWindowMinutes: 60 })]);
    clock.advanceTo('2026-05-01T01:10:00Z');
    expect(times(fired)).toEqual(['2026-05-01T01:00:00.000Z']);

    clock.sleepUntil('2026-05-04T01:45:00Z'); // 72 hourly occurrences passed while asleep
    expect(fired).toHaveLength(2);
    const catchUp = fired[1].run;
    expect(catchUp.catchUp).toBe(true);
    // 01:00 on the 4th was the latest miss, and its 30-minute window closed at 01:30: run now.
    expect(catchUp.scheduledFor.toISOString()).toBe('2026-05-04T01:45:00.000Z');
    expect(catchUp.deadlineStart.toISOString()).toBe('2026-05-04T02:15:00.000Z');
    expect(catchUp.missed).toEqual({ first: new Date('2026-05-01T02:00:00Z'), latest: new Date('2026-05-04T01:00:00Z') });

    await scheduler.idle();
    expect(saved.hourly.lastScheduledAt).toBe('2026-05-04T01:00:00.000Z');
    clock.advanceTo('2026-05-04T03:00:00Z');
    expect(times(fired).slice(2)).toEqual(['2026-05-04T02:00:00.000Z', '2026-05-04T03:00:00.000Z']);
    expect(fired.slice(2).every((f) => !f.run.catchUp)).toBe(true);
  });

  it('runs the latest missed occurrence as itself while its start window is still open', async () => {
    const { clock, fired, scheduler } = setup('2026-05-01T12:00:00Z');
    await scheduler.start([rule('nightly', '0 2 * * *', 'UTC', { startWindowMinutes: 8 * 60 })]);
    clock.sleepUntil('2026-05-04T03:00:00Z'); // misses the 2nd, 3rd and 4th at 02:00
    expect(fired).toHaveLength(1);
    expect(fired[0].run).toMatchObject({ catchUp: true, scheduledFor: new Date('2026-05-04T02:00:00Z'), deadlineStart: new Date('2026-05-04T10:00:00Z') });
    expect(fired[0].run.missed).toEqual({ first: new Date('2026-05-02T02:00:00Z'), latest: new Date('2026-05-03T02:00:00Z') });
  });

  it('catches up once at start() after a shutdown, from the persisted state', async () => {
    const first = setup('2026-05-01T00:30:00Z');
    await first.scheduler.start([rule('hourly', 'rate(1 hour)')]);
    first.clock.advanceTo('2026-05-01T01:00:00Z');
    first.scheduler.stop();
    await first.scheduler.idle();
    expect(first.clock.pending()).toEqual([]);

    const second = setup('2026-05-03T09:20:00Z', first.saved);
    await second.scheduler.start([rule('hourly', 'rate(1 hour)')]);
    expect(second.fired).toHaveLength(1);
    expect(second.fired[0].run).toMatchObject({ catchUp: true, scheduledFor: new Date('2026-05-03T09:00:00Z') });
    expect(second.fired[0].run.missed?.first).toEqual(new Date('2026-05-01T02:00:00Z'));
  });

  it('does not fire a new rule for occurrences before it was first seen', async () => {
    const { clock, fired, scheduler, saved } = setup('2026-05-01T12:00:00Z');
    await scheduler.start([rule('new', '0 2 * * *')]);
    await scheduler.idle();
    expect(fired).toEqual([]);
    expect(saved.new.lastScheduledAt).toBe('2026-05-01T12:00:00.000Z');
    expect(scheduler.nextDue('new')?.toISOString()).toBe('2026-05-02T02:00:00.000Z');
    clock.advanceTo('2026-05-02T02:00:00Z');
    expect(times(fired)).toEqual(['2026-05-02T02:00:00.000Z']);
  });

  it('re-baselines a rule whose schedule changed, instead of catching up the new schedule', async () => {
    const { clock, fired, scheduler } = setup('2026-05-01T12:00:00Z');
    await scheduler.start([rule('r', '0 2 * * *')]);
    clock.advanceTo('2026-05-01T20:00:00Z');
    scheduler.setRules([rule('r', '0 13 * * *')]); // 13:00 today has passed since the old baseline
    expect(fired).toEqual([]);
    expect(clock.pending().map((d) => d.toISOString())).toEqual(['2026-05-02T13:00:00.000Z']);
  });

  it('re-baselines when the wall clock moves back, rather than waiting for the old instant', async () => {
    const { clock, fired, scheduler } = setup('2026-05-10T12:00:00Z');
    await scheduler.start([rule('r', 'rate(1 hour)')]);
    clock.setTime('2026-05-01T12:30:00Z');
    scheduler.check();
    expect(fired).toEqual([]);
    expect(clock.pending().map((d) => d.toISOString())).toEqual(['2026-05-01T13:00:00.000Z']);
  });

  it('treats a timer that fires within the tolerance as on time, and a later one as catch-up', async () => {
    const { clock, fired, scheduler } = setup('2026-05-01T00:30:00Z');
    await scheduler.start([rule('r', 'rate(1 hour)', 'UTC', { startWindowMinutes: 60 })]);
    clock.sleepUntil('2026-05-01T01:00:30Z');
    clock.sleepUntil('2026-05-01T02:10:00Z');
    expect(fired.map((f) => [f.run.scheduledFor.toISOString(), f.run.catchUp])).toEqual([
      ['2026-05-01T01:00:00.000Z', false],
      ['2026-05-01T02:00:00.000Z', true],
    ]);
    expect(fired[1].run.missed).toBeUndefined();
  });

  it('keeps going when onDue throws or rejects, and reports it', async () => {
    const clock = new FakeClock('2026-05-01T00:30:00Z');
    const errors: unknown[] = [];
    let calls = 0;
    const scheduler = new Scheduler({
      clock,
      persistence: { load: () => ({}), save: () => Promise.reject(new Error('disk full')) },
      onDue: () => {
        calls++;
        if (calls === 1) throw new Error('sync boom');
        return Promise.reject(new Error('async boom'));
      },
      onError: (err) => void errors.push(err),
    });
    await scheduler.start([rule('r', 'rate(1 hour)')]);
    clock.advanceTo('2026-05-01T02:00:00Z');
    await scheduler.idle();
    expect(calls).toBe(2);
    expect(errors.map((e) => (e as Error).message)).toEqual(expect.arrayContaining(['sync boom', 'async boom', 'disk full']));
  });

  it('cancels the timers of removed rules and on stop()', async () => {
    const { clock, fired, scheduler } = setup('2026-05-01T00:30:00Z');
    await scheduler.start([rule('a', 'rate(1 hour)'), rule('b', 'rate(1 hour)')]);
    expect(clock.pending()).toHaveLength(2);
    scheduler.setRules([rule('b', 'rate(1 hour)')]);
    clock.advanceTo('2026-05-01T01:00:00Z');
    expect(fired.map((f) => f.ruleId)).toEqual(['b']);
    scheduler.stop();
    clock.advanceTo('2026-05-02T00:00:00Z');
    expect(fired).toHaveLength(1);
  });

  it('records lastStartedAt when the runner starts a job', async () => {
    const { scheduler, saved } = setup('2026-05-01T00:30:00Z');
    await scheduler.start([rule('r', 'rate(1 hour)')]);
    scheduler.markStarted('r', new Date('2026-05-01T00:31:00Z'));
    await scheduler.idle();
    expect(saved.r.lastStartedAt).toBe('2026-05-01T00:31:00.000Z');
    expect(scheduler.state('r')?.lastStartedAt).toBe('2026-05-01T00:31:00.000Z');
  });

  it('schedules nothing for continuous without a safety net, and the safety net when given', async () => {
    const { clock, fired, scheduler } = setup('2026-05-01T00:30:00Z');
    await scheduler.start([rule('c', 'continuous'), rule('s', 'continuous(rate(1 hour))')]);
    clock.advanceTo('2026-05-01T02:30:00Z');
    expect(fired.map((f) => [f.ruleId, f.run.scheduledFor.toISOString()])).toEqual([
      ['s', '2026-05-01T01:00:00.000Z'],
      ['s', '2026-05-01T02:00:00.000Z'],
    ]);
  });
});
