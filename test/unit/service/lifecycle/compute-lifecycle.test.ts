/** Lifecycle dates, legal hold selection, and which packs may go cold. */
import { describe, expect, it } from 'vitest';
import { DeskVaultError } from '../../../../main/core/errors.js';
import { computeLifecycle, matchesHold, selectColdPacks, type LegalHold, type LifecyclePoint } from '../../../../main/service/lifecycle/index.js';

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
  const times = new Map<string, string>([
    ['old1', '2026-01-01T00:00:00Z'],
    ['old2', '2026-02-01T00:00:00Z'],
    ['edge', '2026-05-02T00:00:00Z'], // exactly 30 days before now
    ['young', '2026-05-20T00:00:00Z'],
  ]);

  it('moves a pack only when every point referencing it is past the threshold', () => {
    const packs = new Map<string, string[]>([
      ['a', ['old1', 'old2']],
      ['b', ['old1', 'young']],
      ['c', ['edge']],
      ['d', ['young']],
    ]);
    expect(selectColdPacks(packs, times, 30, now)).toEqual(['a', 'c']);
  });

  it('leaves unreferenced packs to prune and keeps packs of unknown points warm', () => {
    const packs = new Map<string, string[]>([
      ['orphan', []],
      ['unknown', ['old1', 'gone']],
    ]);
    expect(selectColdPacks(packs, times, 30, now)).toEqual([]);
  });
});
