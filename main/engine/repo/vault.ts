/**
 * An open vault: its config, its keys, and typed access to its objects. Everything else in the
 * engine (backup, restore, check, prune) works through this class and never touches key material.
 */
import { randomBytes } from 'node:crypto';
import { DeskVaultError, isDeskVaultError } from '../../core/errors.js';
import { createChunker, deriveGearTable, type Chunker, type ChunkerParams } from '../chunker/fastcdc.js';
import { loadZstd } from '../crypto/codec.js';
import { keyedHashFn, loadHasher, type HashFn } from '../crypto/hash.js';
import { Sealer } from '../crypto/sealer.js';
import type { ObjectStore } from '../storage/object-store.js';
import { mapLimit } from '../util/map-limit.js';
import { listPrunePlans, type PrunePlan } from './pack-inventory.js';
import { ChunkIndex } from './chunk-index.js';
import { newConfig, parseConfig, type ObjectLockSettings, type VaultConfig } from './config.js';
import { decodeIndex, encodeIndex, type IndexEntry, type IndexFile } from './index-file.js';
import { createKmsSlot, type KmsOptions } from '../keys/kms-slots.js';
import { createPassphraseSlot, encodeKeys, listSlots, newMasterKeys, openWithKms, openWithPassphrase, type KeySlot, type MasterKeys } from './key-slots.js';
import { decodeHeader, PACK_HEADER_AAD, PACK_TRAILER, packKey, parseTrailer, type PackEntry } from './pack-format.js';
import type { VaultLock } from './object-lock.js';
import type { RecoveryPoint } from './point.js';
import { decodeTree, type Tree } from './tree.js';

export interface InitOptions {
  /** A passphrase slot (with a KMS key: the recovery slot). At least one of passphrase and kmsKey. */
  passphrase?: string;
  /** An AWS KMS key (id, ARN or alias) that holds the vault's key. */
  kmsKey?: string;
  kms?: KmsOptions;
  chunker?: ChunkerParams;
  packSize?: number;
  zstdLevel?: number;
  /** Share chunking seed and chunk-id key with this (open) vault, so copies deduplicate. */
  copyParamsFrom?: Vault;
  /** S3 Object Lock (the store must already put objects with retention: see object-lock.ts). */
  objectLock?: ObjectLockSettings;
}

export interface LoadedIndex {
  index: ChunkIndex;
  /** Index objects in effect (not superseded). */
  indexIds: string[];
  /** Every index object present, superseded or not. */
  allIndexIds: string[];
  /** With keepEntries: every entry in effect, duplicates included, by pack (for prune). */
  entriesByPack?: Map<string, { kind: 'data' | 'meta'; entries: IndexEntry[] }>;
  /**
   * The prune plans listed while loading (after the index objects were read, so any plan whose
   * new index was read is among them): a backup takes its pending deletions from these rather
   * than listing `prune/` a second time.
   */
  prunePlans: PrunePlan[];
}

export class Vault {
  readonly sealer: Sealer;
  readonly chunkId: HashFn;
  readonly packId: (parts: readonly Uint8Array[]) => Buffer;
  readonly chunker: Chunker;
  private readonly treeCache = new Map<string, Tree>();
  /** Whole metadata packs, LRU: walking a parent point reads thousands of trees from a few packs. */
  private readonly metaPackCache = new Map<string, Buffer>();
  private metaPackCacheBytes = 0;
  /** The index most recently loaded: writers add to it, so a point commit finds its new packs. */
  private lastIndex: ChunkIndex | null = null;
  private pointCache = new Map<string, RecoveryPoint>();
  /** Object Lock control of a locked vault (attached by whoever opened the store); else null. */
  private lock: VaultLock | null = null;

  private constructor(
    readonly store: ObjectStore,
    readonly config: VaultConfig,
    private readonly keys: MasterKeys,
    readonly openedSlot: KeySlot | null,
    deps: { sealer: Sealer; chunkId: HashFn; packId: (parts: readonly Uint8Array[]) => Buffer; chunker: Chunker },
  ) {
    this.sealer = deps.sealer;
    this.chunkId = deps.chunkId;
    this.packId = deps.packId;
    this.chunker = deps.chunker;
  }

  get id(): string {
    return this.config.id;
  }

