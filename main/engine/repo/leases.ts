/**
 * Leases instead of lock files (docs/vault-format.md, "Leases"): each running operation keeps a
 * lease object alive with a heartbeat; a lease whose holder died simply expires and is removed by
 * the next operation that sees it (and said so) — nobody ever has to unlock a vault by hand.
 * Backups share; prune is exclusive against other prunes only (two-phase deletion keeps it safe
 * against backups).
 */
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { DeskVaultError, isDeskVaultError } from '../../core/errors.js';
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

export function isAlive(lease: LeaseRecord, now: number): boolean {
  return Date.parse(lease.expires) + CLOCK_SKEW_MS > now;
}

export async function listLeases(vault: Vault): Promise<LeaseRecord[]> {
  const out: LeaseRecord[] = [];
  for (const id of await vault.listIds('leases/')) {
    try {
      out.push(await vault.getJson<LeaseRecord>(`leases/${id}`));
    } catch (err) {
      if (!isDeskVaultError(err, 'NOT_FOUND')) throw err;
    }
  }
  return out;
}

/** Lists live leases and deletes expired ones, telling the caller about each takeover. */
export async function liveLeases(vault: Vault, now: number, onNotice?: (m: string) => void, exceptId?: string): Promise<LeaseRecord[]> {
  const live: LeaseRecord[] = [];
  for (const l of await listLeases(vault)) {
    if (l.id === exceptId) continue;
    if (isAlive(l, now)) live.push(l);
    else {
      await vault.store.delete(`leases/${l.id}`);
      onNotice?.(`removed an expired lease of ${l.kind} by ${l.host} (pid ${l.pid}), expired ${l.expires}`);
    }
  }
  return live;
}

export class Lease {
  private timer: NodeJS.Timeout | null = null;
  private released = false;

  private constructor(
    private readonly vault: Vault,
    readonly record: LeaseRecord,
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  static async acquire(vault: Vault, opts: LeaseOptions): Promise<Lease> {
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
      // Two exclusive holders may have written at the same instant: the earlier (then smaller id) wins.
      const rivals = (await liveLeases(vault, now(), opts.onNotice, record.id)).filter((l) => l.exclusive);
      const beaten = rivals.some((l) => l.created < record.created || (l.created === record.created && l.id < record.id));
      if (beaten) {
        await lease.release();
        throw lockedBy(rivals[0]);
      }
    }
    lease.startHeartbeat();
    return lease;
  }

  private startHeartbeat(): void {
    this.timer = setInterval(() => void this.renew().catch(() => undefined), Math.max(1000, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  async renew(): Promise<void> {
    if (this.released) return;
    this.record.expires = new Date(this.now() + this.ttlMs).toISOString();
    await this.vault.putJson(`leases/${this.record.id}`, this.record);
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
  return new DeskVaultError(
    'VAULT_LOCKED',
    `another ${l.kind} is running on this vault (${l.host}, pid ${l.pid}, since ${l.created}); its lease expires by itself at ${l.expires} if that process has died`,
    { host: l.host, pid: l.pid, kind: l.kind, expires: l.expires },
  );
}
