/**
 * The catalog: a local index of one vault's recovery points and their trees, for browsing and
 * search without touching the vault. It is a cache — deleting its folder loses nothing; `rebuild`
 * (or `sync` on an empty catalog) recreates it from the vault's metadata packs alone. Design and
 * measurements: README.md in this folder.
 *
 * Contracts:
 *  - Queries are synchronous and read memory only; they see the state of the last finished step
 *    of a sync (points appear when their whole tree is in, disappear when a sync drops them).
 *  - `sync`, `rebuild` and `addPoint` run one at a time per Catalog (queued). Each ends by writing
 *    the new rows as one segment and then `catalog.json` (atomically): a crash leaves the previous
 *    catalog. One writer per catalog folder is assumed (one app or CLI process at a time); a second
 *    writer's commit can replace the first's, which only costs re-reading trees later.
 *  - Nothing on disk is trusted: a catalog that fails any check on `open` is deleted and the
 *    catalog starts empty (`discarded` says why); the next `sync` rebuilds it.
 *  - A point whose trees cannot be read is left out and reported in `errors`; the next sync retries.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DeskVaultError, isDeskVaultError } from '../../core/errors.js';
import { pathComponents, type LoadedIndex, type RecoveryPoint, type TreeNode } from '../../engine/index.js';
import { writeFileAtomic } from '../state/atomic-file.js';
import { catalogPointOf, emptyManifest, MANIFEST_FILE, parseManifest, sortPoints, type CatalogManifest, type CatalogPoint, type SegmentRef } from './catalog-manifest.js';
import { CatalogTable, compactTable, type TableCounts } from './catalog-table.js';
import { diffTrees, type DiffResult } from './diff-points.js';
import { fileVersions, type FileVersion } from './file-versions.js';
import { importTree, type ImportCounters } from './import-tree.js';
import { DirLister, type ListDirOptions, type ListDirResult } from './list-dir.js';
import { compileQuery, type SearchQuery } from './name-query.js';
import { pointFiles, type PointFileRow } from './point-files.js';
import { searchTrees, type SearchResult } from './search-trees.js';
import { applySegment, encodeSegment } from './segment-file.js';

/** What the catalog needs from an open vault; `VaultSession` satisfies it. */
export interface CatalogSource {
  readonly id: string;
  readonly vault: {
    loadIndex(): Promise<{ index: LoadedIndex['index'] }>;
    readTree(index: LoadedIndex['index'], treeId: string, opts?: { cache?: boolean }): Promise<{ entries: TreeNode[] }>;
  };
  points(): Promise<RecoveryPoint[]>;
}

export interface SyncProgress {
  phase: 'LISTING' | 'READING' | 'SAVING' | 'DONE';
  pointsDone: number;
  pointsTotal: number;
  treesRead: number;
  entriesRead: number;
}

export interface SyncResult {
  added: string[];
  removed: string[];
  errors: { pointId: string; message: string }[];
  treesRead: number;
  entriesRead: number;
  compacted: boolean;
}

export interface SyncOptions {
  signal?: AbortSignal;
}

/** Segments are merged into one when more than this many accumulate (each costs a file per open). */
const MAX_SEGMENTS = 32;
/** Stray files younger than this may belong to a writer in another process that has not committed. */
const STRAY_AGE_MS = 60 * 60 * 1000;