  static async init(store: ObjectStore, opts: InitOptions): Promise<Vault> {
    if (await store.head('config')) {
      throw new DeskVaultError('VAULT_EXISTS', `a vault already exists at ${store.properties.location}; nothing was changed`, { location: store.properties.location });
    }
    const base = opts.copyParamsFrom;
    const config = newConfig({ chunker: opts.chunker ?? base?.config.chunker, packSize: opts.packSize, zstdLevel: opts.zstdLevel, objectLock: opts.objectLock });
    const keys = newMasterKeys(base?.keys);
    if (opts.passphrase === undefined && !opts.kmsKey) throw new DeskVaultError('USAGE', 'a new vault needs a passphrase or an AWS KMS key', {});
    if (opts.passphrase === '') throw new DeskVaultError('INVALID_INPUT', 'the passphrase must not be empty', {});
    // Slots first, config last: a vault without config is not a vault, so a crash in between leaves
    // nothing that could be mistaken for a usable vault and `init` can simply run again.
    let slot: KeySlot | null = null;
    if (opts.kmsKey) slot = await createKmsSlot(store, config.id, encodeKeys(keys), opts.kmsKey, opts.kms);
    if (opts.passphrase !== undefined) slot = await createPassphraseSlot(store, config.id, keys, opts.passphrase);
    await store.put('config', Buffer.from(JSON.stringify(config, null, 2)));
    return Vault.build(store, config, keys, slot);
  }

  static async readConfig(store: ObjectStore): Promise<VaultConfig> {
    let bytes: Buffer;
    try {
      bytes = await store.get('config');
    } catch (err) {
      if (isDeskVaultError(err, 'NOT_FOUND')) {
        throw new DeskVaultError('VAULT_NOT_FOUND', `no vault at ${store.properties.location} (run \`deskvault init\` to create one)`, { location: store.properties.location });
      }
      throw err;
    }
    return parseConfig(bytes, store.properties.location);
  }

  /** Opens with a passphrase if one is given, else through the vault's AWS KMS slots. */
  static async open(store: ObjectStore, passphrase: string | null, kms: KmsOptions = {}): Promise<Vault> {
    return Vault.openKnown(store, await Vault.readConfig(store), await listSlots(store), passphrase, kms);
  }

  /** open() for a caller that has already read the config and the key slots (saves requests). */
  static async openKnown(store: ObjectStore, config: VaultConfig, slots: KeySlot[], passphrase: string | null, kms: KmsOptions = {}): Promise<Vault> {
    const { keys, slot } = passphrase !== null ? await openWithPassphrase(store, config.id, passphrase, slots) : await openWithKms(store, config.id, kms, slots);
    return Vault.build(store, config, keys, slot);
  }

  /** Adds an AWS KMS slot holding the same master keys (e.g. to rotate to a new KMS key): kms:Encrypt. */
  addKmsSlot(keyId: string, kms: KmsOptions = {}): Promise<KeySlot> {
    return createKmsSlot(this.store, this.config.id, encodeKeys(this.keys), keyId, kms, 'encrypt');
  }

  private static async build(store: ObjectStore, config: VaultConfig, keys: MasterKeys, slot: KeySlot | null): Promise<Vault> {
    const [hasher, zstd] = await Promise.all([loadHasher(), loadZstd()]);
    const chunkId = await keyedHashFn(hasher, keys.chunkIdKey);
    const gearHash = await keyedHashFn(hasher, keys.chunkerSeed);
    const chunker = createChunker(config.chunker, deriveGearTable(gearHash));
    const sealer = new Sealer(keys.encryptionKey, zstd, config.compression.level);
    return new Vault(store, config, keys, slot, { sealer, chunkId, packId: hasher.plainParts, chunker });
  }

  /**
   * Attaches the Object Lock control of a locked vault. Only a store that can lock (S3 with Object
   * Lock) has one; a locked vault without it can be read and restored but not written or pruned.
   */
  attachObjectLock(lock: VaultLock): void {
    if (!this.config.objectLock) throw new DeskVaultError('INTERNAL', 'Object Lock control attached to a vault without Object Lock', {});
    this.lock = lock;
  }

  /** The Object Lock control; null for an unlocked vault. Throws for a locked vault opened without one. */
  objectLock(what: string): VaultLock | null {
    if (!this.config.objectLock) return null;
    if (!this.lock) {
      throw new DeskVaultError(
        'OBJECT_LOCKED',
        `this vault uses S3 Object Lock, which ${this.store.properties.location} cannot provide here; it can be read and restored, but not ${what}`,
        { location: this.store.properties.location },
      );
    }
    return this.lock;
  }

