/** Turning table rows into the plain objects the catalog returns (the shape of `ls` entries). */
import { CatalogTable, TYPE_DIR, TYPE_FILE, TYPE_NAMES, type EntryType } from './catalog-table.js';
import { isoFromMs } from './iso-time.js';

export interface EntryView {
  type: EntryType;
  /** Files only, as `ls` reports it. */
  size?: number;
  /** ISO 8601, milliseconds (nanoseconds truncated, as `ls`). */
  mtime: string;
  mode: number;
  /** Symlinks only. */
  target?: string;
}

export function viewOf(table: CatalogTable, e: number): EntryView {
  const type = table.eType.values[e];
  const v: EntryView = { type: TYPE_NAMES[type], mtime: isoFromMs(table.eMtimeMs.values[e]), mode: table.eMode.values[e] };
  if (type === TYPE_FILE) v.size = table.eSize.values[e];
  else if (type !== TYPE_DIR) v.target = table.strings[table.eRef.values[e]];
  return v;
}

/** `/a/b` + `c` → `/a/b/c`; the root is `` so its children are `/c`. */
export function joinPath(dir: string, name: string): string {
  return `${dir}/${name}`;
}

/** The row at `comps` below tree `root`, or -1; stops at a non-directory. */
export function resolveRow(table: CatalogTable, root: number, comps: readonly string[]): number {
  let t = root;
  let row = -1;
  for (let i = 0; i < comps.length; i++) {
    if (i > 0) {
      if (table.eType.values[row] !== TYPE_DIR) return -1;
      t = table.eRef.values[row];
    }
    row = table.find(t, comps[i]);
    if (row < 0) return -1;
  }
  return row;
}

