/**
 * The paths a watcher saw change, shaped for a backup that re-reads only those (`changedPaths` in
 * BackupOptions). For every path on disk the walk asks `scopeOf`:
 *
 *  - ALL: the path itself was named. Everything at or below it is examined like a full walk does
 *    (lstat, change detection against the parent point, readdir of every folder below). A named
 *    folder is walked whole because OS watchers do not report what appears inside a folder created
 *    with `mkdir -p`, moved in or renamed (parcel-bundler/watcher#97): naming the folder must be
 *    enough.
 *  - SOME: a folder with a named path somewhere below it. Its entry is refreshed (lstat); it is
 *    re-listed (readdir) only if it directly contains a named path (`isListed`); otherwise its
 *    entries are the parent point's plus the named children (`dirtyChildren`).
 *  - NONE: nothing named at or below it: its node is taken from the parent point unread.
 *
 * A named path that no longer exists is how a deletion is expressed; its folder is re-listed.
 */
import * as path from 'node:path';

export type ChangeScope = 'ALL' | 'SOME' | 'NONE';

export class ChangeSet {
  private readonly named = new Set<string>();
  /** Proper ancestors of named paths. */
  private readonly above = new Set<string>();
  /** Folders that directly contain a named path. */
  private readonly containers = new Set<string>();
  /** For each folder in `above`: the names of its children that are named or in `above`. */
  private readonly children = new Map<string, Set<string>>();

  constructor(paths: readonly string[]) {
    for (const raw of paths) {
      const p = path.resolve(raw);
      this.named.add(p);
      let child = p;
      let parent = path.dirname(p);
      if (parent !== p) this.containers.add(parent);
      while (parent !== child) {
        let names = this.children.get(parent);
        if (!names) this.children.set(parent, (names = new Set()));
        names.add(path.basename(child));
        // Every ancestor of a folder already in `above` is in it too.
        if (this.above.has(parent)) break;
        this.above.add(parent);
        child = parent;
        parent = path.dirname(parent);
      }
    }
  }

  get size(): number {
    return this.named.size;
  }

  scopeOf(absPath: string): ChangeScope {
    if (this.named.has(absPath)) return 'ALL';
    return this.above.has(absPath) ? 'SOME' : 'NONE';
  }

  /** True if a proper ancestor of `absPath` was named (so all of `absPath` must be examined). */
  namedAbove(absPath: string): boolean {
    for (let p = absPath, up = path.dirname(p); up !== p; p = up, up = path.dirname(p)) {
      if (this.named.has(up)) return true;
    }
    return false;
  }

  /** True if the folder directly contains a named path, so its listing must be read again. */
  isListed(dir: string): boolean {
    return this.containers.has(dir);
  }

  /** Names of the children of `dir` that are named or have a named path below them. */
  dirtyChildren(dir: string): Iterable<string> {
    return this.children.get(dir) ?? [];
  }
}
