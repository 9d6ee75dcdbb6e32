/**
 * StaleProtectionTracker with a hand-moved clock: one PROTECTION_STALE when a plan crosses
 * frequency + 2 h (26 h for a daily plan), nothing more while failures repeat, one
 * PROTECTION_RESTORED when a good point arrives, and the next episode alerts again.
 */
import { describe, expect, it } from 'vitest';
import type { ServiceEvent } from '../../../../main/service/notify/events.js';
import { StaleProtectionTracker } from '../../../../main/service/notify/stale-protection-tracker.js';

const H = 3600_000;
const T0 = Date.parse('2024-05-01T00:00:00Z');

function setup(): { events: ServiceEvent[]; tracker: StaleProtectionTracker; advance: (ms: number) => Date } {
  let now = T0;
  const events: ServiceEvent[] = [];
  const tracker = new StaleProtectionTracker({ now: () => new Date(now), emit: (e) => events.push(e) });
  return { events, tracker, advance: (ms) => new Date((now += ms)) };
}

describe('StaleProtectionTracker', () => {
  it('a daily plan goes stale at 26 h without a good point: once, however many failures follow', () => {
    const { events, tracker, advance } = setup();
    expect(tracker.thresholdMs(24 * H)).toBe(26 * H);
    tracker.setPlan({ vault: 'home', plan: 'daily', frequencyMs: 24 * H, lastGoodAt: new Date(T0) });
    expect(tracker.nextCheckAt()).toEqual(new Date(T0 + 26 * H));

    advance(26 * H - 1);
    tracker.recordFailure('home', 'daily', 'the disk is full');
    tracker.check();
    expect(events).toEqual([]);

    advance(1);
    tracker.check();
    expect(events).toEqual([
      {
        type: 'PROTECTION_STALE',
        state: 'STALE',
        time: new Date(T0 + 26 * H).toISOString(),
        vault: 'home',
        plan: 'daily',
        lastGoodAt: new Date(T0).toISOString(),
        thresholdHours: 26,
        message: `Plan daily on home has no good recovery point since ${new Date(T0).toISOString()} (more than 26 h); the last run failed: the disk is full.`,
      },
    ]);
    expect(tracker.isStale('home', 'daily')).toBe(true);
    expect(tracker.nextCheckAt()).toBeUndefined();

    for (let i = 0; i < 5; i++) {
      advance(H);
      tracker.recordFailure('home', 'daily', `failure ${i}`);
      tracker.check();
    }
    expect(events).toHaveLength(1);

    const at = advance(H);
    tracker.recordGoodPoint('home', 'daily', at, 'pt-1');
    tracker.recordGoodPoint('home', 'daily', at, 'pt-1');
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ type: 'PROTECTION_RESTORED', state: 'PROTECTED', vault: 'home', plan: 'daily', pointId: 'pt-1', time: at.toISOString() });
    expect(tracker.isStale('home', 'daily')).toBe(false);

    // A new episode alerts again, 26 h after the new good point.
    advance(26 * H);
    tracker.check();
    expect(events.map((e) => e.type)).toEqual(['PROTECTION_STALE', 'PROTECTION_RESTORED', 'PROTECTION_STALE']);
  });

  it('a plan that never made a point counts from when it was added; an hourly plan uses 3 h', () => {
    const { events, tracker, advance } = setup();
    tracker.setPlan({ vault: 'v', plan: 'hourly', frequencyMs: H, lastGoodAt: null });
    tracker.setPlan({ vault: 'v', plan: 'daily', frequencyMs: 24 * H, lastGoodAt: null });
    advance(3 * H);
    tracker.check();
    expect(events).toEqual([expect.objectContaining({ type: 'PROTECTION_STALE', plan: 'hourly', lastGoodAt: null, thresholdHours: 3 })]);
    expect(events[0].message).toMatch(/has no good recovery point ever \(more than 3 h\)\.$/);
  });

  it('good points keep a plan fresh; a state restored after a restart is not alerted twice', () => {
    const { events, tracker, advance } = setup();
    tracker.setPlan({ vault: 'v', plan: 'p', frequencyMs: 24 * H, lastGoodAt: new Date(T0) });
    for (let day = 0; day < 10; day++) {
      const at = advance(24 * H);
      tracker.check();
      tracker.recordGoodPoint('v', 'p', at);
    }
    expect(events).toEqual([]);

    tracker.setPlan({ vault: 'v', plan: 'old', frequencyMs: 24 * H, lastGoodAt: new Date(T0), stale: true });
    tracker.check();
    expect(events).toEqual([]);
    tracker.recordGoodPoint('v', 'old', advance(0));
    expect(events.map((e) => e.type)).toEqual(['PROTECTION_RESTORED']);

    // An older point reported late never moves the reference back.
    tracker.recordGoodPoint('v', 'p', new Date(T0));
    advance(25 * H);
    tracker.check();
    expect(events).toHaveLength(1);
    tracker.removePlan('v', 'p');
    advance(100 * H);
    tracker.check();
    expect(events.filter((e) => e.type === 'PROTECTION_STALE').map((e) => e.plan)).toEqual(['old']);
  });
});
