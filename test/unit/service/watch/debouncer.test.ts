import { describe, expect, it } from 'vitest';
import { QuietPeriodDebouncer } from '../../../../main/service/watch/debouncer.js';
import { FakeTimers } from './fake-timers.js';

function setup(quietMs = 1000, maxDelayMs = 5000): { timers: FakeTimers; fired: number[]; d: QuietPeriodDebouncer } {
  const timers = new FakeTimers();
  const fired: number[] = [];
  const d = new QuietPeriodDebouncer({ quietMs, maxDelayMs, timers, onQuiet: () => fired.push(timers.now()) });
  return { timers, fired, d };
}

describe('QuietPeriodDebouncer', () => {
  it('fires once, a quiet period after the last of a burst of changes', () => {
    const { timers, fired, d } = setup();
    d.poke();
    timers.advance(400);
    d.poke();
    timers.advance(400);
    d.poke();
    timers.advance(999);
    expect(fired).toEqual([]);
    timers.advance(1);
    expect(fired).toEqual([1800]);
    expect(d.pending).toBe(false);
    timers.advance(10_000);
    expect(fired).toEqual([1800]);
  });

  it('never waits longer than maxDelayMs from the first change when changes never stop', () => {
    const { timers, fired, d } = setup(1000, 5000);
    for (let i = 0; i < 16; i++) {
      d.poke();
      timers.advance(500);
    }
    expect(fired).toEqual([5000]);
    // The pokes after 5000 started a new burst; its last one (7500) fires a quiet period later.
    timers.advance(500);
    expect(fired).toEqual([5000, 8500]);
  });

  it('flush fires at once only when something is pending; cancel forgets', () => {
    const { timers, fired, d } = setup();
    d.flush();
    expect(fired).toEqual([]);
    d.poke();
    d.flush();
    expect(fired).toEqual([0]);
    d.poke();
    d.cancel();
    timers.advance(10_000);
    expect(fired).toEqual([0]);
    expect(timers.pendingCount).toBe(0);
  });
});
