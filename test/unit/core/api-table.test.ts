/** The API table is the one source every edge is generated from: check what they rely on. */
import { describe, expect, it } from 'vitest';
import { API_METHODS } from '../../../main/core/api.js';
import { ACTION_PATTERN } from '../../../main/service/audit/audit-record.js';

describe('API method table', () => {
  it('names every method noun.verb, as the audit trail records it', () => {
    for (const name of Object.keys(API_METHODS)) expect(name, name).toMatch(ACTION_PATTERN);
  });

  it('takes an object for every method (edges send JSON objects), and says what each does', () => {
    for (const [name, def] of Object.entries(API_METHODS)) {
      expect(def.input.safeParse('text').success, name).toBe(false);
      expect(def.input.safeParse([]).success, name).toBe(false);
      expect(def.summary.length, name).toBeGreaterThan(5);
    }
  });

  it('refuses unknown fields, so a typo is an error rather than ignored', () => {
    expect(API_METHODS['jobs.list'].input.safeParse({ limit: 5, limt: 6 }).success).toBe(false);
  });
});
