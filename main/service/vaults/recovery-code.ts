/**
 * Recovery codes: the printable half of an app-managed key. 25 characters of Crockford base32
 * (no I, L, O, U: nothing to misread on paper) = 125 random bits, in five groups. The code is a
 * passphrase slot of the vault, so `DESKVAULT_PASSWORD=<code>` opens it on any machine.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newRecoveryCode(): string {
  const bytes = randomBytes(25);
  let s = '';
  for (const b of bytes) s += ALPHABET[b & 31];
  return s.match(/.{5}/g)!.join('-');
}

/** A random app key: never shown to people, only kept in the key store. */
export function newAppKey(): string {
  return randomBytes(32).toString('base64url');
}
