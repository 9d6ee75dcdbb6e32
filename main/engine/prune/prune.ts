/**
 * Prune, in two phases so it is safe while backups run, here or on other machines
 * (docs/vault-format.md, "Two-phase prune"):
 *  1. find packs nothing needs (and repack packs that are mostly garbage), record them in a prune
 *     plan with the leases alive at that moment, write an index without them;
 *  2. delete them once every one of those leases has ended — at once if there were none,
 *     otherwise on a later prune — re-checking references first, so a pack that a backup
 *     running meanwhile used is kept ("rescued").
 * Every step is idempotent and ordered so a crash at any instant leaves a consistent vault.
 */
import { randomBytes } from 'node:crypto';
import { UNFINISHED_WRITE_AGE_MS } from '../storage/object-store.js';
import { BlobWriter } from '../repo/blob-writer.js';
import type { IndexEntry } from '../repo/index-file.js';
import { Lease, liveLeases } from '../repo/leases.js';
import { listPacks, listPrunePlans, recoverOrphanPacks, packsPendingDeletion, type PrunePlan } from '../repo/pack-inventory.js';
import { packKey } from '../repo/pack-format.js';
import type { Vault } from '../repo/vault.js';
import type { ChunkIndex } from '../repo/chunk-index.js';
import type { VaultLock } from '../repo/object-lock.js';
import { mapLimit } from '../util/map-limit.js';

export interface PruneOptions {
  /** Repack a pack when less than this share of its bytes is still needed. */
  repackBelow?: number;
  dryRun?: boolean;
  now?: () => number;
  onNotice?: (m: string) => void;
}

export interface PruneResult {
  packsDeleted: number;
  bytesDeleted: number;
  packsRepacked: number;
  bytesRepacked: number;
  packsRescued: number;
  /** Packs waiting for running operations to end before they are deleted. */
  packsPending: number;
  bytesPending: number;
  /** What a dry run would delete / repack. */
  reclaimableBytes: number;
  /** Packs no point needs but under Object Lock: kept, and freed by a prune after `lockedUntil`. */
  packsLocked: number;
  bytesLocked: number;
  /** The latest retain-until among them (ISO 8601), or null. */
  lockedUntil: string | null;
}

/** 50%: repacking costs reading and rewriting the live part; below half it pays for itself. */
export const DEFAULT_REPACK_BELOW = 0.5;

