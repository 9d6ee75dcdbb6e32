/**
 * Lease checks before a commit (docs/vault-format.md, "Leases"), on a real vault in a folder with
 * an injected clock: the lease object must still be there; it is rewritten only when a renewal is
 * due (a third of its lifetime after the last write), so a short backup commits without an extra
 * write, and a long one still commits with most of a lifetime left.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LEASE_TTL_MS, Lease, listLeases } from '../../../../main/engine/repo/leases.js';
import { Vault } from '../../../../main/engine/repo/vault.js';
import { CountingStore } from '../../../../main/engine/storage/counting-store.js';
import { LocalStore } from '../../../../main/engine/storage/local-store.js';
import { caught, makeTempDir, PASSPHRASE, removeTempDirs, SMALL_CHUNKER, SMALL_PACK } from '../../../helpers/engine-fixtures.js';

afterAll(() => removeTempDirs());

async function vaultWithClock(): Promise<{ vault: Vault; store: CountingStore; clock: { t: number } }> {
  const store = new CountingStore(new LocalStore(makeTempDir('dv-lease-')));
  const vault = await Vault.init(store, { passphrase: PASSPHRASE, chunker: SMALL_CHUNKER, packSize: SMALL_PACK });
  return { vault, store, clock: { t: Date.parse('2026-11-26T10:00:00Z') } };
}

describe('Lease.assertHeld', () => {
  it('checks that the lease is still there and does not rewrite a fresh one', async () => {
    const { vault, store, clock } = await vaultWithClock();
    const lease = await Lease.acquire(vault, { kind: 'backup', now: () => clock.t });
    const expires = lease.record.expires;
    clock.t += DEFAULT_LEASE_TTL_MS / 3 - 1000;
    const before = { ...store.counts };
    await lease.assertHeld();
    expect(store.counts.head - before.head).toBe(1);
    expect(store.counts.put - before.put, 'a fresh lease is not rewritten').toBe(0);
    expect((await listLeases(vault))[0].expires).toBe(expires);
    await lease.release();
  });

  it('renews a lease whose renewal is due, so the commit has at least two thirds of a lifetime left', async () => {
    const { vault, store, clock } = await vaultWithClock();
    const lease = await Lease.acquire(vault, { kind: 'backup', now: () => clock.t });
    clock.t += DEFAULT_LEASE_TTL_MS / 3;
    const before = { ...store.counts };
    await lease.assertHeld();
    expect(store.counts.put - before.put).toBe(1);
    expect((await listLeases(vault))[0].expires).toBe(new Date(clock.t + DEFAULT_LEASE_TTL_MS).toISOString());
    // Written again just now: the next check right after does not write.
    await lease.assertHeld();
    expect(store.counts.put - before.put).toBe(1);
    await lease.release();
  });

  it('refuses when the lease object is gone (taken over as stale by another host), however fresh', async () => {
    const { vault, clock } = await vaultWithClock();
    const lease = await Lease.acquire(vault, { kind: 'backup', now: () => clock.t });
    await vault.store.delete(`leases/${lease.record.id}`);
    const err = await caught(() => lease.assertHeld());
    expect(err).toMatchObject({ code: 'VAULT_LOCKED' });
    expect(await listLeases(vault), 'a lost lease is not written back').toEqual([]);
    await lease.release();
  });

  it('refuses when this process stalled for a whole lifetime, without asking the store', async () => {
    const { vault, store, clock } = await vaultWithClock();
    const lease = await Lease.acquire(vault, { kind: 'backup', now: () => clock.t });
    clock.t += DEFAULT_LEASE_TTL_MS;
    const before = { ...store.counts };
    expect(await caught(() => lease.assertHeld())).toMatchObject({ code: 'VAULT_LOCKED' });
    expect(store.counts.put - before.put).toBe(0);
    await lease.release();
  });
});
