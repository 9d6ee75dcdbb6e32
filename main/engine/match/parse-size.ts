/**
 * Sizes as people type them, for options such as `--exclude-larger-than 500M`.
 *
 * Syntax: a non-negative decimal number (`123`, `1.5`), optional spaces, then an optional unit,
 * case-insensitive:
 *   (none), B            bytes
 *   K, M, G, T           powers of 1024 (restic and most backup tools read `500M` this way)
 *   KiB, MiB, GiB, TiB   powers of 1024, the unambiguous spelling
 *   KB, MB, GB, TB       powers of 1000 (SI), for people copying numbers from disk labels
 * A fraction is allowed with a unit and rounded down to whole bytes (`0.1K` = 102); a byte count
 * without a unit must be whole. Exponents (`1e6`), signs and thousands separators are rejected.
 */

import { DeskVaultError } from '../../core/errors.js';

const KI = 1024;
const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: KI,
  m: KI ** 2,
  g: KI ** 3,
  t: KI ** 4,
  kib: KI,
  mib: KI ** 2,
  gib: KI ** 3,
  tib: KI ** 4,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
};

const SIZE = /^(\d+(?:\.\d+)?) *([a-z]*)$/i;

/** Returns the size in bytes, a safe integer. Throws DeskVaultError('INVALID_INPUT'). */
export function parseSize(input: string): number {
  const invalid = (why: string): DeskVaultError =>
    new DeskVaultError('INVALID_INPUT', `Invalid size ${JSON.stringify(input)}: ${why}.`, { value: String(input) });
  if (typeof input !== 'string') throw invalid('expected text such as "500M"');
  const match = SIZE.exec(input.trim());
  if (match === null) throw invalid('expected a number with an optional unit, such as 123, 10K, 1.5M, 2GiB or 500MB');
  const [, number, unit] = match;
  const multiplier = UNITS[unit.toLowerCase()];
  if (multiplier === undefined) {
    throw invalid(`unknown unit "${unit}"; use B, K, M, G, T (powers of 1024), KiB…TiB (1024) or KB…TB (1000)`);
  }
  if (multiplier === 1 && number.includes('.')) throw invalid('a byte count must be a whole number');
  // Exact decimal arithmetic: with floats, 2.3KB would come out as 2299.
  const [whole, fraction = ''] = number.split('.');
  const bytes = (BigInt(whole + fraction) * BigInt(multiplier)) / 10n ** BigInt(fraction.length);
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid('too large');
  return Number(bytes);
}
