import { describe, expect, it } from 'vitest';
import { DeskVaultError } from '../../../../main/core/errors.js';
import { parseDuration, subtractDuration } from '../../../../main/engine/match/parse-duration.js';

const d = (years: number, months: number, days: number, hours: number) => ({ years, months, days, hours });

describe('parseDuration', () => {
  it.each([
    ['1y2m3d4h', d(1, 2, 3, 4)],
    ['1y', d(1, 0, 0, 0)],
    ['6m', d(0, 6, 0, 0)],
    ['14d', d(0, 0, 14, 0)],
    ['36h', d(0, 0, 0, 36)],
    ['2y5d', d(2, 0, 5, 0)],
    ['4h3d', d(0, 0, 3, 4)],
    ['0d', d(0, 0, 0, 0)],
    ['007d', d(0, 0, 7, 0)],
    [' 1y ', d(1, 0, 0, 0)],
  ])('%j', (input, expected) => {
    expect(parseDuration(input)).toEqual(expected);
  });

  it.each(['', '   ', 'y', '1', '12', '1x', '1Y', '1M', '1d2', '1.5d', '-1d', '+1d', '1d-2h', '1 d', '1d 2h', '1y1y', '2d3d', 'd1', '1dd', '1min'])(
    'rejects %j with INVALID_INPUT naming the value',
    (input) => {
      let caught: unknown;
      try {
        parseDuration(input);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(DeskVaultError);
      expect((caught as DeskVaultError).code).toBe('INVALID_INPUT');
      expect((caught as DeskVaultError).message).toContain(JSON.stringify(input));
      expect((caught as DeskVaultError).data).toEqual({ value: input });
    },
  );

  it('says what is wrong', () => {
    expect(() => parseDuration('12')).toThrow(/no unit/);
    expect(() => parseDuration('1M')).toThrow(/unknown unit "M"/);
    expect(() => parseDuration('1y1y')).toThrow(/appears twice/);
    expect(() => parseDuration('1.5d')).toThrow(/whole numbers/);
    expect(() => parseDuration('99999999999999999d')).toThrow(/too large/);
  });

  it('rejects a non-string', () => {
    expect(() => parseDuration(5 as unknown as string)).toThrow(DeskVaultError);
  });
});

describe('subtractDuration', () => {
  const at = (iso: string) => new Date(iso);
  const minus = (iso: string, text: string) => subtractDuration(at(iso), parseDuration(text)).toISOString();

  it('subtracts each unit', () => {
    expect(minus('2024-06-15T12:00:00.000Z', '1y')).toBe('2023-06-15T12:00:00.000Z');
    expect(minus('2024-06-15T12:00:00.000Z', '2m')).toBe('2024-04-15T12:00:00.000Z');
    expect(minus('2024-06-15T12:00:00.000Z', '3d')).toBe('2024-06-12T12:00:00.000Z');
    expect(minus('2024-06-15T12:00:00.000Z', '4h')).toBe('2024-06-15T08:00:00.000Z');
    expect(minus('2024-06-15T12:34:56.789Z', '1y2m3d4h')).toBe('2023-04-12T08:34:56.789Z');
  });

  it('crosses year boundaries with months', () => {
    expect(minus('2024-02-10T00:00:00.000Z', '3m')).toBe('2023-11-10T00:00:00.000Z');
    expect(minus('2024-01-10T00:00:00.000Z', '13m')).toBe('2022-12-10T00:00:00.000Z');
    expect(minus('2024-01-10T00:00:00.000Z', '25m')).toBe('2021-12-10T00:00:00.000Z');
  });

  it('clamps to the last day of a shorter month', () => {
    expect(minus('2024-03-31T10:00:00.000Z', '1m')).toBe('2024-02-29T10:00:00.000Z');
    expect(minus('2023-03-31T10:00:00.000Z', '1m')).toBe('2023-02-28T10:00:00.000Z');
    expect(minus('2024-02-29T10:00:00.000Z', '1y')).toBe('2023-02-28T10:00:00.000Z');
    expect(minus('2024-07-31T10:00:00.000Z', '1m')).toBe('2024-06-30T10:00:00.000Z');
  });

  it('applies months before days and hours', () => {
    // 31 Mar − 1m = 29 Feb, − 1d = 28 Feb. (Days first would give 30 Mar − 1m = 29 Feb.)
    expect(minus('2024-03-31T10:00:00.000Z', '1m1d')).toBe('2024-02-28T10:00:00.000Z');
    expect(minus('2024-03-01T01:00:00.000Z', '2h')).toBe('2024-02-29T23:00:00.000Z');
  });

  it('counts days as 24 hours, whatever the local time zone', () => {
    expect(minus('2024-03-31T12:00:00.000Z', '1d')).toBe('2024-03-30T12:00:00.000Z');
    expect(minus('2024-03-31T12:00:00.000Z', '48h')).toBe('2024-03-29T12:00:00.000Z');
  });

  it('handles years before 100 without Date.UTC’s 1900 mapping', () => {
    expect(minus('2024-05-05T00:00:00.000Z', '2000y')).toBe('0024-05-05T00:00:00.000Z');
  });

  it('does not modify its argument', () => {
    const date = at('2024-06-15T12:00:00.000Z');
    subtractDuration(date, parseDuration('1y'));
    expect(date.toISOString()).toBe('2024-06-15T12:00:00.000Z');
  });

  it('rejects an invalid date and a result out of range', () => {
    expect(() => subtractDuration(new Date(NaN), parseDuration('1d'))).toThrow(DeskVaultError);
    expect(() => subtractDuration(at('2024-01-01T00:00:00Z'), parseDuration('999999999y'))).toThrow(/beyond/);
  });
});
