/**
 * The service facade the edges use (for now: the CLI). It opens vaults by location, owns the
 * lifetime of an open vault and its loaded index, and delegates every operation to the engine.
 * Plans, schedules, jobs and the catalog grow here later; the edges keep calling this layer only.
 */
import { DeskVaultError } from '../core/errors.js';
import {
  backup,
  CachingStore,
  check,
  copyPoints,
  createPathMatcher,
  estimateTotals,
  forget,
  pointLockedUntil,
  isS3Location,
  listSlots,
  loadS3LockSupport,
  loadS3Support,
  parseS3Location,
  pathComponents,
  prune,
  removeSlot,
  repairIndex,
  restore,
  RetryStore,
  summarizeSlot,
  ThrottleStore,
  Vault,
  VaultLock,
  type BackupOptions,
  type BackupResult,
  type CheckOptions,
  type CheckResult,
  type CopyResult,
  type KeySlotSummary,
  type LoadedIndex,
  type ObjectLockSettings,
  type ObjectStore,
  type PruneOptions,
  type PruneResult,
  type RecoveryPoint,
  type RepairIndexResult,
  type RestoreOptions,
  type RestoreResult,
  type RetentionDecision,
  type RetentionPolicy,
  type TreeNode,
} from '../engine/index.js';
import { localPathOf, openStore, type StoreOptions } from './location.js';
import { vaultCacheFolder } from './state-folder.js';
import { prepareVaultFolder } from './vaults/vault-folder.js';

export type { ObjectLockSettings } from '../engine/index.js';
export type { CopyResult, RecoveryPoint, TreeNode, BackupResult, CheckResult, PruneResult, RestoreResult, RetentionPolicy, RetentionDecision, KeySlotSummary, RepairIndexResult };
export { parseDuration, parseSize } from '../engine/index.js';

export interface ListedEntry {
  path: string;
  type: TreeNode['type'];
  size?: number;
  mode: number;
  mtime: string;
  target?: string;
}

export interface BackupRequest extends Omit<BackupOptions, 'matcher'> {
  excludes?: string[];
}

/** Files and bytes a backup of `paths` would visit, or null if counting takes over `budgetMs`. */
export function estimateBackup(paths: string[], excludes: string[] | undefined, budgetMs: number): { files: number; bytes: number } | null {
  return estimateTotals(paths, excludes && excludes.length > 0 ? createPathMatcher(excludes) : undefined, budgetMs);
}

/**
 * Creates a vault with a passphrase slot, an AWS KMS slot, or both (KMS + recovery passphrase).
 * With `objectLock`, the vault must be on S3 in a bucket with Object Lock enabled (checked before
 * anything is written); its config and key slots are then written locked.
 */
export async function initVault(
  location: string,
  keys: { passphrase?: string; kmsKey?: string },
  opts: { copyParamsFrom?: VaultSession; objectLock?: ObjectLockSettings; now?: () => number } = {},
): Promise<VaultSession> {
  if (opts.objectLock && !isS3Location(location)) {
    throw new DeskVaultError('USAGE', `Object Lock (--lock-mode) needs a vault on S3 in a bucket with Object Lock enabled; a folder (${location}) cannot enforce retention, so nothing was created`, { location });
  }
  // A folder must be able to hold a vault before anything is written (never hangs: /proc and the like).
  const local = localPathOf(location);
  if (local !== null) prepareVaultFolder(local);
  let store = openStore(location);
  let lock: VaultLock | null = null;
  if (isS3Location(location)) {
    // Preflight: every right the vault will need, named, before anything is written. Only missing
    // rights refuse; a feature an S3-compatible service lacks (doctor reports it) does not.
    const { probeS3Permissions, S3Store } = await loadS3Support();
    const plain = new S3Store(parseS3Location(location));
    const missing = (await probeS3Permissions(plain, { lock: !!opts.objectLock })).filter((r) => r.message === 'missing');
    if (missing.length > 0) {
      throw new DeskVaultError('ACCESS_DENIED', `the AWS credentials in use lack ${missing.map((m) => m.permission).join(', ')} on ${location.split('?')[0]}; run \`deskvault doctor --print-policy\` for the policy to grant`, {
        permissions: missing.map((m) => m.permission),
      });
    }
    if (opts.objectLock) {
      await (await loadS3LockSupport()).assertBucketLockable(plain);
      ({ store, lock } = await openLockedS3Store(location, opts.objectLock, {}, opts.now));
    }
  }
  const vault = await Vault.init(store, { ...keys, copyParamsFrom: opts.copyParamsFrom?.vault, objectLock: opts.objectLock });
  if (lock) {
    vault.attachObjectLock(lock);
    await lock.saveLedger(vault);
  }
  return new VaultSession(vault, location);
}

