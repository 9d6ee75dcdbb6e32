import { describe, expect, it } from 'vitest';
import { DeskVaultError } from '../../../../main/core/errors.js';
import { parseSize } from '../../../../main/engine/match/parse-size.js';

describe('parseSize', () => {
  it.each([
    ['0', 0],
    ['123', 123],
    ['123B', 123],
    ['123 b', 123],
    ['10K', 10 * 1024],
    ['10k', 10 * 1024],
    ['1.5M', 1.5 * 1024 ** 2],
    ['500M', 500 * 1024 ** 2],
    ['2G', 2 * 1024 ** 3],
    ['1T', 1024 ** 4],
    ['1KiB', 1024],
    ['3MiB', 3 * 1024 ** 2],
    ['2GiB', 2 * 1024 ** 3],
    ['1 TiB', 1024 ** 4],
    ['1gib', 1024 ** 3],
    ['1KB', 1000],
    ['1kB', 1000],
    ['500MB', 500_000_000],
    ['2GB', 2_000_000_000],
    ['1TB', 1e12],
    ['  7M  ', 7 * 1024 ** 2],
  ])('%j is %d bytes', (input, bytes) => {
    expect(parseSize(input)).toBe(bytes);
  });

  it('K/M/G/T and KiB… are powers of 1024, KB/MB/GB powers of 1000', () => {
    expect(parseSize('1M')).toBe(parseSize('1MiB'));
    expect(parseSize('1M')).not.toBe(parseSize('1MB'));
    expect(parseSize('1G') / parseSize('1M')).toBe(1024);
    expect(parseSize('1GB') / parseSize('1MB')).toBe(1000);
  });

  it('computes fractions exactly and rounds down to whole bytes', () => {
    expect(parseSize('2.3KB')).toBe(2300); // 2.3 * 1000 is 2299.999… in floating point
    expect(parseSize('0.1K')).toBe(102);
    expect(parseSize('1.1M')).toBe(1153433);
    expect(parseSize('0.5KiB')).toBe(512);
  });

  it('accepts the largest safe size and rejects a larger one', () => {
    expect(parseSize(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => parseSize('9007199254740992')).toThrow(/too large/);
    expect(() => parseSize('9000000T')).toThrow(/too large/);
  });

  it.each(['', '  ', 'M', 'abc', '-1', '+1', '1e6', '1,000', '1.', '.5M', '1.5', '10X', '10 MiBs', '1Mi', '10 M B', '5PB', '1K1'])(
    'rejects %j with INVALID_INPUT naming the value',
    (input) => {
      let caught: unknown;
      try {
        parseSize(input);
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
    expect(() => parseSize('10X')).toThrow(/unknown unit "X"/);
    expect(() => parseSize('1.5')).toThrow(/whole number/);
    expect(() => parseSize('abc')).toThrow(/such as 123, 10K/);
  });

  it('rejects a non-string', () => {
    expect(() => parseSize(1024 as unknown as string)).toThrow(DeskVaultError);
  });
});
