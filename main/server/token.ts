/**
 * The per-start access token: 32 random bytes, base64url (URL- and cookie-safe), compared in
 * constant time. Whoever holds it has the whole API, so it is printed once (the `serve` banner) and
 * never logged.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,256}$/;

export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A caller-supplied token must be URL- and cookie-safe and long enough to resist guessing. */
export function isValidToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/**
 * Constant-time equality. Both sides are hashed first so that neither the length of the expected
 * token nor the position of the first differing byte shows in the timing.
 */
export function tokenMatches(candidate: string | undefined | null, token: string): boolean {
  if (candidate === undefined || candidate === null) return false;
  const a = createHash('sha256').update(candidate).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}
