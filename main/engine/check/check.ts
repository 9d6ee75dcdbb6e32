/**
 * Check: structure (every recovery point readable, every tree reachable and decodable, every chunk
 * a point needs indexed, every indexed pack present) and, with readData, content (each pack hashes
 * to its id, its header parses, every blob authenticates and hashes to its chunk id). With
 * readDataSubset, a random sample of packs is read. Each problem is reported on its own.
 */
import { randomInt } from 'node:crypto';
import { isDeskVaultError } from '../../core/errors.js';
import { listPacks, listPrunePlans, packsPendingDeletion, type PackInfo } from '../repo/pack-inventory.js';
import { packKey } from '../repo/pack-format.js';
import type { Vault } from '../repo/vault.js';
import { mapLimit } from '../util/map-limit.js';

export interface CheckOptions {
  readData?: boolean;
  /** Fraction 0..1 of packs to read fully. */
  readDataSubset?: number;
  onProgress?: (p: { phase: string; done: number; total: number }) => void;
}

export interface CheckProblem {
  kind: 'point' | 'tree' | 'chunk' | 'pack' | 'index';
  id: string;
  message: string;
}

export interface CheckResult {
  ok: boolean;
  problems: CheckProblem[];
  /** Not errors: orphan packs (an interrupted writer), chunks waiting in a pending prune. */
  notes: string[];
  points: number;
  trees: number;
  packs: number;
  packsRead: number;
  bytesRead: number;
}

export async function check(vault: Vault, opts: CheckOptions = {}): Promise<CheckResult> {
  const problems: CheckProblem[] = [];
  const notes: string[] = [];
  const { index } = await vault.loadIndex((id, err) => problems.push({ kind: 'index', id, message: `index/${id} is unreadable: ${(err as Error).message}` }));
  const packs = await listPacks(vault);
  const plans = await listPrunePlans(vault);
  const pending = packsPendingDeletion(plans);

  // Index → packs.
  const indexedPacks = index.packs();
  for (const [packId, kind] of indexedPacks) {
    if (!packs.has(packId)) problems.push({ kind: 'pack', id: packId, message: `${packKey(kind, packId)} is in the index but missing from the vault` });
  }
  const orphans = [...packs.keys()].filter((id) => !indexedPacks.has(id) && !pending.has(id));
  if (orphans.length > 0) notes.push(`${orphans.length} pack(s) are not indexed (left by an interrupted backup; the next backup re-indexes and reuses them)`);

  // Points → trees → chunks.
  const points = await vault.listPoints((id, err) => problems.push({ kind: 'point', id, message: `points/${id} is unreadable: ${(err as Error).message}` }));
  const seenTrees = new Set<string>();
  const missingChunks = new Set<string>();
  let pendingRefs = 0;
  const visit = async (treeId: string, where: string): Promise<void> => {
    if (seenTrees.has(treeId)) return;
    seenTrees.add(treeId);
    let tree;
    try {
      tree = await vault.readTree(index, treeId, { cache: false }); // each tree is visited once
    } catch (err) {
      problems.push({ kind: 'tree', id: treeId, message: `tree of ${where} is unreadable: ${(err as Error).message}` });
      return;
    }
    for (const e of tree.entries) {
      const p = where.endsWith('/') ? where + e.name : `${where}/${e.name}`;
      if (e.type === 'dir' && e.tree) await visit(e.tree, p);
      else if (e.type === 'file') {
        for (const c of e.chunks ?? []) {
          const loc = index.get(Buffer.from(c, 'hex'));
          if (!loc) {
            if (!missingChunks.has(c)) problems.push({ kind: 'chunk', id: c, message: `${p}: chunk ${c.slice(0, 12)} is not in the index` });
            missingChunks.add(c);
          } else if (pending.has(loc.packId)) pendingRefs++;
        }
      }
    }
  };
  for (const [i, pt] of points.entries()) {
    opts.onProgress?.({ phase: 'trees', done: i, total: points.length });
    await visit(pt.tree, '/');
  }
  if (pendingRefs > 0) notes.push(`${pendingRefs} chunk reference(s) point into packs pending deletion; the next prune keeps those packs`);

  // Content.
  let packsRead = 0;
  let bytesRead = 0;
  const toRead = selectPacks(packs, opts);
  const buffers: Buffer[] = []; // reused per pack read in flight (two at a time)
  await mapLimit(toRead, 2, async ([packId, info], i) => {
    opts.onProgress?.({ phase: 'read-data', done: i, total: toRead.length });
    let buffer = buffers.pop();
    if (!buffer || buffer.length < info.size) buffer = Buffer.allocUnsafe(Math.max(info.size, vault.config.packSize));
    const found = await readPack(vault, packId, info, buffer);
    buffers.push(buffer);
    packsRead++;
    bytesRead += info.size;
    problems.push(...found);
  });

  return { ok: problems.length === 0, problems, notes, points: points.length, trees: seenTrees.size, packs: packs.size, packsRead, bytesRead };
}

function selectPacks(packs: Map<string, PackInfo>, opts: CheckOptions): [string, PackInfo][] {
  const all = [...packs];
  if (opts.readData) return all;
  if (!opts.readDataSubset) return [];
  const want = Math.max(1, Math.ceil(all.length * opts.readDataSubset));
  for (let i = all.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, want);
}

async function readPack(vault: Vault, packId: string, info: PackInfo, buffer: Buffer): Promise<CheckProblem[]> {
  const key = packKey(info.kind, packId);
  const problems: CheckProblem[] = [];
  let bytes: Buffer;
  try {
    bytes = await vault.store.get(key, undefined, buffer);
  } catch (err) {
    return [{ kind: 'pack', id: packId, message: `${key} cannot be read: ${(err as Error).message}` }];
  }
  if (!vault.packId([bytes]).equals(Buffer.from(packId, 'hex'))) {
    problems.push({ kind: 'pack', id: packId, message: `${key} is damaged: its content does not hash to its name` });
  }
  let header;
  try {
    header = vault.packHeaderFromBytes(bytes, key);
  } catch (err) {
    problems.push({ kind: 'pack', id: packId, message: `${key}: header unreadable: ${(err as Error).message}` });
    return problems;
  }
  for (const e of header) {
    const what = `chunk ${e.id.toString('hex').slice(0, 12)} in ${key}`;
    try {
      if (e.offset + e.length > bytes.length) throw new Error('extends past the end of the pack');
      const plain = vault.openBlob(bytes.subarray(e.offset, e.offset + e.length), e.id, what, { scratch: true });
      if (plain.length !== e.rawLength) throw new Error(`has ${plain.length} bytes, header says ${e.rawLength}`);
    } catch (err) {
      const message = isDeskVaultError(err) ? err.message : `${what}: ${(err as Error).message}`;
      problems.push({ kind: 'chunk', id: e.id.toString('hex'), message });
    }
  }
  return problems;
}