/**
 * The store of a locked S3 vault: as openStore() builds it (retry outside, bandwidth limits
 * inside), but over an S3Store that puts the vault's immutable objects with retention (the store
 * asks the VaultLock per key), and with the VaultLock holding that store's retention calls.
 */
async function openLockedS3Store(location: string, settings: ObjectLockSettings, storeOpts: StoreOptions = {}, now?: () => number): Promise<{ store: ObjectStore; lock: VaultLock }> {
  const [{ S3Store }, { S3Retention }] = await Promise.all([loadS3Support(), loadS3LockSupport()]);
  const lock = new VaultLock(settings, now);
  const s3 = new S3Store(parseS3Location(location), { objectLock: lock });
  lock.attachControl(new S3Retention(s3));
  const limited = storeOpts.limitUpload || storeOpts.limitDownload ? new ThrottleStore(s3, { uploadBytesPerSec: storeOpts.limitUpload, downloadBytesPerSec: storeOpts.limitDownload }) : s3;
  return { store: new RetryStore(limited), lock };
}

/**
 * Opens a vault. `secret` is the passphrase, null to open through the vault's AWS KMS slots, or a
 * function that decides once it knows whether the vault has a KMS slot (asked only then, so the
 * config and the key slots are read once). A remote vault is read through the local cache of its
 * immutable metadata (state folder, `cache/<vault id>`).
 */
export async function openVault(
  location: string,
  secret: string | null | ((hasKms: boolean) => Promise<string | null>),
  storeOpts: StoreOptions = {},
  opts: { now?: () => number } = {},
): Promise<VaultSession> {
  let store = openStore(location, storeOpts);
  const config = await Vault.readConfig(store);
  // A locked vault on S3 is written through a store that locks; anywhere else (a copy in a folder)
  // it opens without one and can be read, not written (Vault.objectLock says so).
  let lock: VaultLock | null = null;
  if (config.objectLock && isS3Location(location)) ({ store, lock } = await openLockedS3Store(location, config.objectLock, storeOpts, opts.now));
  if (localPathOf(location) === null) store = new CachingStore(store, vaultCacheFolder(config.id));
  const slots = await listSlots(store);
  const passphrase = typeof secret === 'function' ? await secret(slots.some((s) => s.kind === 'kms')) : secret;
  const vault = await Vault.openKnown(store, config, slots, passphrase);
  if (lock) vault.attachObjectLock(lock);
  return new VaultSession(vault, location);
}

/** The permanent id of the vault at `location` (reads only its config). */
export async function readVaultId(location: string): Promise<string> {
  return (await Vault.readConfig(openStore(location))).id;
}

/** Copies points (all, or the given refs) from one open vault to another; see engine/copy. */
export async function copyBetween(from: VaultSession, to: VaultSession, refs: string[], onNotice?: (m: string) => void): Promise<CopyResult> {
  to.vault.objectLock('copied to'); // a locked vault where it cannot be locked: refuse before writing
  const all = await from.points();
  const points = refs.length === 0 ? all : await Promise.all(refs.map((r) => from.vault.resolvePoint(r, all)));
  return copyPoints(from.vault, to.vault, points, { onNotice });
}

export class VaultSession {
  private loaded: LoadedIndex | null = null;

  constructor(
    readonly vault: Vault,
    readonly location: string,
  ) {}

  get id(): string {
    return this.vault.id;
  }

  async backup(req: BackupRequest): Promise<BackupResult> {
    const matcher = req.excludes && req.excludes.length > 0 ? createPathMatcher(req.excludes) : undefined;
    this.vault.objectLock('backed up to'); // a locked vault where it cannot be locked: refuse before writing
    const local = localPathOf(this.location);
    const result = await backup(this.vault, { ...req, matcher, neverInclude: [...(local ? [local] : []), ...(req.neverInclude ?? [])] });
    this.loaded = null;
    return result;
  }

  points(): Promise<RecoveryPoint[]> {
    return this.vault.listPoints();
  }

  resolvePoint(ref: string): Promise<RecoveryPoint> {
    return this.vault.resolvePoint(ref);
  }

  private async index(): Promise<LoadedIndex> {
    this.loaded ??= await this.vault.loadIndex();
    return this.loaded;
  }

  /** The chunk index, loaded once per session (again after a backup or prune): to read single files. */
  async chunkIndex(): Promise<LoadedIndex['index']> {
    return (await this.index()).index;
  }

