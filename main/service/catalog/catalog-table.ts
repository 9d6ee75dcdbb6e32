/**
 * The catalog's in-memory tables. Everything is interned, so what repeats across recovery points is
 * held once:
 *
 *  - `strings`: entry names and symlink targets;
 *  - `contents`: content ids of file versions (see content-id.ts);
 *  - `treeIds`: the vault's tree ids; a tree's number is its position here;
 *  - the entry table (columns `eName` … `eRef`): one row per distinct directory entry (same name,
 *    type, mode, size, mtime and content/child/target), so the 30 versions of a 100k-entry folder
 *    that differ in three files share 100k rows;
 *  - `trees[t]`: the rows of tree t, in the vault's name order (UTF-16 code units).
 *
 * Contract: a tree is added only after every tree below it (post-order), so a tree's number is
 * larger than its children's — traversals in descending number visit parents before children, and a
 * tree that is present is present with its whole subtree (an interrupted import resumes safely).
 * Rows and trees are append-only; forgotten points leave garbage that compaction removes.
 */
import { Column } from './column.js';

export const TYPE_FILE = 0;
export const TYPE_DIR = 1;
export const TYPE_SYMLINK = 2;
export const TYPE_NAMES = ['file', 'dir', 'symlink'] as const;
export type EntryType = (typeof TYPE_NAMES)[number];

export interface EntryFields {
  name: number;
  type: number;
  mode: number;
  size: number;
  mtimeMs: number;
  /** Nanoseconds beyond mtimeMs (mtime ns = mtimeMs × 10^6 + mtimeRem). */
  mtimeRem: number;
  /** File: content number; dir: child tree number; symlink: target string number. */
  ref: number;
}

/** Counts of every table: where a segment starts and what it must find when it is applied. */
export interface TableCounts {
  strings: number;
  contents: number;
  trees: number;
  entries: number;
}

export class CatalogTable {
  readonly strings: string[] = [];
  readonly contents: string[] = [];
  readonly treeIds: string[] = [];
  readonly trees: Uint32Array[] = [];
  readonly eName = new Column((n) => new Uint32Array(n));
  readonly eType = new Column((n) => new Uint8Array(n));
  readonly eMode = new Column((n) => new Uint32Array(n));
  readonly eSize = new Column((n) => new Float64Array(n));
  readonly eMtimeMs = new Column((n) => new Float64Array(n));
  readonly eMtimeRem = new Column((n) => new Int32Array(n));
  readonly eRef = new Column((n) => new Int32Array(n));
  private readonly treeNumbers = new Map<string, number>();
  /** Per tree, its directory rows (computed on first use; trees never change once added). */
  private readonly dirRowCache: (Uint32Array | undefined)[] = [];
  // Intern maps, built on first write and dropped by `dropInternMaps` (readers never need them).
  private stringMap: Map<string, number> | null = null;
  private contentMap: Map<string, number> | null = null;
  private entryMap: Map<string, number> | null = null;

  counts(): TableCounts {
    return { strings: this.strings.length, contents: this.contents.length, trees: this.treeIds.length, entries: this.eName.length };
  }

  treeNumber(treeId: string): number | undefined {
    return this.treeNumbers.get(treeId);
  }

  internString(s: string): number {
    this.stringMap ??= indexOf(this.strings);
    let n = this.stringMap.get(s);
    if (n === undefined) {
      n = this.strings.push(s) - 1;
      this.stringMap.set(s, n);
    }
    return n;
  }

  internContent(contentId: string): number {
    this.contentMap ??= indexOf(this.contents);
    let n = this.contentMap.get(contentId);
    if (n === undefined) {
      n = this.contents.push(contentId) - 1;
      this.contentMap.set(contentId, n);
    }
    return n;
  }

  internEntry(f: EntryFields): number {
    if (!this.entryMap) {
      this.entryMap = new Map();
      for (let e = 0; e < this.eName.length; e++) this.entryMap.set(this.entryKey(this.entry(e)), e);
    }
    const key = this.entryKey(f);
    let n = this.entryMap.get(key);
    if (n === undefined) {
      n = this.pushEntry(f);
      this.entryMap.set(key, n);
    }
    return n;
  }