  /** Adds a passphrase slot holding the same master keys. */
  addPassphraseSlot(passphrase: string): Promise<KeySlot> {
    return createPassphraseSlot(this.store, this.config.id, this.keys, passphrase);
  }

  /** For `init --copy-params-from`: the new vault shares chunking and chunk ids with this one. */
  sharesChunkParamsWith(other: Vault): boolean {
    return this.keys.chunkIdKey.equals(other.keys.chunkIdKey) && this.keys.chunkerSeed.equals(other.keys.chunkerSeed);
  }

  // ---- whole sealed objects (index, points, leases, prune plans) ----

  async putObject(name: string, payload: Buffer): Promise<void> {
    await this.store.put(name, this.sealer.seal(payload, Buffer.from(name)));
  }

  async getObject(name: string): Promise<Buffer> {
    const sealed = await this.store.get(name);
    return this.sealer.open(sealed, Buffer.from(name), name);
  }

  /**
   * Writes a sealed JSON object. Writing `points/<id>` is committing a recovery point (backup and
   * copy both do it here): in a locked vault, everything the point needs is first made retained
   * until its lock date, and `lock` is set on the point object passed in (so callers see it).
   */
  async putJson(name: string, value: unknown): Promise<void> {
    if (name.startsWith('points/')) {
      const lock = this.objectLock('written to');
      if (lock) await lock.beforePointCommit(this, value as RecoveryPoint, this.lastIndex ?? (await this.loadIndex()).index);
    }
    await this.putObject(name, Buffer.from(JSON.stringify(value)));
  }

  async getJson<T>(name: string): Promise<T> {
    const bytes = await this.getObject(name);
    try {
      return JSON.parse(bytes.toString('utf8')) as T;
    } catch {
      throw new DeskVaultError('INTEGRITY', `${name} is not valid JSON`, { what: name });
    }
  }

  /**
   * Reads every sealed JSON object under a prefix (leases, prune plans). An object deleted between
   * listing and reading is skipped; any other failure is the caller's.
   */
  async listJson<T>(prefix: string): Promise<T[]> {
    const out: T[] = [];
    for (const id of await this.listIds(prefix)) {
      try {
        out.push(await this.getJson<T>(`${prefix}${id}`));
      } catch (err) {
        if (!isDeskVaultError(err, 'NOT_FOUND')) throw err;
      }
    }
    return out;
  }

