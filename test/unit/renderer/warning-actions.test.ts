/**
 * The dashboard's links under a status warning, read from the service's own sentences (built here
 * by the service's message functions, so a rewording there that breaks a link fails here).
 */
import { describe, expect, it } from 'vitest';
import { staleCleanupWarnings } from '../../../main/service/cleanup-stale.js';
import { lastCopyMessage } from '../../../main/service/last-copy-warnings.js';
import { massChangeWarnings, MASS_CHANGE_HOLD_TITLE } from '../../../main/service/mass-change-guard.js';
import { warningActions } from '../../../renderer/src/screens/dashboard/warning-actions.js';

const labels = (w: string) => warningActions(w).map((a) => `${a.label} ${a.href}`);

describe('warningActions', () => {
  const now = new Date('2026-11-26T12:00:00.000Z');

  it('links a mass change and a last copy to the recovery points and the legal holds', () => {
    const [mass] = massChangeWarnings([
      { id: 'h1', title: `${MASS_CHANGE_HOLD_TITLE}Docs on 2026-11-26`, planNames: ['Docs'], vaultNames: ['local'], to: '2026-11-26T10:00:00.000Z', createdAt: '2026-11-26T11:00:00.000Z', releasedAt: null },
    ] as never);
    const last = lastCopyMessage('local', { count: 2, bytes: 5000, examples: ['/home/a/x.txt'], earliestLostAt: '2026-12-01T00:00:00.000Z', planNames: ['Docs'] }, now);
    for (const w of [mass, last]) expect(labels(w)).toEqual(['Recovery points #/points', 'Legal holds (Settings) #/settings']);
  });

  it('links a failing clean-up to the jobs and the vaults, and an unknown warning to nothing', () => {
    const [stale] = staleCleanupWarnings(
      [{ kind: 'PRUNE', vaultName: 'cloud', state: 'FAILED', endedAt: '2026-11-10T00:00:00.000Z', error: { code: 'ACCESS_DENIED', message: 'denied' }, statusMessage: null }] as never,
      now,
    );
    expect(labels(stale)).toEqual(['Jobs #/jobs', 'Vaults (Settings) #/settings']);
    expect(warningActions('vault keys are kept in /x/keys.json, not in an OS keychain')).toEqual([]);
  });
});