export class Catalog {
  private table = new CatalogTable();
  private lister = new DirLister(this.table);
  private manifest: CatalogManifest;
  private saved: TableCounts = this.table.counts();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly folder: string,
    readonly vaultId: string,
    /** Why the catalog found on disk was discarded at open, or null. */
    readonly discarded: string | null,
  ) {
    this.manifest = emptyManifest(vaultId);
  }

  /** Opens (or starts) the catalog of vault `vaultId` in `folder` (see catalogFolder()). */
  static async open(folder: string, vaultId: string): Promise<Catalog> {
    if (!/^[0-9a-f]{16,64}$/.test(vaultId)) throw new DeskVaultError('INVALID_INPUT', `"${vaultId}" is not a vault id`, {});
    await fs.mkdir(folder, { recursive: true });
    let text: string | null = null;
    try {
      text = await fs.readFile(path.join(folder, MANIFEST_FILE), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text === null) return new Catalog(folder, vaultId, null);
    const table = new CatalogTable();
    let manifest: CatalogManifest;
    try {
      manifest = parseManifest(text, vaultId);
      for (const s of manifest.segments) {
        const bytes = await fs.readFile(path.join(folder, s.file));
        if (bytes.length !== s.bytes || sha256(bytes) !== s.sha256) throw new Error(`${s.file} is damaged (size or checksum)`);
        applySegment(table, bytes);
      }
      for (const p of manifest.points) if (table.treeNumber(p.tree) === undefined) throw new Error(`point ${p.id} has no tree in the catalog`);
    } catch (err) {
      const c = new Catalog(folder, vaultId, `the catalog in ${folder} was unreadable and is rebuilt: ${(err as Error).message}`);
      await clearFolder(folder);
      return c;
    }
    const c = new Catalog(folder, vaultId, null);
    c.adopt(table, manifest);
    await removeStrays(folder, manifest.segments);
    return c;
  }

  // ---- updating ----

  /** Brings the catalog in line with the vault's points: adds the missing, drops the gone. */
  sync(source: CatalogSource, onProgress?: (p: SyncProgress) => void, opts: SyncOptions = {}): Promise<SyncResult> {
    return this.exclusive(async () => {
      this.checkSource(source);
      const progress = reporter(onProgress);
      progress({ phase: 'LISTING' });
      const inVault = await source.points();
      const wanted = new Set(inVault.map((p) => p.id));
      const have = new Set(this.manifest.points.map((p) => p.id));
      const removed = this.manifest.points.filter((p) => !wanted.has(p.id)).map((p) => p.id);
      this.manifest = { ...this.manifest, points: this.manifest.points.filter((p) => wanted.has(p.id)) };
      return this.importPoints(
        source,
        inVault.filter((p) => !have.has(p.id)),
        removed,
        progress,
        opts,
      );
    });
  }

  /** Forgets everything and reads the vault's points and trees again. */
  rebuild(source: CatalogSource, onProgress?: (p: SyncProgress) => void, opts: SyncOptions = {}): Promise<SyncResult> {
    return this.exclusive(async () => {
      this.checkSource(source);
      const progress = reporter(onProgress);
      const old = this.manifest.points.map((p) => p.id);
      this.adopt(new CatalogTable(), emptyManifest(this.vaultId));
      await this.commit();
      await removeStrays(this.folder, [], 0);
      progress({ phase: 'LISTING' });
      const inVault = await source.points();
      const wanted = new Set(inVault.map((p) => p.id));
      return this.importPoints(
        source,
        inVault,
        old.filter((id) => !wanted.has(id)),
        progress,
        opts,
      );
    });
  }

  /** Adds one newly committed point (e.g. the result of a backup) without listing the vault. */
  addPoint(source: CatalogSource, point: RecoveryPoint, onProgress?: (p: SyncProgress) => void, opts: SyncOptions = {}): Promise<SyncResult> {
    return this.exclusive(async () => {
      this.checkSource(source);
      const missing = this.manifest.points.some((p) => p.id === point.id) ? [] : [point];
      return this.importPoints(source, missing, [], reporter(onProgress), opts);
    });
  }

  // ---- queries (memory only) ----

  /** Catalogued points, oldest first. */
  listPoints(): CatalogPoint[] {
    return this.manifest.points.map((p) => ({ ...p, paths: [...p.paths], tags: [...p.tags], counts: { ...p.counts } }));
  }

  /** One folder of a point; `dirPath` is an original absolute path (`/` for the point's root). */
  listDir(pointRef: string, dirPath: string, opts: ListDirOptions = {}): ListDirResult {
    const p = this.point(pointRef);
    return this.lister.list(this.table.treeNumber(p.tree)!, pathComponents(dirPath), opts);
  }

  /** Entries whose name (or path) matches, in every point searched; see name-query.ts. */
  search(query: SearchQuery): SearchResult {
    const compiled = compileQuery(query);
    const wanted = query.pointIds ? new Set(query.pointIds.map((r) => this.point(r).id)) : null;
    const points = wanted ? this.manifest.points.filter((p) => wanted.has(p.id)) : this.manifest.points;
    const limit = query.limit === undefined ? 1000 : Math.max(0, Math.floor(query.limit));
    return searchTrees(this.table, points, compiled, limit);
  }

  /** The distinct contents `path` had across all points, in order of first appearance. */
  versions(filePath: string): FileVersion[] {
    return fileVersions(this.table, this.manifest.points, pathComponents(filePath));
  }

  /**
   * Every regular file of a point with its content id and size, depth first; memory only, no data
   * read. O(entries of the point); lazy, so a caller may stop early.
   */
  *files(pointRef: string): Generator<PointFileRow> {
    yield* pointFiles(this.table, this.table.treeNumber(this.point(pointRef).tree)!);
  }

  /** What changed from point A to point B (A is usually the older). */
  diff(pointA: string, pointB: string): DiffResult {
    const a = this.point(pointA);
    const b = this.point(pointB);
    return diffTrees(this.table, this.table.treeNumber(a.tree)!, this.table.treeNumber(b.tree)!);
  }

  /** Sizes for diagnostics and the benchmark. */
  stats(): { points: number; trees: number; entries: number; rows: number; strings: number; contents: number; segments: number } {
    const c = this.table.counts();
    return { points: this.manifest.points.length, trees: c.trees, entries: c.entries, rows: this.table.trees.reduce((n, r) => n + r.length, 0), strings: c.strings, contents: c.contents, segments: this.manifest.segments.length };
  }

  // ---- internals ----

  /** POINT is an id, a unique id prefix, or `latest`. */
  private point(ref: string): CatalogPoint {
    const all = this.manifest.points;
    if (ref === 'latest') {
      if (all.length === 0) throw new DeskVaultError('NOT_FOUND', 'the catalog has no recovery points', { point: ref });
      return all[all.length - 1];
    }
    const matches = /^[0-9a-f]{1,64}$/.test(ref) ? all.filter((p) => p.id.startsWith(ref)) : [];
    if (matches.length === 0) throw new DeskVaultError('NOT_FOUND', `no recovery point ${ref} in the catalog`, { point: ref });
    if (matches.length > 1) throw new DeskVaultError('AMBIGUOUS', `recovery point prefix ${ref} matches ${matches.length} points; give more digits`, { point: ref });
    return matches[0];
  }

  private checkSource(source: CatalogSource): void {
    if (source.id !== this.vaultId) throw new DeskVaultError('INVALID_INPUT', `this catalog belongs to vault ${this.vaultId}, not ${source.id}`, {});
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private adopt(table: CatalogTable, manifest: CatalogManifest): void {
    this.table = table;
    this.lister = new DirLister(table);
    this.manifest = manifest;
    this.saved = table.counts();
  }

  /**
   * Reads the trees of `points` (oldest first) and commits. Progress made before a failure or a
   * cancellation is committed too (whole subtrees only), so the next sync does not read it again.
   */
  private async importPoints(source: CatalogSource, points: RecoveryPoint[], removed: string[], progress: Progress, opts: SyncOptions): Promise<SyncResult> {
    const counters: ImportCounters = { treesRead: 0, entriesRead: 0 };
    const result: SyncResult = { added: [], removed, errors: [], treesRead: 0, entriesRead: 0, compacted: false };
    let failure: unknown = null;
    const step = (pointsDone: number): void => progress({ phase: 'READING', pointsDone, pointsTotal: points.length, ...counters });
    try {
      if (points.length > 0) {
        const { index } = await source.vault.loadIndex();
        const read = (id: string) => source.vault.readTree(index, id, { cache: false });
        for (let i = 0; i < points.length; i++) {
          const p = points[i];
          step(i);
          try {
            await importTree(this.table, read, p.tree, counters, () => {
              if (opts.signal?.aborted) throw new DeskVaultError('CANCELLED', 'the catalog update was cancelled', {});
              step(i);
            });
            this.manifest = { ...this.manifest, points: sortPoints([...this.manifest.points, catalogPointOf(p)]) };
            result.added.push(p.id);
          } catch (err) {
            if (isDeskVaultError(err, 'CANCELLED')) throw err;
            result.errors.push({ pointId: p.id, message: (err as Error).message });
          }
        }
      }
    } catch (err) {
      failure = err;
    }
    this.table.dropInternMaps();
    Object.assign(result, counters);
    progress({ phase: 'SAVING', pointsDone: result.added.length, pointsTotal: points.length, ...counters });
    await this.commit();
    if (failure) throw failure;
    result.compacted = await this.compactIfWorthIt();
    progress({ phase: 'DONE', pointsDone: result.added.length, pointsTotal: points.length, ...counters });
    return result;
  }

  /** Writes the rows added since the last commit as a segment, then the manifest. */
  private async commit(): Promise<void> {
    const seg = encodeSegment(this.table, this.saved);
    const segments: SegmentRef[] = [...this.manifest.segments];
    if (seg) segments.push(await this.writeSegment(seg));
    const next = { ...this.manifest, segments };
    await writeFileAtomic(path.join(this.folder, MANIFEST_FILE), JSON.stringify(next));
    this.manifest = next;
    this.saved = this.table.counts();
  }

  private async writeSegment(bytes: Buffer): Promise<SegmentRef> {
    const file = `seg-${randomBytes(8).toString('hex')}.bin`;
    await writeFileAtomic(path.join(this.folder, file), bytes);
    return { file, sha256: sha256(bytes), bytes: bytes.length };
  }

  /**
   * Rewrites the catalog as one segment of the live trees when less than half of the stored rows
   * are reachable from a catalogued point (forgotten points), or segments pile up.
   */
  private async compactIfWorthIt(): Promise<boolean> {
    const roots = this.manifest.points.map((p) => this.table.treeNumber(p.tree)!);
    const live = this.table.reachable(roots);
    let stored = 0;
    let kept = 0;
    this.table.trees.forEach((rows, t) => {
      stored += rows.length + 1;
      if (live[t]) kept += rows.length + 1;
    });
    if (kept * 2 >= stored && this.manifest.segments.length <= MAX_SEGMENTS) return false;
    const table = compactTable(this.table, roots);
    const seg = encodeSegment(table, new CatalogTable().counts());
    const segments = seg ? [await this.writeSegment(seg)] : [];
    const old = this.manifest.segments;
    const manifest = { ...this.manifest, segments };
    await writeFileAtomic(path.join(this.folder, MANIFEST_FILE), JSON.stringify(manifest));
    this.adopt(table, manifest);
    for (const s of old) await fs.rm(path.join(this.folder, s.file), { force: true });
    return true;
  }
}

type Progress = (p: Partial<SyncProgress> & { phase: SyncProgress['phase'] }) => void;

function reporter(onProgress?: (p: SyncProgress) => void): Progress {
  return (p) => onProgress?.({ pointsDone: 0, pointsTotal: 0, treesRead: 0, entriesRead: 0, ...p });
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function clearFolder(folder: string): Promise<void> {
  for (const name of await fs.readdir(folder)) await fs.rm(path.join(folder, name), { recursive: true, force: true });
}

/** Removes unfinished writes and segments no manifest names, once older than `minAgeMs`. */
async function removeStrays(folder: string, keep: readonly SegmentRef[], minAgeMs = STRAY_AGE_MS): Promise<void> {
  const named = new Set([MANIFEST_FILE, ...keep.map((s) => s.file)]);
  for (const name of await fs.readdir(folder)) {
    if (named.has(name) || !(name.includes('.tmp-') || name.startsWith('seg-'))) continue;
    try {
      const st = await fs.stat(path.join(folder, name));
      if (Date.now() - st.mtimeMs >= minAgeMs) await fs.rm(path.join(folder, name), { force: true });
    } catch {
      // Gone meanwhile: fine.
    }
  }
}
