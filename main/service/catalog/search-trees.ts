/**
 * Search across points, each distinct tree searched once:
 *  1. the name test runs once per distinct string (not per entry, not per point);
 *  2. every tree reachable from the points searched is scanned once for rows with a matching name;
 *  3. where a tree sits — (path, points) pairs — is computed top-down in one pass (tree numbers put
 *     parents after children), so an unchanged folder shared by 30 points is one placement with
 *     30 points, and hits are mapped back to every point that holds them.
 */
import type { CatalogPoint } from './catalog-manifest.js';
import type { CatalogTable } from './catalog-table.js';
import { joinPath, viewOf, type EntryView } from './entry-view.js';
import type { CompiledQuery } from './name-query.js';

export interface SearchHit extends Omit<EntryView, 'mode' | 'target'> {
  pointId: string;
  path: string;
}

export interface SearchResult {
  /** Ordered by path, then point time. When truncated, which hits are kept is fixed but unspecified. */
  hits: SearchHit[];
  /** All hits, including those beyond the limit. */
  total: number;
}

/** `points` are the points to search, oldest first. */
export function searchTrees(table: CatalogTable, points: readonly CatalogPoint[], q: CompiledQuery, limit: number): SearchResult {
  const roots = points.map((p) => table.treeNumber(p.tree)!);
  const flags = new Uint8Array(table.strings.length);
  if (q.name) for (let s = 0; s < flags.length; s++) flags[s] = q.name(table.strings[s]) ? 1 : 0;
  else flags.fill(1);

  const reach = table.reachable(roots);
  const places = placements(table, roots, reach);
  const eName = table.eName.values;
  const hits: { row: number; path: string; point: number }[] = [];
  let total = 0;
  // The hot loop (every row of every distinct tree): a flag lookup per row; a path string is built
  // only for a row whose name matched and only when a path test or a kept hit needs it.
  for (let t = table.trees.length - 1; t >= 0; t--) {
    const at = reach[t] ? places.get(t) : undefined;
    if (!at) continue;
    const where = [...at];
    const rows = table.trees[t];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (!flags[eName[row]]) continue;
      const name = table.strings[eName[row]];
      for (let k = 0; k < where.length; k++) {
        const [dir, pts] = where[k];
        if (q.path) {
          if (!q.path(joinPath(dir, name).slice(1))) continue;
        } else if (hits.length >= limit) {
          total += pts.length;
          continue;
        }
        total += pts.length;
        for (const point of pts) if (hits.length < limit) hits.push({ row, path: joinPath(dir, name), point });
      }
    }
  }
  hits.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.point - b.point));
  return {
    hits: hits.map(({ row, path, point }) => {
      const { type, size, mtime } = viewOf(table, row);
      return { pointId: points[point].id, path, type, ...(size !== undefined ? { size } : {}), mtime };
    }),
    total,
  };
}

/** For each reachable tree: folder path → positions (in `roots`) of the points holding it there. */
function placements(table: CatalogTable, roots: readonly number[], reach: Uint8Array): Map<number, Map<string, number[]>> {
  const places = new Map<number, Map<string, number[]>>();
  const add = (t: number, path: string, pts: number[]): void => {
    let m = places.get(t);
    if (!m) places.set(t, (m = new Map()));
    const had = m.get(path);
    // Arrays may be shared between placements: merge into a new one, never in place.
    m.set(path, had ? [...new Set([...had, ...pts])].sort((a, b) => a - b) : pts);
  };
  roots.forEach((r, i) => add(r, '', [i]));
  const ref = table.eRef.values;
  for (let t = table.trees.length - 1; t >= 0; t--) {
    const at = reach[t] ? places.get(t) : undefined;
    if (!at) continue;
    for (const row of table.dirRows(t)) {
      const name = table.nameOf(row);
      for (const [dir, pts] of at) add(ref[row], joinPath(dir, name), pts);
    }
  }
  return places;
}
