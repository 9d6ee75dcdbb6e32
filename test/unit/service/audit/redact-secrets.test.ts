/**
 * redactSecrets: what the audit trail keeps of a call's arguments. Secrets go at any depth, under
 * any spelling of the key; the copy is JSON-safe and the input is left untouched.
 */
import { describe, expect, it } from 'vitest';
import { isSecretKey, REDACTED, redactSecrets } from '../../../../main/service/audit/redact-secrets.js';

describe('redactSecrets', () => {
  it('redacts every listed secret key, deep, under any casing or separator', () => {
    const input = {
      plan: 'docs',
      password: 'pw',
      vault: { location: 's3://bucket/x', passphrase: 'pp', recoveryCode: 'AAAA-BBBB' },
      aws: [{ accessKey: 'AKID', secretAccessKey: 'sak', sessionToken: 'st', region: 'eu-west-1' }],
      headers: { Authorization: 'Bearer x', Cookie: 'sid=1', 'X-Api-Token': 't' },
      new_passphrase: 'np',
      SECRET: 's',
      token: { nested: 'whole value goes' },
    };
    const out = redactSecrets(input) as Record<string, unknown>;
    expect(out).toEqual({
      plan: 'docs',
      password: REDACTED,
      vault: { location: 's3://bucket/x', passphrase: REDACTED, recoveryCode: REDACTED },
      aws: [{ accessKey: REDACTED, secretAccessKey: REDACTED, sessionToken: REDACTED, region: 'eu-west-1' }],
      headers: { Authorization: REDACTED, Cookie: REDACTED, 'X-Api-Token': REDACTED },
      new_passphrase: REDACTED,
      SECRET: REDACTED,
      token: REDACTED,
    });
    expect(JSON.stringify(out)).not.toMatch(/"(pw|pp|AAAA-BBBB|AKID|sak|st|Bearer x|sid=1|np|s)"/);
    expect(input.password).toBe('pw');
  });

  it('masks passwords inside URLs, and keeps harmless keys', () => {
    expect(redactSecrets({ location: 'https://user:hunter2@example.com/v?x=1' })).toEqual({ location: `https://user:${REDACTED}@example.com/v?x=1` });
    expect(isSecretKey('planName')).toBe(false);
    expect(isSecretKey('paths')).toBe(false);
  });

  it('returns a JSON-safe copy: bytes, dates, bigints, maps, cycles, undefined', () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    const shared = { n: 1 };
    const out = redactSecrets({
      data: new Uint8Array(5),
      at: new Date('2024-05-01T10:00:00Z'),
      big: 12n,
      map: new Map([['password', 'x'], ['k', 'v']]),
      cyclic,
      dag: [shared, shared],
      gone: undefined,
      fn: () => 1,
      nan: Number.NaN,
    });
    expect(out).toEqual({
      data: '[5 bytes]',
      at: '2024-05-01T10:00:00.000Z',
      big: '12',
      map: { password: REDACTED, k: 'v' },
      cyclic: { name: 'a', self: '[circular]' },
      dag: [{ n: 1 }, { n: 1 }],
      nan: 'NaN',
    });
  });
});
