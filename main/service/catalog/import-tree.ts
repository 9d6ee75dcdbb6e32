/**
 * Reads a point's trees from the vault into the catalog's tables, skipping every tree already
 * there: trees are content-addressed, so a known id means a known subtree (see catalog-table.ts).
 * Only metadata packs are read (through the vault's tree reader); data packs never are.
 */
import { DeskVaultError } from '../../core/errors.js';
import type { TreeNode } from '../../engine/index.js';
import { CatalogTable, TYPE_DIR, TYPE_FILE, TYPE_SYMLINK } from './catalog-table.js';
import { contentIdOf } from './content-id.js';

export type TreeReader = (treeId: string) => Promise<{ entries: TreeNode[] }>;

export interface ImportCounters {
  treesRead: number;
  entriesRead: number;
}

/**
 * Imports the tree `treeId` and everything below it; returns its tree number. Post-order: a tree
 * is registered only after all its children, so an interrupted import leaves only whole subtrees.
 * `onTree` runs after each tree read (progress, cancellation: it may throw).
 */
export async function importTree(table: CatalogTable, read: TreeReader, treeId: string, counters: ImportCounters, onTree: () => void): Promise<number> {
  const known = table.treeNumber(treeId);
  if (known !== undefined) return known;
  const tree = await read(treeId);
  counters.treesRead++;
  counters.entriesRead += tree.entries.length;
  onTree();
  const entries = inNameOrder(tree.entries);
  const rows = new Uint32Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    let type: number;
    let ref: number;
    if (e.type === 'dir') {
      type = TYPE_DIR;
      ref = await importTree(table, read, e.tree!, counters, onTree);
    } else if (e.type === 'file') {
      type = TYPE_FILE;
      ref = table.internContent(contentIdOf(e.chunks ?? []));
    } else {
      type = TYPE_SYMLINK;
      ref = table.internString(e.target ?? '');
    }
    const [mtimeMs, mtimeRem] = splitNs(e.mtimeNs, treeId);
    rows[i] = table.internEntry({ name: table.internString(e.name), type, mode: e.mode, size: type === TYPE_FILE ? (e.size ?? 0) : 0, mtimeMs, mtimeRem, ref });
  }
  return table.addTree(treeId, rows);
}

/** Entries are stored in name order (UTF-16 code units); lookups rely on it, so it is ensured here. */
function inNameOrder(entries: TreeNode[]): TreeNode[] {
  for (let i = 1; i < entries.length; i++) {
    if (!(entries[i - 1].name < entries[i].name)) return [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return entries;
}

/** mtime in ns (decimal string) → [ms truncated toward zero, the remaining ns], as `ls` truncates. */
function splitNs(ns: string, treeId: string): [number, number] {
  let v: bigint;
  try {
    v = BigInt(ns);
  } catch {
    throw new DeskVaultError('INTEGRITY', `tree ${treeId.slice(0, 12)}: invalid mtime ${JSON.stringify(ns)}`, { what: `tree ${treeId}` });
  }
  const ms = v / 1000000n;
  return [Number(ms), Number(v - ms * 1000000n)];
}