  async listIds(prefix: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const info of this.store.list(prefix)) ids.push(info.key.slice(prefix.length));
    return ids.sort();
  }

  // ---- index ----

  async writeIndex(file: IndexFile): Promise<string> {
    const id = randomBytes(16).toString('hex');
    await this.putObject(`index/${id}`, encodeIndex(file));
    return id;
  }

  /**
   * Loads every index object in effect. An unreadable index object is reported through onError and
   * skipped: missing entries only cost re-uploads, and `check`/`repair index` fix them.
   */
  async loadIndex(onError: (id: string, err: unknown) => void = () => undefined, opts: { keepEntries?: boolean } = {}): Promise<LoadedIndex> {
    const ids = await this.listIds('index/');
    const files = new Map<string, IndexFile>();
    await mapLimit(ids, 8, async (id) => {
      try {
        files.set(id, decodeIndex(await this.getObject(`index/${id}`), `index/${id}`));
      } catch (err) {
        if (isDeskVaultError(err, 'NOT_FOUND')) return; // superseded and deleted meanwhile
        onError(id, err);
      }
    });
    const superseded = new Set<string>();
    for (const f of files.values()) for (const s of f.supersedes) superseded.add(s);
    const index = new ChunkIndex();
    const inEffect: string[] = [];
    const byPack = opts.keepEntries ? new Map<string, { kind: 'data' | 'meta'; entries: IndexEntry[] }>() : undefined;
    const seenOffsets = new Map<string, Set<number>>();
    for (const id of ids) {
      const f = files.get(id);
      if (!f || superseded.has(id)) continue;
      inEffect.push(id);
      const kinds = new Map(f.packs);
      for (const e of f.entries) {
        const kind = kinds.get(e.packId) ?? 'data';
        index.add(e.id, e.packId, kind, e.offset, e.length, e.rawLength);
        if (byPack) {
          let p = byPack.get(e.packId);
          let seen = seenOffsets.get(e.packId);
          if (!p) byPack.set(e.packId, (p = { kind, entries: [] }));
          if (!seen) seenOffsets.set(e.packId, (seen = new Set()));
          if (!seen.has(e.offset)) {
            seen.add(e.offset);
            p.entries.push(e);
          }
        }
      }
    }
    const prunePlans = await listPrunePlans(this);
    index.setFallback(await this.pendingDeletionIndex(index, prunePlans));
    this.lastIndex = index;
    return { index, indexIds: inEffect, allIndexIds: ids, entriesByPack: byPack, prunePlans };
  }

  /** Blobs of packs that prune plans scheduled for deletion and the index no longer names. */
  private async pendingDeletionIndex(index: ChunkIndex, plans: PrunePlan[]): Promise<ChunkIndex> {
    const fallback = new ChunkIndex();
    const pending = [...new Map(plans.flatMap((p) => p.packs))].filter(([id]) => !index.hasPack(id));
    await mapLimit(pending, 8, async ([packId, kind]) => {
      try {
        for (const e of await this.readPackHeader(kind, packId)) fallback.add(e.id, packId, kind, e.offset, e.length, e.rawLength);
      } catch {
        // Already deleted (the plan is being finished) or unreadable: nothing to fall back on.
      }
    });
    return fallback;
  }

  // ---- packs and blobs ----

  /** Parses the header of a pack already in memory. */
  packHeaderFromBytes(bytes: Buffer, key: string): PackEntry[] {
    if (bytes.length < PACK_TRAILER) throw new DeskVaultError('INTEGRITY', `${key} is truncated`, { key });
    const headerLen = parseTrailer(bytes.subarray(bytes.length - PACK_TRAILER), bytes.length, key);
    const sealed = bytes.subarray(bytes.length - PACK_TRAILER - headerLen, bytes.length - PACK_TRAILER);
    return decodeHeader(this.sealer.open(sealed, PACK_HEADER_AAD, `${key} header`), key);
  }

  async readPackHeader(kind: 'data' | 'meta', packId: string, size?: number): Promise<PackEntry[]> {
    const key = packKey(kind, packId);
    const total = size ?? (await this.store.head(key))?.size;
    if (total === undefined) throw new DeskVaultError('NOT_FOUND', `pack ${key} is missing`, { key });
    if (total < PACK_TRAILER) throw new DeskVaultError('INTEGRITY', `${key} is truncated`, { key });
    const trailer = await this.store.get(key, { offset: total - PACK_TRAILER, length: PACK_TRAILER });
    const headerLen = parseTrailer(trailer, total, key);
    const sealed = await this.store.get(key, { offset: total - PACK_TRAILER - headerLen, length: headerLen });
    return decodeHeader(this.sealer.open(sealed, PACK_HEADER_AAD, `${key} header`), key);
  }

  /** Opens one sealed blob and verifies that its content hashes to its id. */
  openBlob(sealed: Buffer, id: Buffer, what: string, opts: { scratch?: boolean } = {}): Buffer {
    const plain = opts.scratch ? this.sealer.openScratch(sealed, id, what) : this.sealer.open(sealed, id, what);
    if (!this.chunkId(plain).equals(id)) {
      throw new DeskVaultError('INTEGRITY', `${what}: content does not match its id`, { what });
    }
    return plain;
  }

  async readBlob(index: ChunkIndex, id: Buffer, what: string): Promise<Buffer> {
    const loc = index.get(id);
    if (!loc) throw new DeskVaultError('INTEGRITY', `${what}: chunk ${id.toString('hex')} is not in the index`, { what, chunk: id.toString('hex') });
    const key = packKey(loc.packKind, loc.packId);
    if (loc.packKind === 'meta') {
      const pack = await this.metaPack(key);
      if (loc.offset + loc.length > pack.length) throw new DeskVaultError('INTEGRITY', `${what}: ${key} is shorter than the index says`, { what });
      return this.openBlob(pack.subarray(loc.offset, loc.offset + loc.length), id, what);
    }
    const sealed = await this.store.get(key, { offset: loc.offset, length: loc.length });
    return this.openBlob(sealed, id, what);
  }

  private async metaPack(key: string): Promise<Buffer> {
    const hit = this.metaPackCache.get(key);
    if (hit) {
      this.metaPackCache.delete(key);
      this.metaPackCache.set(key, hit);
      return hit;
    }
    const bytes = await this.store.get(key);
    // 64 MiB of metadata packs at most: a few packs cover the trees of a large workstation point.
    while (this.metaPackCacheBytes + bytes.length > 64 * 1024 * 1024 && this.metaPackCache.size > 0) {
      const [oldest, buf] = this.metaPackCache.entries().next().value as [string, Buffer];
      this.metaPackCache.delete(oldest);
      this.metaPackCacheBytes -= buf.length;
    }
    this.metaPackCache.set(key, bytes);
    this.metaPackCacheBytes += bytes.length;
    return bytes;
  }

  /**
   * Reads and validates a tree. Cached (up to 4,096 trees) for browsing and restore planning; a
   * walk that visits each tree once (backup's parent) passes `cache: false` to keep memory flat.
   */
  async readTree(index: ChunkIndex, treeId: string, opts: { cache?: boolean } = {}): Promise<Tree> {
    const cached = this.treeCache.get(treeId);
    if (cached) return cached;
    const bytes = await this.readBlob(index, Buffer.from(treeId, 'hex'), `tree ${treeId.slice(0, 12)}`);
    const tree = decodeTree(bytes, `tree ${treeId.slice(0, 12)}`);
    if (opts.cache === false) return tree;
    if (this.treeCache.size > 4096) this.treeCache.clear();
    this.treeCache.set(treeId, tree);
    return tree;
  }

  // ---- recovery points ----

  /**
   * Every recovery point, oldest first. Manifests are immutable once written, so a long-lived Vault
   * (the service) reads each one once: later calls list the ids and fetch only new ones.
   */
  async listPoints(onError: (id: string, err: unknown) => void = () => undefined): Promise<RecoveryPoint[]> {
    const ids = await this.listIds('points/');
    const points: RecoveryPoint[] = [];
    const known = new Map<string, RecoveryPoint>();
    await mapLimit(ids, 8, async (id) => {
      const cached = this.pointCache.get(id);
      if (cached) {
        points.push(structuredClone(cached)); // callers may annotate what they get
        known.set(id, cached);
        return;
      }
      try {
        const p = await this.getJson<RecoveryPoint>(`points/${id}`);
        points.push(p);
        known.set(id, structuredClone(p));
      } catch (err) {
        if (!isDeskVaultError(err, 'NOT_FOUND')) onError(id, err);
      }
    });
    this.pointCache = known;
    return points.sort((a, b) => a.time.localeCompare(b.time) || a.id.localeCompare(b.id));
  }

  /**
   * One recovery point by its full id, without listing the others (a caller that already resolved
   * the id, e.g. from the service's catalog): from the manifest cache, else one GET. NOT_FOUND
   * when it is gone (forgotten since).
   */
  async readPoint(id: string): Promise<RecoveryPoint> {
    const cached = this.pointCache.get(id);
    if (cached) return structuredClone(cached);
    if (!/^[0-9a-f]{64}$/.test(id)) throw new DeskVaultError('INVALID_INPUT', `"${id}" is not a full recovery point id`, { point: id });
    const p = await this.getJson<RecoveryPoint>(`points/${id}`);
    this.pointCache.set(id, structuredClone(p));
    return p;
  }

  /** POINT is an id, a unique id prefix, or `latest`. */
  async resolvePoint(ref: string, points?: RecoveryPoint[]): Promise<RecoveryPoint> {
    const all = points ?? (await this.listPoints());
    if (ref === 'latest') {
      const last = all[all.length - 1];
      if (!last) throw new DeskVaultError('NOT_FOUND', 'the vault has no recovery points yet', { point: ref });
      return last;
    }
    if (!/^[0-9a-f]{1,64}$/.test(ref)) throw new DeskVaultError('INVALID_INPUT', `"${ref}" is not a recovery point id, prefix or "latest"`, { point: ref });
    const matches = all.filter((p) => p.id.startsWith(ref));
    if (matches.length === 0) throw new DeskVaultError('NOT_FOUND', `no recovery point ${ref}`, { point: ref });
    if (matches.length > 1) throw new DeskVaultError('AMBIGUOUS', `recovery point prefix ${ref} matches ${matches.length} points; give more digits`, { point: ref });
    return matches[0];
  }
}
