/**
 * Leases instead of lock files (docs/vault-format.md, "Leases"): each running operation keeps a
 * lease object alive with a heartbeat; a lease whose holder died simply expires and is removed by
 * the next operation that sees it (and said so) — nobody ever has to unlock a vault by hand.
 * Backups share; prune is exclusive against other prunes only (two-phase deletion keeps it safe
 * against backups).
 */
import { randomBytes, randomInt } from 'node:crypto';
import * as os from 'node:os';
import { DeskVaultError } from '../../core/errors.js';
import type { Vault } from './vault.js';

/** 15 minutes: long enough to ride out a stalled network or a laptop lid; renewed every third. */
export const DEFAULT_LEASE_TTL_MS = 15 * 60 * 1000;
/** Clocks of machines sharing a vault may disagree; a lease is considered alive this much longer. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface LeaseRecord {
  version: 1;
  id: string;
  host: string;
  pid: number;
  kind: string;
  exclusive: boolean;
  created: string;
  expires: string;
}

export interface LeaseOptions {
  kind: string;
  exclusive?: boolean;
  ttlMs?: number;
  now?: () => number;
  onNotice?: (message: string) => void;
}

/**
 * A lease is alive until its expiry plus the clock-skew allowance — unless it was taken on this
 * host by a process that no longer exists (as restic does): a killed prune must not block the
 * next one for twenty minutes.
 */
export function isAlive(lease: LeaseRecord, now: number): boolean {
  if (Date.parse(lease.expires) + CLOCK_SKEW_MS <= now) return false;
  return !(lease.host === os.hostname() && !processExists(lease.pid));
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

export function listLeases(vault: Vault): Promise<LeaseRecord[]> {
  return vault.listJson<LeaseRecord>('leases/');
}

/** Lists live leases and deletes expired ones, telling the caller about each takeover. */
export async function liveLeases(vault: Vault, now: number, onNotice?: (m: string) => void, exceptId?: string): Promise<LeaseRecord[]> {
  const live: LeaseRecord[] = [];
  for (const l of await listLeases(vault)) {
    if (l.id === exceptId) continue;
    if (isAlive(l, now)) live.push(l);
    else {
      await vault.store.delete(`leases/${l.id}`);
      const why = Date.parse(l.expires) + CLOCK_SKEW_MS <= now ? `expired ${l.expires}` : 'its process no longer exists';
      onNotice?.(`took over from a stale lease of ${l.kind} by ${l.host} (pid ${l.pid}): ${why}`);
    }
  }
  return live;
}

export class Lease {
  private timer: NodeJS.Timeout | null = null;
  private released = false;
  /** When the lease object was last written: it is ours only within ttl of that. */
  private lastWritten: number;

  private constructor(
    private readonly vault: Vault,
    readonly record: LeaseRecord,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {
    this.lastWritten = now();
  }

  static async acquire(vault: Vault, opts: LeaseOptions): Promise<Lease> {
    // Two exclusive requests at the same instant both see each other and both step back; each
    // retries after a random pause so that one of them goes ahead.
    for (let attempt = 1; ; attempt++) {
      try {
        return await Lease.tryAcquire(vault, opts);
      } catch (err) {
        const rival = err instanceof DeskVaultError && err.code === 'VAULT_LOCKED' ? Date.parse(String(err.data.since)) : NaN;
        const simultaneous = Math.abs((opts.now ?? Date.now)() - rival) < 10_000;
        if (attempt >= 3 || !simultaneous) throw err;
        await new Promise((r) => setTimeout(r, 100 + randomInt(700)));
      }
    }
  }

  private static async tryAcquire(vault: Vault, opts: LeaseOptions): Promise<Lease> {
    const now = opts.now ?? Date.now;
    const ttlMs = opts.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    const t = now();
    const record: LeaseRecord = {
      version: 1,
      id: randomBytes(16).toString('hex'),
      host: os.hostname(),
      pid: process.pid,
      kind: opts.kind,
      exclusive: opts.exclusive ?? false,
      created: new Date(t).toISOString(),
      expires: new Date(t + ttlMs).toISOString(),
    };
    if (record.exclusive) await assertNoOtherExclusive(vault, t, opts.onNotice);
    await vault.putJson(`leases/${record.id}`, record);
    const lease = new Lease(vault, record, ttlMs, now);
    if (record.exclusive) {
      // Two exclusive holders may have written at nearly the same instant: whoever sees another
      // live exclusive lease after writing its own gives up (both may; neither proceeds wrongly).
      const rivals = (await liveLeases(vault, now(), opts.onNotice, record.id)).filter((l) => l.exclusive);
      if (rivals.length > 0) {
        await lease.release();
        throw lockedBy(rivals[0]);
      }
    }
    lease.startHeartbeat();
    return lease;
  }

  private startHeartbeat(): void {
    this.timer = setInterval(() => void this.renew().catch(() => undefined), this.renewEveryMs);
    this.timer.unref();
  }

  async renew(): Promise<void> {
    if (this.released || this.lost()) return; // never resurrect a lease others may have taken over
    const t = this.now();
    this.record.expires = new Date(t + this.ttlMs).toISOString();
    await this.vault.putJson(`leases/${this.record.id}`, this.record);
    this.lastWritten = t;
  }

  /** True if the lease may have expired in others' eyes (this process stalled or was suspended). */
  lost(): boolean {
    return this.now() - this.lastWritten >= this.ttlMs;
  }

  /** Renewals happen this often (the heartbeat's interval): a third of the lifetime. */
  private get renewEveryMs(): number {
    return Math.max(1000, Math.floor(this.ttlMs / 3));
  }

  /**
   * Call before committing work that relies on the lease (a recovery point): if the lease lapsed,
   * a prune may have deleted packs this operation deduplicated against. The lease object must
   * still be there (a HEAD: another host may have taken it over); it is then renewed if a renewal
   * is due, so that the commit happens with at least two thirds of a lifetime left. A lease written
   * less than a third of its lifetime ago already has that, and a short operation (a backup of
   * seconds) commits without the extra write.
   */
  async assertHeld(): Promise<void> {
    const gone = this.lost() || !(await this.vault.store.head(`leases/${this.record.id}`));
    if (gone) {
      throw new DeskVaultError(
        'VAULT_LOCKED',
        `this ${this.record.kind} stalled for longer than its lease (${Math.round(this.ttlMs / 60000)} min) and another process may have removed data it relies on; nothing was committed — run it again (what it already stored is reused)`,
        { kind: this.record.kind },
      );
    }
    if (this.now() - this.lastWritten >= this.renewEveryMs) await this.renew();
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.timer) clearInterval(this.timer);
    await this.vault.store.delete(`leases/${this.record.id}`);
  }
}

async function assertNoOtherExclusive(vault: Vault, now: number, onNotice?: (m: string) => void): Promise<void> {
  const other = (await liveLeases(vault, now, onNotice)).find((l) => l.exclusive);
  if (other) throw lockedBy(other);
}

function lockedBy(l: LeaseRecord): DeskVaultError {
  const until = new Date(Date.parse(l.expires) + CLOCK_SKEW_MS).toISOString();
  return new DeskVaultError(
    'VAULT_LOCKED',
    `another ${l.kind} is running on this vault (${l.host}, pid ${l.pid}, since ${l.created}); if that process has died, its lease lapses by itself at ${until}`,
    { host: l.host, pid: l.pid, kind: l.kind, expires: until, since: l.created },
  );
}
