/**
 * Every version of one path across points, deduplicated by content: a file that went A → B → A is
 * two versions (A in points 1 and 3, B in point 2). Content identity: files by content id (chunk
 * ids, content-id.ts), folders by tree id, symlinks by target. A version's metadata (size, mtime,
 * mode) is that of its first point; a later touch without a content change stays the same version.
 */
import type { CatalogPoint } from './catalog-manifest.js';
import { CatalogTable, TYPE_DIR, TYPE_FILE } from './catalog-table.js';
import { linkIdOf } from './content-id.js';
import { resolveRow, viewOf, type EntryView } from './entry-view.js';

export interface PointRef {
  pointId: string;
  time: string;
}

export interface FileVersion extends EntryView {
  contentId: string;
  firstSeen: PointRef;
  lastSeen: PointRef;
  /** Oldest first. */
  pointIds: string[];
}

/** `points` oldest first; returns versions in order of first appearance. */
export function fileVersions(table: CatalogTable, points: readonly CatalogPoint[], comps: readonly string[]): FileVersion[] {
  const byRoot = new Map<number, number>();
  const versions = new Map<string, FileVersion>();
  for (const p of points) {
    const root = table.treeNumber(p.tree)!;
    let row = byRoot.get(root);
    if (row === undefined) byRoot.set(root, (row = comps.length === 0 ? -1 : resolveRow(table, root, comps)));
    if (row < 0) continue;
    const type = table.eType.values[row];
    const ref = table.eRef.values[row];
    const contentId = type === TYPE_FILE ? table.contents[ref] : type === TYPE_DIR ? table.treeIds[ref] : linkIdOf(table.strings[ref]);
    const key = `${type}:${contentId}`;
    const seen: PointRef = { pointId: p.id, time: p.time };
    const v = versions.get(key);
    if (v) {
      v.lastSeen = seen;
      v.pointIds.push(p.id);
    } else {
      versions.set(key, { contentId, ...viewOf(table, row), firstSeen: seen, lastSeen: seen, pointIds: [p.id] });
    }
  }
  return [...versions.values()];
}
