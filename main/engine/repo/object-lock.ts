/**
 * Object Lock for a vault (docs/vault-format.md, "Object Lock"): which objects are locked, until
 * when, and the one invariant — when a recovery point's manifest exists, every object it needs
 * (its data and metadata packs, the config and the key slots) is retained by S3 until at least
 * the point's `lock.until` (written + `days`). So every locked point stays whole.
 *
 * Cheap by construction: new objects get their retention in the same PUT (`retentionFor`), with
 * `slack` beyond what the point needs; an older object that a new point reuses is extended only
 * when its known retain-until is shorter than the new point's need, and then by the same slack,
 * so a pack shared by daily points is extended about once per slack period, not once per backup.
 * What is known lives in the retention ledger (retention-ledger.ts); an object the ledger does not
 * know is asked about once (GetObjectRetention). Retention never moves earlier.
 *
 * Not locked: index objects (rebuilt from the locked packs by `repair index`, and prune must
 * supersede them), leases and prune plans (rewritten and deleted), the ledger itself (hints only).
 */
import { DeskVaultError, isDeskVaultError } from '../../core/errors.js';
import { isRetryable } from '../storage/retry-store.js';
import { mapLimit } from '../util/map-limit.js';
import type { ChunkIndex } from './chunk-index.js';
import type { ObjectLockMode, ObjectLockSettings } from './config.js';
import { packKey } from './pack-format.js';
import type { RecoveryPoint } from './point.js';
import { loadLedger, writeLedger, type LoadedLedger } from './retention-ledger.js';
import type { Vault } from './vault.js';

export const DAY_MS = 86_400_000;

/** What a store that can lock objects offers (S3: engine/storage/s3/s3-object-lock.ts). */
export interface RetentionControl {
  readonly location: string;
  /** The object's retention, null if none; NOT_FOUND if the object is missing. */
  get(key: string): Promise<{ mode: ObjectLockMode; until: Date } | null>;
  /** Moves the retain-until later (the store refuses an earlier date with ACCESS_DENIED). */
  set(key: string, mode: ObjectLockMode, until: Date): Promise<void>;
}

/** The object kinds that carry retention. */
export function isLockedKey(key: string): boolean {
  return key === 'config' || key.startsWith('keys/') || key.startsWith('data/') || key.startsWith('meta/') || key.startsWith('points/');
}

/**
 * How far beyond a point's need an object is locked when it is written or extended: a quarter of
 * the lock, at least 1 day and at most 30. Longer slack means fewer extensions (requests) but
 * garbage that stays undeletable that much longer; a quarter keeps both small.
 */
export function lockSlackMs(days: number): number {
  return Math.min(30, Math.max(1, Math.ceil(days / 4))) * DAY_MS;
}

export interface EnsureStats {
  /** Objects whose retention was moved later. */
  extended: number;
  /** Objects whose retention had to be asked for (not in the ledger). */
  queried: number;
}

export class VaultLock {
  private control: RetentionControl | null = null;
  private ledger: LoadedLedger | null = null;
  /** Learned since the ledger was last written: key → retain-until (ms). */
  private readonly fresh = new Map<string, number>();
  /** Exact dates for manifests about to be written (a point's object is locked to its own lock.until). */
  private readonly exact = new Map<string, number>();
  readonly slackMs: number;

  constructor(
    readonly settings: ObjectLockSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.slackMs = lockSlackMs(settings.days);
  }

  /** The store's retention calls (set once the store exists: it needs `retentionFor` first). */
  attachControl(control: RetentionControl): void {
    this.control = control;
  }

  /** For the store's puts: the retention a new object gets (null: not a locked kind). */
  retentionFor(key: string): { mode: ObjectLockMode; until: Date } | null {
    if (!isLockedKey(key)) return null;
    const until = this.exact.get(key) ?? this.now() + this.settings.days * DAY_MS + this.slackMs;
    this.learn(key, until);
    return { mode: this.settings.mode, until: new Date(until) };
  }

  /**
   * For the store's copy of an object onto itself (a storage-class change): the retention the new
   * version carries — the object's current one while it lasts. S3 does not copy retention, and a
   * new version without it would leave what points need unlocked; the date is restated, never
   * moved, so the ledger stays true.
   */
  retentionForCopy(key: string, current: { mode: ObjectLockMode; until: Date } | null): { mode: ObjectLockMode; until: Date } | null {
    if (!isLockedKey(key) || !current || current.until.getTime() <= this.now()) return null;
    return current;
  }

  /**
   * Called by Vault just before a point's manifest is written: makes every object the point needs
   * retained until its lock date, records that date in the point, and writes the ledger.
   */
  async beforePointCommit(vault: Vault, point: RecoveryPoint, index: ChunkIndex): Promise<EnsureStats> {
    const need = this.now() + this.settings.days * DAY_MS;
    const keys = ['config', ...(await vault.listIds('keys/')).map((id) => `keys/${id}`), ...(await packsOfPoint(vault, index, point))];
    const stats = await this.ensure(vault, keys, need);
    point.lock = { mode: this.settings.mode, until: new Date(need).toISOString() };
    this.exact.set(`points/${point.id}`, need);
    await this.saveLedger(vault);
    return stats;
  }

