/**
 * What changed between two points: a merge of the two trees by name that skips every subtree whose
 * tree id is the same on both sides (so a diff costs the changed folders, not the whole point).
 *
 *  - added / removed: entries on one side only; a folder brings everything below it, as restic does.
 *  - changed: a file or symlink on both sides whose row differs (content, size, mtime or mode);
 *    `contentChanged` says whether the bytes (or target) differ. A type change (file ↔ folder) is a
 *    removal plus an addition. Folders themselves are never "changed": their mtime moves with every
 *    child, and their children are reported instead.
 * Order: depth first in name order, a folder before its contents.
 */
import { CatalogTable, TYPE_DIR } from './catalog-table.js';
import { joinPath, viewOf, type EntryView } from './entry-view.js';

export interface DiffEntry extends EntryView {
  path: string;
}

export interface DiffChange extends DiffEntry {
  /** The entry in the older point (the first argument). */
  before: EntryView;
  contentChanged: boolean;
}

export interface DiffResult {
  added: DiffEntry[];
  removed: DiffEntry[];
  changed: DiffChange[];
}

export function diffTrees(table: CatalogTable, rootA: number, rootB: number): DiffResult {
  const out: DiffResult = { added: [], removed: [], changed: [] };
  const type = table.eType.values;
  const ref = table.eRef.values;
  const all = (row: number, path: string, into: DiffEntry[]): void => {
    into.push({ path, ...viewOf(table, row) });
    if (type[row] === TYPE_DIR) for (const r of table.trees[ref[row]]) all(r, joinPath(path, table.nameOf(r)), into);
  };
  const walk = (a: number, b: number, dir: string): void => {
    if (a === b) return;
    const ra = table.trees[a];
    const rb = table.trees[b];
    let i = 0;
    let j = 0;
    while (i < ra.length || j < rb.length) {
      const na = i < ra.length ? table.nameOf(ra[i]) : null;
      const nb = j < rb.length ? table.nameOf(rb[j]) : null;
      if (nb === null || (na !== null && na < nb)) {
        all(ra[i], joinPath(dir, na!), out.removed);
        i++;
      } else if (na === null || nb < na) {
        all(rb[j], joinPath(dir, nb), out.added);
        j++;
      } else {
        const x = ra[i++];
        const y = rb[j++];
        if (x === y) continue; // same row: same metadata, same content or subtree
        const path = joinPath(dir, na);
        if (type[x] === TYPE_DIR && type[y] === TYPE_DIR) walk(ref[x], ref[y], path);
        else if (type[x] !== type[y]) {
          all(x, path, out.removed);
          all(y, path, out.added);
        } else {
          out.changed.push({ path, ...viewOf(table, y), before: viewOf(table, x), contentChanged: ref[x] !== ref[y] });
        }
      }
    }
  };
  walk(rootA, rootB, '');
  return out;
}