  /** Appends a row without interning (segments hold rows that were interned when written). */
  pushEntry(f: EntryFields): number {
    this.eName.push(f.name);
    this.eType.push(f.type);
    this.eMode.push(f.mode);
    this.eSize.push(f.size);
    this.eMtimeMs.push(f.mtimeMs);
    this.eMtimeRem.push(f.mtimeRem);
    return this.eRef.push(f.ref);
  }

  entry(e: number): EntryFields {
    return {
      name: this.eName.values[e],
      type: this.eType.values[e],
      mode: this.eMode.values[e],
      size: this.eSize.values[e],
      mtimeMs: this.eMtimeMs.values[e],
      mtimeRem: this.eMtimeRem.values[e],
      ref: this.eRef.values[e],
    };
  }

  /** Registers a tree whose rows (and child trees) are already in the table; idempotent. */
  addTree(treeId: string, rows: Uint32Array): number {
    const known = this.treeNumbers.get(treeId);
    if (known !== undefined) return known;
    const n = this.treeIds.push(treeId) - 1;
    this.trees.push(rows);
    this.treeNumbers.set(treeId, n);
    return n;
  }

  /** Frees the intern maps (tens of MB for a large catalog) once a sync is done. */
  dropInternMaps(): void {
    this.stringMap = this.contentMap = this.entryMap = null;
  }

  nameOf(e: number): string {
    return this.strings[this.eName.values[e]];
  }

  /** The row named `name` in tree t, or -1 (binary search: rows are in name order). */
  find(t: number, name: string): number {
    const rows = this.trees[t];
    let lo = 0;
    let hi = rows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const n = this.nameOf(rows[mid]);
      if (n === name) return rows[mid];
      if (n < name) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The directory rows of tree t, in name order (cached: search and traversals only follow these). */
  dirRows(t: number): Uint32Array {
    let d = this.dirRowCache[t];
    if (!d) {
      const rows = this.trees[t];
      const type = this.eType.values;
      let n = 0;
      for (let i = 0; i < rows.length; i++) if (type[rows[i]] === TYPE_DIR) n++;
      d = new Uint32Array(n);
      n = 0;
      for (let i = 0; i < rows.length; i++) if (type[rows[i]] === TYPE_DIR) d[n++] = rows[i];
      this.dirRowCache[t] = d;
    }
    return d;
  }

  /** Tree numbers reachable from the given roots, as a flag per tree. */
  reachable(roots: Iterable<number>): Uint8Array {
    const seen = new Uint8Array(this.trees.length);
    const stack = [...roots];
    const ref = this.eRef.values;
    while (stack.length > 0) {
      const t = stack.pop()!;
      if (seen[t]) continue;
      seen[t] = 1;
      const dirs = this.dirRows(t);
      for (let i = 0; i < dirs.length; i++) if (!seen[ref[dirs[i]]]) stack.push(ref[dirs[i]]);
    }
    return seen;
  }

  private entryKey(f: EntryFields): string {
    return `${f.name}|${f.type}|${f.mode}|${f.size}|${f.mtimeMs}|${f.mtimeRem}|${f.ref}`;
  }
}

function indexOf(values: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  values.forEach((v, i) => m.set(v, i));
  return m;
}

/** Copies the trees reachable from `roots` into a fresh table (compaction); returns the new table. */
export function compactTable(old: CatalogTable, roots: Iterable<number>): CatalogTable {
  const next = new CatalogTable();
  const keep = old.reachable(roots);
  const mapped = new Int32Array(old.trees.length).fill(-1);
  // Ascending numbers are children first, so every child is mapped before its parent.
  for (let t = 0; t < old.trees.length; t++) {
    if (!keep[t]) continue;
    const rows = old.trees[t];
    const out = new Uint32Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const f = old.entry(rows[i]);
      let ref = f.ref;
      if (f.type === TYPE_DIR) ref = mapped[f.ref];
      else if (f.type === TYPE_FILE) ref = next.internContent(old.contents[f.ref]);
      else ref = next.internString(old.strings[f.ref]);
      out[i] = next.internEntry({ ...f, name: next.internString(old.strings[f.name]), ref });
    }
    mapped[t] = next.addTree(old.treeIds[t], out);
  }
  next.dropInternMaps();
  return next;
}