export async function prune(vault: Vault, opts: PruneOptions = {}): Promise<PruneResult> {
  const now = opts.now ?? Date.now;
  const result: PruneResult = {
    packsDeleted: 0, bytesDeleted: 0, packsRepacked: 0, bytesRepacked: 0, packsRescued: 0, packsPending: 0, bytesPending: 0, reclaimableBytes: 0,
    packsLocked: 0, bytesLocked: 0, lockedUntil: null,
  };
  const lock = vault.objectLock('pruned');
  const lease = opts.dryRun ? null : await Lease.acquire(vault, { kind: 'prune', exclusive: true, now, onNotice: opts.onNotice });
  try {
    if (!opts.dryRun) await vault.store.cleanTemporaryFiles?.(UNFINISHED_WRITE_AGE_MS);
    let loaded = await vault.loadIndex(undefined, { keepEntries: true });
    const packs = await listPacks(vault);
    const plans = await listPrunePlans(vault);
    if (!opts.dryRun) {
      const recovered = await recoverOrphanPacks(vault, loaded.index, packs, packsPendingDeletion(plans));
      if (recovered > 0) loaded = await vault.loadIndex(undefined, { keepEntries: true });
    }
    const used = await usedBlobs(vault, loaded.index);

    // Phase 2 of earlier plans whose leases have all ended.
    const alive = new Set((await liveLeases(vault, now(), opts.onNotice, lease?.record.id)).map((l) => l.id));
    const finishedPlans: PrunePlan[] = [];
    const stillPending = new Set<string>();
    for (const plan of plans) {
      if (plan.leases.some((id) => alive.has(id))) {
        for (const [id] of plan.packs) stillPending.add(id);
      } else finishedPlans.push(plan);
    }

    // Phase 1: what is garbage now.
    const sizes = new Map([...packs].map(([id, info]) => [id, info.size]));
    const garbage = new Map<string, 'data' | 'meta'>();
    const repack: { packId: string; kind: 'data' | 'meta'; live: IndexEntry[] }[] = [];
    const repackBelow = opts.repackBelow ?? DEFAULT_REPACK_BELOW;
    for (const [packId, { kind, entries }] of loaded.entriesByPack!) {
      if (stillPending.has(packId) || !packs.has(packId)) continue;
      const live = entries.filter((e) => used.has(e.id.toString('latin1')) && loaded.index.get(e.id)?.packId === packId);
      if (live.length === 0) garbage.set(packId, kind);
      else if (live.length < entries.length) {
        // Compare blob bytes with blob bytes (not the pack size, which includes its header), and
        // never repack a pack that is all live, so repeated prunes settle.
        const liveBytes = live.reduce((a, e) => a + e.length, 0);
        const allBytes = entries.reduce((a, e) => a + e.length, 0);
        if (liveBytes < allBytes * repackBelow) repack.push({ packId, kind, live });
      }
    }
    for (const plan of finishedPlans) for (const [id, kind] of plan.packs) if (packs.has(id)) garbage.set(id, kind);
    if (lock) await keepLocked(vault, lock, garbage, repack, sizes, result, now(), opts.onNotice);
    result.reclaimableBytes = [...garbage.keys(), ...repack.map((r) => r.packId)].reduce((a, id) => a + (sizes.get(id) ?? 0), 0);
    if (opts.dryRun) {
      result.packsRepacked = repack.length;
      result.bytesRepacked = repack.reduce((a, r) => a + r.live.reduce((b, e) => b + e.length, 0), 0);
      result.packsDeleted = garbage.size;
      result.bytesDeleted = [...garbage.keys()].reduce((a, id) => a + (sizes.get(id) ?? 0), 0);
      return result;
    }

    // Repack: copy still-needed blobs (authenticated first, so damage is not propagated).
    if (repack.length > 0) {
      const writer = new BlobWriter(vault, loaded.index);
      for (const r of repack) {
        const bytes = await vault.store.get(packKey(r.kind, r.packId));
        for (const e of r.live) {
          const plain = vault.openBlob(bytes.subarray(e.offset, e.offset + e.length), e.id, `chunk ${e.id.toString('hex').slice(0, 12)}`);
          writer.addFresh(r.kind === 'data' ? 'data' : 'tree', e.id, plain);
          if (writer.needsFlush) await writer.flushReady();
          result.bytesRepacked += e.length;
        }
        garbage.set(r.packId, r.kind);
        result.packsRepacked++;
      }
      await writer.finish();
      loaded = await vault.loadIndex(undefined, { keepEntries: true });
    }

    // The plan: garbage + every lease alive now (they may hold an index that still names it).
    const planId = randomBytes(16).toString('hex');
    const plan: PrunePlan = { version: 1, id: planId, created: new Date(now()).toISOString(), packs: [...garbage], leases: [...alive] };
    if (garbage.size > 0) await vault.putJson(`prune/${planId}`, plan);
    // A fresh index without the garbage; then the old index objects go.
    await consolidateIndex(vault, loaded, new Set(garbage.keys()));
    for (const p of finishedPlans) await vault.store.delete(`prune/${p.id}`);

    // Leases alive now (after the new index is in place) decide whether deletion can happen now.
    const nowAlive = (await liveLeases(vault, now(), opts.onNotice, lease?.record.id)).map((l) => l.id);
    if (garbage.size === 0) return result;
    if (nowAlive.length > 0) {
      plan.leases = [...new Set([...plan.leases, ...nowAlive])];
      await vault.putJson(`prune/${planId}`, plan);
      result.packsPending = garbage.size;
      result.bytesPending = [...garbage.keys()].reduce((a, id) => a + (sizes.get(id) ?? 0), 0);
      opts.onNotice?.(`${garbage.size} pack(s) will be deleted by a later prune, once the ${nowAlive.length} operation(s) running on this vault have finished`);
      return result;
    }
    await lease?.assertHeld();
    await finalizePlan(vault, plan, sizes, result, lock);
    return result;
  } finally {
    await lease?.release().catch(() => undefined);
  }
}

