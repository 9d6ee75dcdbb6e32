/**
 * The regular files of one point with their content ids and sizes, straight from the table (no
 * data read): what lifecycle needs to tell which files only doomed points still hold
 * (../lifecycle/last-copies.ts). Folders and symlinks are walked through, not returned.
 */
import { CatalogTable, TYPE_DIR, TYPE_FILE } from './catalog-table.js';
import { joinPath } from './entry-view.js';

export interface PointFileRow {
  /** Original absolute path, e.g. `/home/a/x.doc`. */
  path: string;
  contentId: string;
  size: number;
}

/** The files below tree `root` (a point's root: paths start at `/`), depth first; lazy. */
export function* pointFiles(table: CatalogTable, root: number): Generator<PointFileRow> {
  const stack: [number, string][] = [[root, '']];
  const type = table.eType.values;
  const ref = table.eRef.values;
  const size = table.eSize.values;
  while (stack.length > 0) {
    const [t, dir] = stack.pop()!;
    const rows = table.trees[t];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (type[row] === TYPE_FILE) yield { path: joinPath(dir, table.nameOf(row)), contentId: table.contents[ref[row]], size: size[row] };
      else if (type[row] === TYPE_DIR) stack.push([ref[row], joinPath(dir, table.nameOf(row))]);
    }
  }
}
