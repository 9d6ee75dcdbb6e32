/**
 * What packs the store holds, which are pending deletion, and re-indexing of orphans: packs that a
 * crashed writer stored but never indexed. Re-indexing them from their own headers is what lets
 * the next backup reuse everything an interrupted one already uploaded.
 */
import { mapLimit } from '../util/map-limit.js';
import type { ChunkIndex } from './chunk-index.js';
import type { IndexEntry } from './index-file.js';
import { packIdFromKey } from './pack-format.js';
import type { Vault } from './vault.js';

export interface PackInfo {
  kind: 'data' | 'meta';
  size: number;
}

export interface PrunePlan {
  version: 1;
  id: string;
  created: string;
  packs: [string, 'data' | 'meta'][];
  /** Leases alive when the plan was made; deletion waits until all have ended. */
  leases: string[];
}

export async function listPacks(vault: Vault): Promise<Map<string, PackInfo>> {
  const packs = new Map<string, PackInfo>();
  for (const prefix of ['data/', 'meta/']) {
    for await (const info of vault.store.list(prefix)) {
      const p = packIdFromKey(info.key);
      if (p) packs.set(p.id, { kind: p.kind, size: info.size });
    }
  }
  return packs;
}

export async function listPrunePlans(vault: Vault): Promise<PrunePlan[]> {
  return (await vault.listJson<PrunePlan>('prune/')).sort((a, b) => a.created.localeCompare(b.created));
}

export function packsPendingDeletion(plans: PrunePlan[]): Set<string> {
  const s = new Set<string>();
  for (const p of plans) for (const [id] of p.packs) s.add(id);
  return s;
}

/**
 * Indexes packs that exist but are in no index and not pending deletion. Writes one index object
 * for them; returns how many packs were recovered. Damaged orphans are reported and left alone.
 */
export async function recoverOrphanPacks(
  vault: Vault,
  index: ChunkIndex,
  packs: Map<string, PackInfo>,
  pending: Set<string>,
  onProblem: (packId: string, err: unknown) => void = () => undefined,
): Promise<number> {
  const orphans = [...packs].filter(([id]) => !index.hasPack(id) && !pending.has(id));
  if (orphans.length === 0) return 0;
  const entries: IndexEntry[] = [];
  const recovered: [string, 'data' | 'meta'][] = [];
  await mapLimit(orphans, 8, async ([packId, info]) => {
    try {
      const header = await vault.readPackHeader(info.kind, packId, info.size);
      for (const e of header) {
        entries.push({ id: e.id, packId, offset: e.offset, length: e.length, rawLength: e.rawLength });
        index.add(e.id, packId, info.kind, e.offset, e.length, e.rawLength);
      }
      recovered.push([packId, info.kind]);
    } catch (err) {
      onProblem(packId, err);
    }
  });
  if (recovered.length > 0) await vault.writeIndex({ supersedes: [], packs: recovered, entries });
  return recovered.length;
}
