/**
 * Turns "these paths of this point, restored this way" into a plan of concrete operations under a
 * trusted base folder. Every destination is a base folder the person chose plus validated single
 * path components (tree names are checked when a tree is decoded), so nothing in the vault can
 * name a place outside the target.
 */
import { existsSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { DeskVaultError } from '../../core/errors.js';
import { pathComponents } from '../backup/root-layout.js';
import type { ChunkIndex } from '../repo/chunk-index.js';
import type { RecoveryPoint } from '../repo/point.js';
import type { TreeNode } from '../repo/tree.js';
import type { Vault } from '../repo/vault.js';

export type RestoreMode = { kind: 'target'; dir: string } | { kind: 'into'; dir: string } | { kind: 'in-place' };

export interface PlannedItem {
  /** Trusted folder the person chose (or the original parent for in-place). */
  base: string;
  /** Validated components below base. */
  rel: string[];
  /** The folder it goes into: base joined with all of rel but the last (shared by siblings). */
  dir: string;
  node: TreeNode;
  /** The path this item had when it was backed up. */
  originalPath: string;
}

export interface RestorePlan {
  dirs: PlannedItem[];
  files: PlannedItem[];
  symlinks: PlannedItem[];
  /** Folders between base and a selected item that must exist (no metadata restored). */
  parents: { base: string; rel: string[] }[];
  errors: { path: string; message: string }[];
  totalBytes: number;
}

type Selection = PlannedItem;

function selection(base: string, rel: string[], node: TreeNode, originalPath: string): Selection {
  return { base, rel, dir: path.join(base, ...rel.slice(0, -1)), node, originalPath };
}

export async function planRestore(vault: Vault, index: ChunkIndex, point: RecoveryPoint, paths: string[], mode: RestoreMode): Promise<RestorePlan> {
  const plan: RestorePlan = { dirs: [], files: [], symlinks: [], parents: [], errors: [], totalBytes: 0 };
  const rootNode: TreeNode = { name: '', type: 'dir', mode: 0o755, uid: 0, gid: 0, mtimeNs: '0', tree: point.tree };
  const selected = paths.length > 0 ? paths : mode.kind === 'target' ? [] : point.paths;
  const selections: Selection[] = [];
  if (selected.length === 0) {
    // Whole point into --target: the root's children, each at its absolute place under target.
    const base = resolveBase((mode as { dir: string }).dir);
    selections.push(selection(base, [], rootNode, '/'));
  } else {
    for (const p of selected) {
      const comps = pathComponents(p);
      const node = await findNode(vault, index, rootNode, comps);
      if (!node) throw new DeskVaultError('NOT_FOUND', `${p} is not in recovery point ${point.id.slice(0, 8)}`, { path: p, point: point.id });
      if (mode.kind === 'target') {
        selections.push(selection(resolveBase(mode.dir), comps, node, p));
        if (comps.length > 1) plan.parents.push({ base: resolveBase(mode.dir), rel: comps.slice(0, -1) });
      } else if (mode.kind === 'into') {
        if (comps.length === 0) throw new DeskVaultError('USAGE', 'restoring the whole root --into a folder is not possible; use --target', {});
        selections.push(selection(resolveBase(mode.dir), [node.name], node, p));
      } else {
        if (comps.length === 0) throw new DeskVaultError('USAGE', 'name the paths to restore in place', {});
        const { base, rel } = inPlaceBase(p);
        selections.push(selection(base, [...rel, node.name], node, p));
        if (rel.length > 0) plan.parents.push({ base, rel });
      }
    }
  }
  for (const s of selections) await expand(vault, index, s, plan);
  return plan;
}

function resolveBase(dir: string): string {
  const abs = path.resolve(dir);
  return existsSync(abs) ? realpathSync(abs) : abs;
}

/** In place: the nearest existing ancestor is the trusted base; the rest is created below it. */
function inPlaceBase(original: string): { base: string; rel: string[] } {
  let dir = path.dirname(path.resolve(original));
  const rel: string[] = [];
  while (!existsSync(dir)) {
    rel.unshift(path.basename(dir));
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return { base: realpathSync(dir), rel };
}

async function findNode(vault: Vault, index: ChunkIndex, root: TreeNode, comps: string[]): Promise<TreeNode | null> {
  let node = root;
  for (const c of comps) {
    if (node.type !== 'dir' || !node.tree) return null;
    const tree = await vault.readTree(index, node.tree);
    const next = tree.entries.find((e) => e.name === c);
    if (!next) return null;
    node = next;
  }
  return node;
}

async function expand(vault: Vault, index: ChunkIndex, s: Selection, plan: RestorePlan): Promise<void> {
  const { node } = s;
  if (node.type !== 'dir') return addLeaf(s, plan);
  if (s.rel.length > 0) plan.dirs.push(s);
  let entries: TreeNode[];
  try {
    entries = (await vault.readTree(index, node.tree!, { cache: false })).entries;
  } catch (err) {
    plan.errors.push({ path: s.originalPath, message: `cannot read this folder's listing: ${(err as Error).message}` });
    return;
  }
  // Children share this folder's path, computed once; files and links need no await.
  const here = path.join(s.base, ...s.rel);
  for (const e of entries) {
    const child: Selection = { base: s.base, rel: [...s.rel, e.name], dir: here, node: e, originalPath: joinOriginal(s.originalPath, e.name) };
    if (e.type === 'dir') await expand(vault, index, child, plan);
    else addLeaf(child, plan);
  }
}

function addLeaf(s: Selection, plan: RestorePlan): void {
  if (s.node.type === 'file') {
    plan.files.push(s);
    plan.totalBytes += s.node.size ?? 0;
  } else plan.symlinks.push(s);
}

function joinOriginal(parent: string, name: string): string {
  return parent.endsWith('/') || parent.endsWith('\\') ? parent + name : `${parent}/${name}`;
}
