/**
 * Which points lifecycle deletes: past deleteAfterDays AND not kept by a legal hold, an object lock
 * or a GFS rule. Point times are at noon UTC, a day or more apart, so GFS periods (local time) are
 * the same in any time zone the tests might run in.
 */
import { describe, expect, it } from 'vitest';
import { selectExpired, type ExpiryDecision, type LegalHold, type LifecyclePoint } from '../../../../main/service/lifecycle/index.js';

const now = new Date('2026-06-30T12:00:00Z');
const day = (d: string): string => `${d}T12:00:00.000Z`;
const point = (id: string, date: string, extra: Partial<LifecyclePoint> = {}): LifecyclePoint => ({
  id,
  time: day(date),
  vaultName: 'home',
  planName: 'Documents',
  ruleId: 'daily',
  status: 'COMPLETED',
  lifecycle: { deleteAfterDays: 30 },
  ...extra,
});
const byId = (decisions: ExpiryDecision[]) => Object.fromEntries(decisions.map((d) => [d.point.id, d]));

describe('selectExpired', () => {
  it('deletes a point past deleteAfterDays that nothing keeps, and keeps a younger one', () => {
    const d = byId(selectExpired([point('old', '2026-05-01'), point('young', '2026-06-15')], { now }));
    expect(d.old).toMatchObject({ action: 'DELETE', keptBy: [], reasons: ['past deleteAfterDays (30 days, since 2026-05-31T12:00:00.000Z)'], deleteAt: '2026-05-31T12:00:00.000Z' });
    expect(d.young).toMatchObject({ action: 'KEEP', keptBy: ['MIN_LIFETIME'], reasons: ['within deleteAfterDays (30 days) until 2026-07-15T12:00:00.000Z'] });
  });

  it('deletes exactly at deleteAt', () => {
    const [d] = selectExpired([point('p', '2026-05-31')], { now });
    expect(d.action).toBe('DELETE');
  });

  it('never deletes a point without deleteAfterDays, even with GFS configured', () => {
    const points = [point('a', '2025-01-15', { lifecycle: {} }), point('b', '2025-02-15', { lifecycle: {} })];
    const d = byId(selectExpired(points, { now, gfsFor: () => ({ keepMonthly: 1 }) }));
    expect(d.a).toMatchObject({ action: 'KEEP', keptBy: ['NO_EXPIRY'], reasons: ['no deleteAfterDays: kept until deleted by hand'] });
    expect(d.b).toMatchObject({ action: 'KEEP', keptBy: ['GFS', 'NO_EXPIRY'] });
  });

  it('takes the lifecycle from the plan rule when the point carries none', () => {
    const d = selectExpired([point('p', '2026-05-01', { lifecycle: undefined })], { now, lifecycleFor: (p) => (p.ruleId === 'daily' ? { deleteAfterDays: 90 } : undefined) });
    expect(d[0]).toMatchObject({ action: 'KEEP', keptBy: ['MIN_LIFETIME'], deleteAt: '2026-07-30T12:00:00.000Z' });
  });

  it('keeps a point an active legal hold selects, naming the hold', () => {
    const holds: LegalHold[] = [
      { id: 'h1', title: 'Audit 2026', createdAt: '2026-05-01T00:00:00Z', selection: { planNames: ['Documents'], from: '2026-04-01T00:00:00Z', to: '2026-04-30T23:59:59Z' } },
      { id: 'h2', title: 'Released', createdAt: '2026-05-01T00:00:00Z', selection: {}, releasedAt: '2026-06-01T00:00:00Z' },
    ];
    const d = byId(selectExpired([point('held', '2026-04-10'), point('free', '2026-05-10')], { now, legalHolds: holds }));
    expect(d.held).toMatchObject({ action: 'KEEP', keptBy: ['LEGAL_HOLD'], reasons: ["kept by legal hold 'Audit 2026'"] });
    expect(d.free.action).toBe('DELETE');
  });

  it('keeps a point under object lock until the lock ends', () => {
    const locks = new Map<string, string>([
      ['locked', '2026-07-31T00:00:00Z'],
      ['lapsed', '2026-06-30T12:00:00Z'],
    ]);
    const d = byId(selectExpired([point('locked', '2026-04-10'), point('lapsed', '2026-04-10')], { now, objectLockUntil: locks }));
    expect(d.locked).toMatchObject({ action: 'KEEP', keptBy: ['OBJECT_LOCK'], reasons: ['locked until 2026-07-31T00:00:00.000Z'] });
    expect(d.lapsed.action).toBe('DELETE');
  });

  it('lets GFS keep more than deleteAfterDays: the newest point of each of the last N months', () => {
    const points = ['2026-01-15', '2026-02-10', '2026-02-20', '2026-03-15', '2026-04-15', '2026-06-20'].map((date, i) => point(`p${i}`, date));
    const d = byId(selectExpired(points, { now, gfsFor: () => ({ keepMonthly: 3 }) }));
    // Months with points, newest first: June (p5, young anyway), April (p4), March (p3).
    expect(d.p5.keptBy).toEqual(['GFS', 'MIN_LIFETIME']);
    expect(d.p4).toMatchObject({ action: 'KEEP', keptBy: ['GFS'], reasons: ['kept by GFS monthly'] });
    expect(d.p3).toMatchObject({ action: 'KEEP', keptBy: ['GFS'] });
    expect([d.p0, d.p1, d.p2].map((x) => x.action)).toEqual(['DELETE', 'DELETE', 'DELETE']);
  });

  it('reports every keeper, and combines daily and monthly GFS', () => {
    const points = ['2026-04-28', '2026-04-29', '2026-04-30'].map((date, i) => point(`p${i}`, date));
    const holds: LegalHold[] = [{ id: 'h', title: 'Litigation', createdAt: '2026-05-01T00:00:00Z', selection: { vaultNames: ['home'] } }];
    const d = byId(selectExpired(points, { now, gfsFor: () => ({ keepDaily: 2, keepMonthly: 1 }), legalHolds: holds }));
    expect(d.p2.reasons).toEqual(["kept by legal hold 'Litigation'", 'kept by GFS daily', 'kept by GFS monthly']);
    expect(d.p1.reasons).toEqual(["kept by legal hold 'Litigation'", 'kept by GFS daily']);
    expect(d.p0.keptBy).toEqual(['LEGAL_HOLD']);
  });

  it('does not let a PARTIAL point fill a GFS slot, nor points of other rules or vaults share one', () => {
    const points = [
      point('complete', '2026-04-10'),
      point('partial', '2026-04-20', { status: 'PARTIAL' }),
      point('otherRule', '2026-04-25', { ruleId: 'weekly' }),
      point('copy', '2026-04-26', { vaultName: 'offsite' }),
    ];
    const d = byId(selectExpired(points, { now, gfsFor: (p) => (p.ruleId === 'daily' ? { keepMonthly: 1 } : undefined) }));
    expect(d.complete).toMatchObject({ action: 'KEEP', keptBy: ['GFS'] });
    expect(d.partial.action).toBe('DELETE');
    expect(d.otherRule.action).toBe('DELETE'); // its rule has no GFS
    expect(d.copy).toMatchObject({ action: 'KEEP', keptBy: ['GFS'] }); // its own group in the other vault
  });

  it('treats a GFS policy of all zeros as none', () => {
    const [d] = selectExpired([point('p', '2026-04-10')], { now, gfsFor: () => ({ keepDaily: 0 }) });
    expect(d.action).toBe('DELETE');
  });
});
