/**
 * Cold storage of data packs: what the vault holds in which storage class, which point keeps each
 * data pack warm, and moving packs to the store's cold class. The decision (which packs may go
 * cold, by the plans' lifecycle) is the caller's; this module only finds facts and moves.
 *
 * The vault is the source of truth and no state is kept: a pack's class comes from the store's
 * listing (S3 returns it with every key, free), so a pack already in the cold class is not moved
 * again, and a move interrupted halfway is finished by the next run. Only data packs ever move:
 * config, key slots, index, folder listings (meta packs) and manifests stay STANDARD, as they are
 * read by every browse and backup.
 *
 * Moves happen under a shared lease (kind `cold-storage`), so a prune elsewhere that plans to
 * delete one of these packs waits for this to end instead of racing a copy that could bring the
 * pack back after its deletion.
 */
import { isDeskVaultError } from '../../core/errors.js';
import type { ChunkIndex } from '../repo/chunk-index.js';
import { Lease } from '../repo/leases.js';
import { packIdFromKey } from '../repo/pack-format.js';
import type { RecoveryPoint } from '../repo/point.js';
import type { Vault } from '../repo/vault.js';
import { noStorageClasses } from '../storage/delegating-store.js';
import { mapLimit } from '../util/map-limit.js';

export interface DataPackState {
  packId: string;
  /** The object's key, `data/<aa>/<pack-id>`. */
  key: string;
  size: number;
  /** As the store lists it; `STANDARD` where the store does not say (it has no classes). */
  storageClass: string;
}

export interface ColdMoveResult {
  moved: number;
  bytesMoved: number;
  /** Packs that were gone when their turn came (a prune elsewhere deleted them): nothing to move. */
  gone: number;
  /** The error that stopped the moves (a missing permission repeats for every pack), or null. */
  error: unknown;
}

/** Archive classes need a thaw before a read: a pack there cannot be restored from until thawed. */
export const ARCHIVE_CLASSES: readonly string[] = ['GLACIER', 'DEEP_ARCHIVE'];

/** The class data packs of this vault move to when cold, or null if its store has none (a folder). */
export function coldStorageClassOf(vault: Vault): string | null {
  return vault.store.properties.coldStorageClass ?? null;
}

/** Every data pack in the store, with its storage class (one listing, no request per pack). */
export async function listDataPacks(vault: Vault): Promise<DataPackState[]> {
  const out: DataPackState[] = [];
  for await (const o of vault.store.list('data/')) {
    const p = packIdFromKey(o.key);
    if (p?.kind === 'data') out.push({ packId: p.id, key: o.key, size: o.size, storageClass: o.storageClass ?? 'STANDARD' });
  }
  return out;
}

/**
 * For each data pack that the given points need, the FIRST of them, in the order given, that needs
 * it (through the index: the pack a restore would read the chunk from). A caller that orders the
 * points by how long each keeps its packs warm, longest first, so learns for every pack the point
 * that keeps it warm longest. Each folder listing is read once, however many points share it: a
 * tree reached again was already reached by an earlier point, which holds everything below it.
 */
export async function dataPackHolders(vault: Vault, points: readonly RecoveryPoint[], index?: ChunkIndex): Promise<Map<string, string>> {
  const idx = index ?? (await vault.loadIndex()).index;
  const holders = new Map<string, string>();
  const seenTrees = new Set<string>();
  for (const point of points) {
    const visit = async (treeId: string): Promise<void> => {
      if (seenTrees.has(treeId)) return;
      seenTrees.add(treeId);
      const tree = await vault.readTree(idx, treeId, { cache: false }); // each read once
      for (const e of tree.entries) {
        if (e.type === 'dir' && e.tree) await visit(e.tree);
        else if (e.type === 'file') {
          for (const c of e.chunks ?? []) {
            const loc = idx.get(Buffer.from(c, 'hex'));
            // A chunk missing from the index is check's to report; it keeps nothing warm here.
            if (loc?.packKind === 'data' && !holders.has(loc.packId)) holders.set(loc.packId, point.id);
          }
        }
      }
    };
    await visit(point.tree);
  }
  return holders;
}

/**
 * Moves the packs to `storageClass` through the store (S3: a server-side copy onto itself, so no
 * byte is downloaded). A pack that disappeared meanwhile is counted as gone; the first other
 * failure stops the moves that have not started (it would repeat for every pack: a missing
 * permission, a service without CopyObject) and is returned with what had moved by then.
 * Transient failures were already retried by the store's RetryStore.
 */
export async function moveToColdStorage(
  vault: Vault,
  packs: readonly DataPackState[],
  storageClass: string,
  opts: { concurrency?: number; onNotice?: (m: string) => void } = {},
): Promise<ColdMoveResult> {
  const result: ColdMoveResult = { moved: 0, bytesMoved: 0, gone: 0, error: null };
  if (packs.length === 0) return result;
  const store = vault.store;
  if (!store.setStorageClass || !store.properties.coldStorageClass) return { ...result, error: noStorageClasses(store.properties.location) };
  let lease: Lease;
  try {
    lease = await Lease.acquire(vault, { kind: 'cold-storage', onNotice: opts.onNotice });
  } catch (err) {
    return { ...result, error: err }; // e.g. no s3:PutObject: the copies would be refused too
  }
  try {
    // 4 copies at once: each is one request that S3 serves server-side (no bytes through this
    // machine); more would mostly compete with a backup running meanwhile for requests.
    await mapLimit(packs, opts.concurrency ?? 4, async (pack) => {
      if (result.error) return;
      try {
        await store.setStorageClass!(pack.key, storageClass);
      } catch (err) {
        if (isDeskVaultError(err, 'NOT_FOUND')) result.gone++;
        else result.error ??= err;
        return;
      }
      result.moved++;
      result.bytesMoved += pack.size;
    });
  } finally {
    await lease.release().catch(() => undefined);
  }
  return result;
}