  /** Makes each key retained until at least `need`, extending only what is (known to be) shorter. */
  async ensure(vault: Vault, keys: string[], need: number): Promise<EnsureStats> {
    const ledger = await this.loadedLedger(vault);
    const stats: EnsureStats = { extended: 0, queried: 0 };
    await mapLimit([...new Set(keys)], 8, async (key) => {
      try {
        await this.ensureOne(key, need, ledger, stats);
      } catch (err) {
        throw this.missing(err, key);
      }
    });
    return stats;
  }

  private async ensureOne(key: string, need: number, ledger: LoadedLedger, stats: EnsureStats): Promise<void> {
    const known = this.knownUntil(key, ledger);
    if (known >= need) return;
    let mode = this.settings.mode;
    if (known === 0) {
      stats.queried++;
      const current = await this.ask(key);
      if (current && current.until.getTime() >= need) return this.learn(key, current.until.getTime());
      if (current?.mode === 'COMPLIANCE') mode = 'COMPLIANCE'; // can never be weakened
    }
    const target = need + this.slackMs;
    try {
      await retry(() => this.requireControl().set(key, mode, new Date(target)));
    } catch (err) {
      // Refused: either the right is missing, or the object is already locked for longer.
      const current = isDeskVaultError(err, 'ACCESS_DENIED') ? await this.ask(key) : null;
      if (!current || current.until.getTime() < need) throw err;
      return this.learn(key, current.until.getTime());
    }
    this.learn(key, target);
    stats.extended++;
  }

  /**
   * Until when (ms) the object is locked: 0 if it is not (or no longer). A date in the ledger that
   * is still ahead is trusted; otherwise S3 is asked, so nothing is deleted on a stale hint.
   */
  async lockedUntil(vault: Vault, key: string): Promise<number> {
    if (!isLockedKey(key)) return 0;
    const known = this.knownUntil(key, await this.loadedLedger(vault));
    if (known > this.now()) return known;
    let current;
    try {
      current = await this.ask(key);
    } catch (err) {
      if (isDeskVaultError(err, 'NOT_FOUND')) return 0;
      throw err;
    }
    if (current) this.learn(key, current.until.getTime());
    const until = current?.until.getTime() ?? 0;
    return until > this.now() ? until : 0;
  }

  /** Writes what was learned since the last write to the ledger (one object, or a consolidation). */
  async saveLedger(vault: Vault): Promise<void> {
    if (this.fresh.size === 0) return;
    const ledger = await this.loadedLedger(vault);
    for (const [k, t] of this.fresh) if (t > (ledger.until.get(k) ?? 0)) ledger.until.set(k, t);
    await writeLedger(vault, this.fresh, ledger, this.now());
    this.fresh.clear();
  }

  private knownUntil(key: string, ledger: LoadedLedger): number {
    return Math.max(ledger.until.get(key) ?? 0, this.fresh.get(key) ?? 0);
  }

  private learn(key: string, until: number): void {
    if (until > (this.fresh.get(key) ?? 0)) this.fresh.set(key, until);
  }

  private async loadedLedger(vault: Vault): Promise<LoadedLedger> {
    this.ledger ??= await loadLedger(vault);
    return this.ledger;
  }

  private ask(key: string): Promise<{ mode: ObjectLockMode; until: Date } | null> {
    return retry(() => this.requireControl().get(key));
  }

  private requireControl(): RetentionControl {
    if (!this.control) throw new DeskVaultError('INTERNAL', 'the vault lock has no storage control attached', {});
    return this.control;
  }

  private missing(err: unknown, key: string): unknown {
    if (isDeskVaultError(err, 'NOT_FOUND')) {
      return new DeskVaultError('INTEGRITY', `${key} is missing from the vault, so the new recovery point could not be locked whole; run \`deskvault check\` and \`deskvault repair index\``, { key });
    }
    return err;
  }
}

/** Keys of the packs holding the point's trees and file chunks (a walk of its trees). */
export async function packsOfPoint(vault: Vault, index: ChunkIndex, point: RecoveryPoint): Promise<string[]> {
  const packs = new Set<string>();
  const seenTrees = new Set<string>();
  const add = (id: Buffer, what: string): void => {
    const loc = index.get(id);
    if (!loc) throw new DeskVaultError('INTEGRITY', `${what} ${id.toString('hex').slice(0, 12)} of the new point is not in the index`, { chunk: id.toString('hex') });
    packs.add(packKey(loc.packKind, loc.packId));
  };
  const visit = async (treeId: string): Promise<void> => {
    if (seenTrees.has(treeId)) return;
    seenTrees.add(treeId);
    add(Buffer.from(treeId, 'hex'), 'folder listing');
    const tree = await vault.readTree(index, treeId, { cache: false });
    for (const e of tree.entries) {
      if (e.type === 'dir' && e.tree) await visit(e.tree);
      else if (e.type === 'file') for (const c of e.chunks ?? []) add(Buffer.from(c, 'hex'), 'chunk');
    }
  };
  await visit(point.tree);
  return [...packs];
}

/** Retention calls are idempotent: retried like store operations (throttling, 5xx, resets). */
async function retry<T>(fn: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * Math.min(10_000, 200 * 2 ** (attempt - 1)))));
    }
  }
}
