/** Lifecycle dates, legal hold selection, and which packs may go cold. */
import { describe, expect, it } from 'vitest';
import { DeskVaultError } from '../../../../main/core/errors.js';
import { coldOrder, computeLifecycle, matchesHold, selectColdPacks, type LegalHold, type LifecyclePoint } from '../../../../main/service/lifecycle/index.js';

describe('computeLifecycle', () => {
  const point = { time: '2026-03-01T10:00:00.000Z' };

  it('counts whole 24-hour days from creation', () => {
    expect(computeLifecycle(point, { moveToColdStorageAfterDays: 30, deleteAfterDays: 120 })).toEqual({
      moveToColdStorageAt: '2026-03-31T10:00:00.000Z',
      deleteAt: '2026-06-29T10:00:00.000Z',
    });
  });

  it('gives no date for what the rule does not set, and no cold date without a cold class', () => {
    expect(computeLifecycle(point, {})).toEqual({});
    expect(computeLifecycle(point, undefined)).toEqual({});
    expect(computeLifecycle(point, { moveToColdStorageAfterDays: 30, deleteAfterDays: 120 }, { coldStorageSupported: false })).toEqual({ deleteAt: '2026-06-29T10:00:00.000Z' });
  });

  it('refuses a point time that is not a date', () => {
    expect(() => computeLifecycle({ time: 'yesterday' }, { deleteAfterDays: 1 })).toThrow(DeskVaultError);
  });
});

describe('matchesHold', () => {
  const point: LifecyclePoint = { id: 'p1', time: '2026-04-15T12:00:00Z', vaultName: 'home', planName: 'Documents' };
  const hold = (selection: LegalHold['selection'], extra: Partial<LegalHold> = {}): LegalHold => ({ id: 'h', title: 'Audit 2026', createdAt: '2026-04-01T00:00:00Z', selection, ...extra });

  it('holds everything with an empty selection', () => {
    expect(matchesHold(point, hold({}))).toBe(true);
  });

  it('needs every given criterion to match', () => {
    expect(matchesHold(point, hold({ planNames: ['Documents'], vaultNames: ['home'] }))).toBe(true);
    expect(matchesHold(point, hold({ planNames: ['Photos'] }))).toBe(false);
    expect(matchesHold(point, hold({ planNames: ['Documents'], vaultNames: ['offsite'] }))).toBe(false);
  });

  it('never matches an on-demand point (no plan) by plan name', () => {
    expect(matchesHold({ ...point, planName: undefined }, hold({ planNames: ['Documents'] }))).toBe(false);
  });

  it('includes both ends of the date range', () => {
    expect(matchesHold(point, hold({ from: '2026-04-15T12:00:00Z', to: '2026-04-15T12:00:00Z' }))).toBe(true);
    expect(matchesHold(point, hold({ from: '2026-04-16T00:00:00Z' }))).toBe(false);
    expect(matchesHold(point, hold({ to: '2026-04-15T11:59:59Z' }))).toBe(false);
  });

  it('matches nothing once released', () => {
    expect(matchesHold(point, hold({}, { releasedAt: '2026-05-01T00:00:00Z' }))).toBe(false);
  });
});

describe('selectColdPacks', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  // Each point's own cold date (time + its rule's moveToColdStorageAfterDays); null: its rule has none.
  const coldAt = new Map<string, string | null>([
    ['old1', '2026-01-31T00:00:00Z'],
    ['old2', '2026-03-03T00:00:00Z'],
    ['edge', '2026-06-01T00:00:00Z'], // exactly now: cold from this instant
    ['young', '2026-06-19T00:00:00Z'],
    ['never', null],
  ]);
  const moved = (packs: Map<string, string[]>): string[] => selectColdPacks(packs, coldAt, now).filter((d) => d.action === 'MOVE').map((d) => d.packId);

  it('moves a pack only when every point referencing it is past its own cold date', () => {
    const packs = new Map<string, string[]>([
      ['a', ['old1', 'old2']],
      ['b', ['old1', 'young']],
      ['c', ['edge']],
      ['d', ['young']],
      ['e', ['old2', 'never']],
    ]);
    expect(moved(packs)).toEqual(['a', 'c']);
  });

  it('names the point that decides, with its date, or that its rule has no cold date', () => {
    const packs = new Map<string, string[]>([
      ['a', ['old1', 'old2']],
      ['b', ['old1', 'young']],
      ['e', ['old2', 'never']],
    ]);
    expect(selectColdPacks(packs, coldAt, now)).toEqual([
      { packId: 'a', action: 'MOVE', pointId: 'old2', coldAt: '2026-03-03T00:00:00.000Z', reason: 'every point using it is past its cold-storage date (the last, point old2, since 2026-03-03T00:00:00.000Z)' },
      { packId: 'b', action: 'KEEP_WARM', pointId: 'young', coldAt: '2026-06-19T00:00:00.000Z', reason: 'point young uses it until it goes cold on 2026-06-19T00:00:00.000Z' },
      { packId: 'e', action: 'KEEP_WARM', pointId: 'never', coldAt: null, reason: 'point never uses it and its rule has no moveToColdStorageAfterDays' },
    ]);
  });

  it('leaves unreferenced packs to prune and keeps packs of unknown points warm', () => {
    const packs = new Map<string, string[]>([
      ['orphan', []],
      ['unknown', ['old1', 'gone']],
    ]);
    expect(selectColdPacks(packs, coldAt, now).map((d) => [d.packId, d.action])).toEqual([['unknown', 'KEEP_WARM']]);
  });

  it('coldOrder puts the points that keep packs warm longest first, so the first holder decides', () => {
    const points = ['old1', 'young', 'never', 'edge', 'old2', 'unknown'].map((id) => ({ id }));
    expect(coldOrder(points, coldAt).map((p) => p.id)).toEqual(['never', 'unknown', 'young', 'edge', 'old2', 'old1']);
  });
});
