/**
 * Maps the absolute paths a person backs up onto the root tree of a recovery point: `/home/a/x`
 * becomes home → a → x; `C:\Users\a` becomes C → Users → a. A path inside another selected path
 * is folded into it.
 */
import * as path from 'node:path';

export interface LayoutNode {
  /** Absolute path on disk of this node (for metadata and, for leaves, for content). */
  absPath: string;
  /** A selected path: back up everything below it. */
  leaf: boolean;
  children: Map<string, LayoutNode>;
}

/** Splits an absolute path into tree components (drive letter as its own component on Windows). */
export function pathComponents(absPath: string, platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'win32' || /^[A-Za-z]:[\\/]/.test(absPath)) {
    const m = /^([A-Za-z]):[\\/]?(.*)$/.exec(absPath);
    if (m) return [m[1].toUpperCase(), ...m[2].split(/[\\/]+/).filter(Boolean)];
    return absPath.split(/[\\/]+/).filter(Boolean);
  }
  return absPath.split('/').filter(Boolean);
}

export function rootOf(absPath: string): string {
  return path.parse(absPath).root || '/';
}

export function buildLayout(absPaths: readonly string[]): LayoutNode {
  const root: LayoutNode = { absPath: rootOf(absPaths[0] ?? '/'), leaf: false, children: new Map() };
  const sorted = [...new Set(absPaths)].sort((a, b) => pathComponents(a).length - pathComponents(b).length);
  for (const p of sorted) {
    let node = root;
    let covered = node.leaf;
    let current = rootOf(p);
    const comps = pathComponents(p);
    for (let i = 0; i < comps.length && !covered; i++) {
      const name = comps[i];
      current = i === 0 && /^[A-Za-z]:/.test(p) ? `${name}:\\` : path.join(current, name);
      let child = node.children.get(name);
      if (!child) {
        child = { absPath: current, leaf: false, children: new Map() };
        node.children.set(name, child);
      }
      node = child;
      covered = node.leaf;
    }
    if (!covered) {
      node.leaf = true;
      node.children.clear();
    }
    if (comps.length === 0) root.leaf = true;
  }
  return root;
}
