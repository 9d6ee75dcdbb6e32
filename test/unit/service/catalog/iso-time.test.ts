/** The Date-free ISO formatter must give exactly what Date.prototype.toISOString gives, everywhere. */
import { describe, expect, it } from 'vitest';
import { isoFromMs } from '../../../../main/service/catalog/iso-time.js';

const viaDate = (ms: number): string => new Date(ms).toISOString();

describe('isoFromMs', () => {
  it('matches toISOString at the edges of days, months, leap years, eras and its fast range', () => {
    const edges = [
      0, -1, 1, 999, 1000, 59_999, 60_000, 86_399_999, 86_400_000,
      Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(2000, 2, 1), Date.UTC(1900, 1, 28, 12), Date.UTC(1900, 2, 1),
      Date.UTC(2100, 1, 28), Date.UTC(2100, 2, 1), Date.UTC(1969, 11, 31, 23, 59, 59, 999), Date.UTC(1600, 0, 1), Date.UTC(1599, 11, 31, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1),
      -62_167_219_200_000, -62_167_219_200_001, 253_402_300_800_000, 8.64e15, -8.64e15, 1.5, -0.5, 1_764_131_400_123,
    ];
    for (const ms of edges) expect(isoFromMs(ms), String(ms)).toBe(viaDate(ms));
  });

  it('matches toISOString for a seeded spread of times from year 0 to 9999', () => {
    let x = 0x9e3779b9;
    const next = (): number => {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      return x / 2 ** 32;
    };
    const lo = -62_167_219_200_000;
    const hi = 253_402_300_800_000;
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.floor(lo + next() * (hi - lo));
      expect(isoFromMs(ms)).toBe(viaDate(ms));
    }
  });
});