/** Deletes a plan's packs, except those a recovery point needs now (rescued: re-indexed). */
async function finalizePlan(vault: Vault, plan: PrunePlan, sizes: Map<string, number>, result: PruneResult, lock: VaultLock | null): Promise<void> {
  const loaded = await vault.loadIndex(undefined, { keepEntries: true });
  const used = await usedBlobs(vault, loaded.index);
  const planPacks = new Set(plan.packs.map(([id]) => id));
  const rescued: [string, 'data' | 'meta'][] = [];
  const rescuedEntries: IndexEntry[] = [];
  for (const [packId, kind] of plan.packs) {
    let header;
    try {
      header = await vault.readPackHeader(kind, packId, sizes.get(packId));
    } catch {
      header = null; // already gone or unreadable: nothing to rescue from it
    }
    // Needed: a point uses a blob of this pack that no pack outside the plan holds.
    const needed = header?.some((e) => {
      if (!used.has(e.id.toString('latin1'))) return false;
      const loc = loaded.index.get(e.id);
      return !loc || planPacks.has(loc.packId);
    });
    if (header && needed) {
      rescued.push([packId, kind]);
      for (const e of header) rescuedEntries.push({ id: e.id, packId, offset: e.offset, length: e.length, rawLength: e.rawLength });
    }
  }
  const rescuedIds = new Set(rescued.map(([id]) => id));
  const doomed = new Set([...planPacks].filter((id) => !rescuedIds.has(id)));
  // No index object may name a pack once it is deleted: rewrite the index first if one still does
  // (a crash between writing the plan and consolidating the index leaves that state).
  if ([...doomed].some((id) => loaded.entriesByPack!.has(id))) await consolidateIndex(vault, loaded, doomed);
  if (rescued.length > 0) {
    await vault.writeIndex({ supersedes: [], packs: rescued, entries: rescuedEntries });
    result.packsRescued += rescued.length;
  }
  for (const [packId, kind] of plan.packs) {
    if (!doomed.has(packId)) continue;
    // Never delete a locked pack (S3 would only hide it behind a delete marker). One planned before
    // a backup extended it stays as an unindexed pack: the next backup or prune re-indexes it.
    if (lock && (await lock.lockedUntil(vault, packKey(kind, packId)))) continue;
    await vault.store.delete(packKey(kind, packId));
    result.packsDeleted++;
    result.bytesDeleted += sizes.get(packId) ?? 0;
  }
  await vault.store.delete(`prune/${plan.id}`);
}

/**
 * Takes packs under Object Lock out of what prune deletes or repacks (repacking deletes the old
 * pack too), and reports them: they are freed by a prune after their retention ends. The check is
 * DeskVault's own, before asking S3, which would accept the DELETE and only add a delete marker.
 */
async function keepLocked(
  vault: Vault,
  lock: VaultLock,
  garbage: Map<string, 'data' | 'meta'>,
  repack: { packId: string; kind: 'data' | 'meta' }[],
  sizes: Map<string, number>,
  result: PruneResult,
  now: number,
  onNotice?: (m: string) => void,
): Promise<void> {
  const candidates: [string, 'data' | 'meta'][] = [...garbage, ...repack.map((r): [string, 'data' | 'meta'] => [r.packId, r.kind])];
  const locked = new Map<string, number>();
  await mapLimit(candidates, 8, async ([id, kind]) => {
    const until = await lock.lockedUntil(vault, packKey(kind, id));
    if (until > now) locked.set(id, until);
  });
  if (locked.size === 0) return;
  for (const id of locked.keys()) garbage.delete(id);
  for (let i = repack.length - 1; i >= 0; i--) if (locked.has(repack[i].packId)) repack.splice(i, 1);
  result.packsLocked = locked.size;
  result.bytesLocked = [...locked.keys()].reduce((a, id) => a + (sizes.get(id) ?? 0), 0);
  result.lockedUntil = new Date(Math.max(...locked.values())).toISOString();
  onNotice?.(`${locked.size} pack(s) no recovery point needs are under Object Lock until ${result.lockedUntil} at the latest; they are kept, and a prune after that frees them`);
}

/** Writes one index object with every entry except those in `drop`, superseding all others. */
async function consolidateIndex(vault: Vault, loaded: Awaited<ReturnType<Vault['loadIndex']>>, drop: Set<string>): Promise<void> {
  const packs: [string, 'data' | 'meta'][] = [];
  const entries: IndexEntry[] = [];
  for (const [packId, { kind, entries: es }] of loaded.entriesByPack!) {
    if (drop.has(packId)) continue;
    packs.push([packId, kind]);
    entries.push(...es);
  }
  await vault.writeIndex({ supersedes: loaded.allIndexIds, packs, entries });
  for (const id of loaded.allIndexIds) await vault.store.delete(`index/${id}`);
}

/** Every blob id (latin1) any recovery point needs: its trees and its files' chunks. */
export async function usedBlobs(vault: Vault, index: ChunkIndex): Promise<Set<string>> {
  const used = new Set<string>();
  const visit = async (treeId: string): Promise<void> => {
    const key = Buffer.from(treeId, 'hex').toString('latin1');
    if (used.has(key)) return;
    used.add(key);
    const tree = await vault.readTree(index, treeId, { cache: false }); // visited once per id
    for (const e of tree.entries) {
      if (e.type === 'dir' && e.tree) await visit(e.tree);
      else if (e.type === 'file') for (const c of e.chunks ?? []) used.add(Buffer.from(c, 'hex').toString('latin1'));
    }
  };
  for (const p of await vault.listPoints()) await visit(p.tree);
  return used;
}