  /** Lists a point recursively below `path` (an original absolute path; default: everything). */
  async ls(pointRef: string, below?: string): Promise<{ point: RecoveryPoint; entries: ListedEntry[] }> {
    const point = await this.resolvePoint(pointRef);
    const { index } = await this.index();
    let treeId = point.tree;
    let prefix = '';
    const out: ListedEntry[] = [];
    if (below) {
      const comps = pathComponents(below);
      let node: TreeNode | undefined;
      for (const c of comps) {
        const tree = await this.vault.readTree(index, treeId);
        node = tree.entries.find((e) => e.name === c);
        if (!node) throw new DeskVaultError('NOT_FOUND', `${below} is not in recovery point ${point.id.slice(0, 8)}`, { path: below });
        prefix += `/${c}`;
        if (node.type !== 'dir') {
          out.push(toListed(prefix, node));
          return { point, entries: out };
        }
        treeId = node.tree!;
      }
      if (node) out.push(toListed(prefix, node));
    }
    const walk = async (id: string, at: string): Promise<void> => {
      for (const e of (await this.vault.readTree(index, id)).entries) {
        const p = `${at}/${e.name}`;
        out.push(toListed(p, e));
        if (e.type === 'dir' && e.tree) await walk(e.tree, p);
      }
    };
    await walk(treeId, prefix);
    return { point, entries: out };
  }

  async restore(opts: Omit<RestoreOptions, 'point'> & { point: string }): Promise<RestoreResult> {
    const point = await this.resolvePoint(opts.point);
    const { index } = await this.index();
    return restore(this.vault, index, { ...opts, point });
  }

  check(opts: CheckOptions): Promise<CheckResult> {
    return check(this.vault, opts);
  }

  /** Removes what the policy does not keep; refuses (OBJECT_LOCKED) points under Object Lock. */
  /**
   * Removes the given recovery points (lifecycle's decision; the data goes at the next prune).
   * A point under Object Lock is refused before anything is deleted.
   */
  async deletePoints(ids: string[], now: number = Date.now()): Promise<void> {
    const points = await this.points();
    for (const id of ids) {
      const p = points.find((x) => x.id === id);
      const until = p ? pointLockedUntil(p, now) : 0;
      if (until) throw new DeskVaultError('OBJECT_LOCKED', `recovery point ${id.slice(0, 8)} is under Object Lock until ${new Date(until).toISOString()}; nothing was removed`, { point: id });
    }
    for (const id of ids) await this.vault.store.delete(`points/${id}`);
  }

  forget(policy: RetentionPolicy, opts: { dryRun?: boolean; now?: () => number }): Promise<RetentionDecision[]> {
    return forget(this.vault, policy, opts);
  }

  async prune(opts: PruneOptions): Promise<PruneResult> {
    const r = await prune(this.vault, opts);
    this.loaded = null;
    return r;
  }

  async repairIndex(onProgress?: (done: number, total: number) => void): Promise<RepairIndexResult> {
    const r = await repairIndex(this.vault, onProgress);
    this.loaded = null;
    return r;
  }

  async keys(): Promise<KeySlotSummary[]> {
    return (await listSlots(this.vault.store)).map(summarizeSlot);
  }

  async addKey(passphrase: string): Promise<KeySlotSummary> {
    return summarizeSlot(await this.vault.addPassphraseSlot(passphrase));
  }

  async addKmsKey(keyId: string): Promise<KeySlotSummary> {
    return summarizeSlot(await this.vault.addKmsSlot(keyId));
  }

  /**
   * Removes a key slot. In a locked vault the slot's object is under retention: S3 hides it behind
   * a delete marker and keeps the locked version until `lockedUntil` (returned, for the caller to
   * say); DeskVault allows this one delete on purpose, so slots can be rotated out while backups
   * keep extending the locks of the slots that remain.
   */
  async removeKey(slotId: string): Promise<{ lockedUntil: string | null }> {
    const lock = this.vault.objectLock('changed');
    const slot = lock ? (await listSlots(this.vault.store)).find((s) => s.id === slotId || s.id.startsWith(slotId)) : undefined;
    const until = lock && slot ? await lock.lockedUntil(this.vault, `keys/${slot.id}`) : 0;
    await removeSlot(this.vault.store, slotId);
    return { lockedUntil: until ? new Date(until).toISOString() : null };
  }

  /** The vault's Object Lock settings, or null. */
  get objectLock(): ObjectLockSettings | null {
    return this.vault.config.objectLock ?? null;
  }

  get openedSlotId(): string | null {
    return this.vault.openedSlot?.id ?? null;
  }
}

function toListed(p: string, e: TreeNode): ListedEntry {
  const ms = Number(BigInt(e.mtimeNs) / 1000000n);
  return {
    path: p,
    type: e.type,
    ...(e.type === 'file' ? { size: e.size ?? 0 } : {}),
    mode: e.mode,
    mtime: new Date(ms).toISOString(),
    ...(e.type === 'symlink' ? { target: e.target } : {}),
  };
}
