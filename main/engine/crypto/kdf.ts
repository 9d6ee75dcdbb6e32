/**
 * Passphrase key derivation: scrypt, parameters stored in each key slot so a reader needs no
 * setting. The default N=2^15, r=8, p=1 (32 MiB) equals what restic 0.14 calibrates to on the
 * reference machine (its key file records exactly these), so the cost is no weaker than restic's. The test cost exists
 * only so test suites stay fast; it is chosen by the DESKVAULT_TEST_KDF=1 environment variable at
 * slot creation and is recorded in the slot like any other.
 */
import { scrypt } from 'node:crypto';

export interface ScryptParams {
  algorithm: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string; // base64
}

export const DEFAULT_SCRYPT = { N: 1 << 15, r: 8, p: 1 } as const;
export const TEST_SCRYPT = { N: 1 << 10, r: 8, p: 1 } as const;

export function chooseScryptCost(env: NodeJS.ProcessEnv = process.env): { N: number; r: number; p: number } {
  return env.DESKVAULT_TEST_KDF === '1' ? TEST_SCRYPT : DEFAULT_SCRYPT;
}

export function deriveKey(passphrase: string, params: ScryptParams): Promise<Buffer> {
  const salt = Buffer.from(params.salt, 'base64');
  const maxmem = 128 * params.r * params.N * 2 + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, 32, { N: params.N, r: params.r, p: params.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}
