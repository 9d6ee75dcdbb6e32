/**
 * `repair index`: rebuilds the whole index from the packs' own headers (packs are
 * self-describing), writes it as one index object superseding every existing one, then deletes
 * the old ones. Damaged packs are reported and left out; `check --read-data` says more about them.
 */
import type { IndexEntry } from '../repo/index-file.js';
import { listPacks } from '../repo/pack-inventory.js';
import type { Vault } from '../repo/vault.js';
import { mapLimit } from '../util/map-limit.js';

export interface RepairIndexResult {
  packs: number;
  entries: number;
  damagedPacks: { packId: string; message: string }[];
  replacedIndexObjects: number;
}

export async function repairIndex(vault: Vault, onProgress?: (done: number, total: number) => void): Promise<RepairIndexResult> {
  const packs = [...(await listPacks(vault))];
  const existing = await vault.listIds('index/');
  const entries: IndexEntry[] = [];
  const indexed: [string, 'data' | 'meta'][] = [];
  const damaged: RepairIndexResult['damagedPacks'] = [];
  let done = 0;
  await mapLimit(packs, 8, async ([packId, info]) => {
    try {
      const header = await vault.readPackHeader(info.kind, packId, info.size);
      for (const e of header) entries.push({ id: e.id, packId, offset: e.offset, length: e.length, rawLength: e.rawLength });
      indexed.push([packId, info.kind]);
    } catch (err) {
      damaged.push({ packId, message: (err as Error).message });
    }
    onProgress?.(++done, packs.length);
  });
  await vault.writeIndex({ supersedes: existing, packs: indexed, entries });
  for (const id of existing) await vault.store.delete(`index/${id}`);
  return { packs: indexed.length, entries: entries.length, damagedPacks: damaged, replacedIndexObjects: existing.length };
}
