/**
 * Backup: walks the selected paths, reuses unchanged files from the parent recovery point
 * (size, mtime, ctime and inode must all match, as restic does — so a file rewritten with its old
 * size and mtime is still caught by its ctime), chunks and packs what changed, and commits a
 * recovery point. Order of durable writes: packs → index → manifest, so a point that exists is whole.
 *
 * With `changedPaths` (what a file watcher saw change since the parent point) the walk visits only
 * those paths and the folders above them, and takes everything else from the parent point without
 * reading the disk: see change-set.ts for the rules and `BackupOptions.changedPaths` for the
 * contract. Without it (the default) every folder is listed and every entry checked.
 *
 * Pipeline: one thread walks, reads (into a reused buffer), chunks, hashes and seals synchronously;
 * pack writes run in the background with bounded concurrency (BlobWriter). Memory: two chunk
 * buffer (2 × max chunk size), up to maxInflight+1 pack buffers, and the index (~120 B per chunk).
 */
import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, realpathSync, type BigIntStats } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DeskVaultError } from '../../core/errors.js';
import { ChunkReader } from '../chunker/chunk-stream.js';
import type { PathMatcher } from '../match/path-matcher.js';
import { BlobWriter } from '../repo/blob-writer.js';
import { Lease } from '../repo/leases.js';
import { listPacks, packsPendingDeletion, recoverOrphanPacks } from '../repo/pack-inventory.js';
import { emptyStats, type PointError, type RecoveryPoint } from '../repo/point.js';
import { encodeTree, type Tree, type TreeNode } from '../repo/tree.js';
import type { Vault } from '../repo/vault.js';
import type { ChunkIndex } from '../repo/chunk-index.js';
import { UNFINISHED_WRITE_AGE_MS } from '../storage/object-store.js';
import { ChangeSet, type ChangeScope } from './change-set.js';
import { buildLayout, type LayoutNode } from './root-layout.js';

export interface BackupProgress {
  files: number;
  dirs: number;
  bytes: number;
  storedBytes: number;
  currentPath: string;
  errors: number;
}

export interface BackupOptions {
  paths: string[];
  tags?: string[];
  matcher?: PathMatcher;
  excludeCaches?: boolean;
  excludeLargerThan?: number;
  /** Force a parent point; by default the latest point of this host with the same paths. */
  parent?: string | null;
  host?: string;
  user?: string;
  now?: () => Date;
  /** Cancel: the backup throws CANCELLED and commits nothing (what it uploaded is reused by the next run). */
  signal?: AbortSignal;
  /**
   * Stop, keeping what is done (a completion window closing): once aborted, the walk takes no
   * further entry and a file being read is left out whole; the point is committed with status
   * PARTIAL and `incomplete` (docs/vault-format.md), its tree holding exactly the files and folders
   * finished before the stop (in changed-paths mode also the parent's entries no change touched).
   * If nothing was finished, nothing is committed and the backup throws CANCELLED with
   * `data.stopped: true`. Either way the packs written stay and the next run reuses them.
   * `stop.reason`, when a string (e.g. `COMPLETION_WINDOW`), becomes `incomplete.reason`;
   * otherwise it is `STOPPED`. A stop after the walk finished changes nothing: the point is whole.
   */
  stop?: AbortSignal;
  onProgress?: (p: BackupProgress) => void;
  /** Least milliseconds between two `onProgress` calls (default 100); 0 reports after every file. */
  progressEveryMs?: number;
  onNotice?: (message: string) => void;
  /** Folders never to back up (the vault itself, state folders). */
  neverInclude?: string[];
  /**
   * Absolute paths that may have changed since the parent point (created, modified, deleted,
   * renamed — old and new name; a folder stands for everything below it). Only these, and the
   * folders above them, are read from disk; every other entry is the parent point's. Contract:
   * the list must be complete since the parent point (a watcher journal that was never cleared
   * without a committed point), and the parent must have been taken with the same `paths`,
   * `matcher`, `excludeCaches` and `excludeLargerThan`, because unchanged folders are reused
   * without applying them again. When in doubt (watcher errors, changed excludes), omit it: the
   * full walk is always correct. Ignored, with a notice, when there is no parent point.
   */
  changedPaths?: string[];
}

/** How the backup found its changes, and what that cost. */
export interface BackupScan {
  /** CHANGED_PATHS when `changedPaths` was used; FULL for a walk of everything. */
  mode: 'FULL' | 'CHANGED_PATHS';
  /** Folders listed with readdir. */
  foldersListed: number;
  /** Entries checked with lstat. */
  entriesChecked: number;
  /** Bytes read from files (files reused from the parent point are not read). */
  bytesRead: number;
}

export interface BackupResult {
  point: RecoveryPoint;
  warnings: PointError[];
  timings: { indexMs: number; walkMs: number; commitMs: number };
  scan: BackupScan;
}

const CACHEDIR_SIGNATURE = 'Signature: 8a477f597d28d172789f06886806bc55';
/** Re-reads of a file that keeps changing while it is read, before it is stored as last read. */
const MAX_READ_ATTEMPTS = 3;

export async function backup(vault: Vault, opts: BackupOptions): Promise<BackupResult> {
  const now = opts.now ?? (() => new Date());
  const started = now();
  const t0 = Date.now();
  if (opts.paths.length === 0) throw new DeskVaultError('USAGE', 'name at least one file or folder to back up', {});
  const absPaths = opts.paths.map((p) => path.resolve(p));
  const lease = await Lease.acquire(vault, { kind: 'backup', onNotice: opts.onNotice });
  try {
    // Unfinished writes (a killed writer's): in a folder, looking costs no request, so every backup
    // looks. On S3 it is a billed listing (ListMultipartUploads; only objects over 32 MiB go up in
    // parts) that almost never finds anything, so a backup looks only when it finds orphan packs
    // below, the sign of an interrupted backup; prune always looks, so uploads left by a backup
    // killed before its first pack was stored go at the next prune.
    const cleanEveryTime = vault.store.properties.kind !== 's3';
    if (cleanEveryTime) await vault.store.cleanTemporaryFiles?.(UNFINISHED_WRITE_AGE_MS);
    // The lease is taken before the index is read: a concurrent prune sees it and waits for us.
    const { index, prunePlans } = await vault.loadIndex((id, err) => opts.onNotice?.(`index ${id} is unreadable and was skipped: ${(err as Error).message}`));
    const packs = await listPacks(vault);
    // The plans loadIndex listed (after reading the index objects): one listing of prune/, not two.
    const pending = packsPendingDeletion(prunePlans);
    const recovered = await recoverOrphanPacks(vault, index, packs, pending, (id, err) =>
      opts.onNotice?.(`pack ${id} could not be re-indexed: ${(err as Error).message}`),
    );
    if (recovered > 0) opts.onNotice?.(`re-indexed ${recovered} pack(s) left by an interrupted backup; their data is reused`);
    if (recovered > 0 && !cleanEveryTime) await vault.store.cleanTemporaryFiles?.(UNFINISHED_WRITE_AGE_MS);
    const tIndex = Date.now();

    const points = await vault.listPoints();
    const parent = findParent(points, absPaths, opts.host ?? os.hostname(), opts.parent);
    let changes: ChangeSet | null = null;
    if (opts.changedPaths) {
      // A stopped point lacks whatever the walk had not reached, which no change list names.
      if (parent && !parent.incomplete) changes = new ChangeSet(opts.changedPaths);
      else if (parent) opts.onNotice?.('the previous recovery point was stopped before it finished: scanning everything');
      else opts.onNotice?.('no earlier recovery point of these paths to build on: scanning everything');
    }
    const walker = new Walker(vault, index, opts, changes, parent);
    const root = await walker.run(buildLayout(absPaths), parent ? parent.tree : null);
    const tWalk = Date.now();
    await walker.writer.finish();
    if (root === null) {
      // Stopped before anything was finished: no point. The packs just written are indexed, so
      // the next run reuses them without re-reading orphans.
      throw new DeskVaultError('CANCELLED', 'the backup was stopped before any file was backed up; nothing was committed', { stopped: true, stoppedAt: walker.leftOut });
    }
    const rootId = root;

    if (changes && parent) walker.carryParentErrors(parent.errors);
    const errors = walker.errors;
    const missingAll = absPaths.every((p) => walker.missingRoots.has(p));
    if (missingAll) {
      throw new DeskVaultError('NOT_FOUND', `nothing to back up: ${absPaths.join(', ')} ${absPaths.length > 1 ? 'do' : 'does'} not exist`, { paths: absPaths });
    }
    const stats = walker.stats;
    stats.storedBytes = walker.writer.storedBytes;
    // Totals were carried from the parent and adjusted; every file not read is an unchanged one.
    if (changes) stats.unchangedFiles = Math.max(0, stats.files - stats.newFiles - stats.changedFiles);
    stats.durationMs = Date.now() - t0;
    const point: RecoveryPoint = {
      version: 1,
      id: randomBytes(32).toString('hex'),
      time: started.toISOString(),
      host: opts.host ?? os.hostname(),
      user: opts.user ?? safeUser(),
      paths: absPaths,
      tags: opts.tags ?? [],
      tree: rootId,
      parent: parent?.id ?? null,
      status: errors.length > 0 || walker.leftOut !== null ? 'PARTIAL' : 'COMPLETED',
      stats,
      errors: errors.slice(0, 1000),
      ...(walker.leftOut !== null ? { incomplete: { reason: stopReason(opts.stop), stoppedAt: walker.leftOut } } : {}),
    };
    // A cancel that came while the last packs were written still commits nothing.
    if (opts.signal?.aborted) throw new DeskVaultError('CANCELLED', 'backup cancelled', {});
    await lease.assertHeld();
    await vault.putJson(`points/${point.id}`, point);
    return {
      point,
      warnings: walker.warnings,
      timings: { indexMs: tIndex - t0, walkMs: tWalk - tIndex, commitMs: Date.now() - tWalk },
      scan: { mode: changes ? 'CHANGED_PATHS' : 'FULL', ...walker.counters },
    };
  } finally {
    await lease.release().catch(() => undefined);
  }
}

function findParent(points: RecoveryPoint[], absPaths: string[], host: string, forced: string | null | undefined): RecoveryPoint | null {
  if (forced === null) return null;
  if (forced) return points.find((p) => p.id.startsWith(forced)) ?? null;
  const key = [...absPaths].sort().join('\0');
  for (let i = points.length - 1; i >= 0; i--) {
    const p = points[i];
    if (p.host === host && [...p.paths].sort().join('\0') === key) return p;
  }
  return null;
}

function stopReason(stop: AbortSignal | undefined): string {
  const r: unknown = stop?.reason;
  return typeof r === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(r) ? r : 'STOPPED';
}

/** Thrown inside a file's read when a stop comes: the file is left out whole. */
const STOP_READ = Symbol('stop');

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
}

function describeError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'vanished while being backed up';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EIO') return 'input/output error reading the disk';
  return (err as Error)?.message ?? String(err);
}

class Walker {
  readonly writer: BlobWriter;
  readonly stats = emptyStats();
  readonly errors: PointError[] = [];
  readonly warnings: PointError[] = [];
  readonly missingRoots = new Set<string>();
  readonly counters = { foldersListed: 0, entriesChecked: 0, bytesRead: 0 };
  /** Changed-paths mode: paths whose node was taken from the parent point without looking. */
  private readonly reused = new Set<string>();
  private readonly reader: ChunkReader;
  private readonly neverInclude: Set<string>;
  private lastProgress = 0;
  private currentPath = '';
  /** After a stop (`opts.stop`): the first path left out because of it; null while nothing was. */
  leftOut: string | null = null;

  constructor(
    private readonly vault: Vault,
    private readonly index: ChunkIndex,
    private readonly opts: BackupOptions,
    private readonly changes: ChangeSet | null = null,
    parentPoint: RecoveryPoint | null = null,
  ) {
    this.writer = new BlobWriter(vault, index);
    if (changes && parentPoint) {
      // Totals start from the parent's and are adjusted for every entry examined again.
      const p = parentPoint.stats;
      Object.assign(this.stats, { files: p.files, dirs: p.dirs, bytes: p.bytes, chunks: p.chunks });
    }
    this.reader = new ChunkReader(vault.chunker);
    const never = new Set<string>();
    for (const p of opts.neverInclude ?? []) {
      never.add(path.resolve(p));
      try {
        never.add(realpathSync(p));
      } catch {
        /* not there: nothing to exclude */
      }
    }
    this.neverInclude = never;
  }

  /** The root tree's id; null when a stop left nothing in it. */
  async run(layout: LayoutNode, parentTreeId: string | null): Promise<string | null> {
    const parent = parentTreeId ? await this.loadParentTree(parentTreeId) : null;
    return this.layoutDir(layout, parent);
  }

  /** True once a stop was asked for; the walk then takes no new entry (changed-paths: see changedEntry). */
  private stopping(): boolean {
    return this.leftOut !== null || this.opts.stop?.aborted === true;
  }

  private leaveOut(p: string): void {
    this.leftOut ??= p;
  }

  /**
   * A folder's tree, or null for a folder a stop cut short before any of its entries was
   * finished: it is left out, so a point never shows a folder as empty that is not.
   */
  private storeFolder(nodes: TreeNode[]): Promise<string | null> | string | null {
    if (nodes.length === 0 && this.leftOut !== null) return null;
    return this.storeTree(nodes);
  }

  /** A virtual directory on the way to the selected paths. */
  private async layoutDir(node: LayoutNode, parent: Tree | null): Promise<string | null> {
    const parentMap = indexByName(parent);
    const nodes: TreeNode[] = [];
    for (const [name, child] of node.children) {
      if (!this.changes && this.stopping()) {
        this.leaveOut(firstSelected(child));
        break;
      }
      const prev = parentMap.get(name);
      if (this.changes && child.leaf) {
        const scope = this.changes.namedAbove(child.absPath) ? 'ALL' : this.changes.scopeOf(child.absPath);
        const n = await this.changedEntry(child.absPath, name, prev, scope, 'ROOT');
        if (n) nodes.push(n);
        continue;
      }
      const st = this.lstat(child.absPath);
      if (!st) {
        if (child.leaf) this.missingRoots.add(child.absPath);
        this.error(child.absPath, 'does not exist');
        continue;
      }
      if (child.leaf) {
        const n = await this.entry(child.absPath, name, st, prev);
        if (n) nodes.push(n);
      } else {
        const sub = prev?.type === 'dir' && prev.tree ? await this.loadParentTree(prev.tree) : null;
        const base = this.meta(name, 'dir', st);
        const tree = await this.layoutDir(child, sub);
        if (tree !== null) nodes.push({ ...base, tree });
      }
    }
    return this.storeFolder(nodes);
  }

  private async dir(absPath: string, parent: Tree | null): Promise<string | null> {
    if (this.opts.signal?.aborted) throw new DeskVaultError('CANCELLED', 'backup cancelled', {});
    const names = this.listFolder(absPath);
    if (names === null) return this.storeTree([]);
    const parentMap = indexByName(parent);
    const nodes: TreeNode[] = [];
    for (const name of names) {
      const p = path.join(absPath, name);
      // Checked per entry, not only per folder: a folder of 100k files is cancelled at once too.
      if (this.opts.signal?.aborted) throw new DeskVaultError('CANCELLED', 'backup cancelled', {});
      if (this.stopping()) {
        this.leaveOut(p);
        break;
      }
      if (this.neverInclude.has(p)) continue;
      const st = this.lstat(p);
      if (!st) {
        this.error(p, 'vanished while being backed up');
        continue;
      }
      if (this.opts.matcher?.excludes(p, st.isDirectory())) continue;
      const n = await this.entry(p, name, st, parentMap.get(name));
      if (n) nodes.push(n);
    }
    return this.storeFolder(nodes);
  }

  /** The names to back up in a folder, sorted; null to store it empty (unreadable, or a vault). */
  private listFolder(absPath: string): string[] | null {
    let names: string[];
    try {
      names = readdirSync(absPath);
      this.counters.foldersListed++;
    } catch (err) {
      this.error(absPath, `cannot list folder: ${describeError(err)}`);
      return null;
    }
    if (names.some((n) => n.includes('\uFFFD'))) names = this.dropInvalidNames(absPath, names);
    if (names.includes('config') && names.includes('keys') && isVaultFolder(absPath)) {
      this.warn(absPath, 'skipped: this folder is a DeskVault vault');
      return null;
    }
    if (this.opts.excludeCaches && names.includes('CACHEDIR.TAG') && isCacheDir(absPath)) {
      names = ['CACHEDIR.TAG'];
    }
    return names.sort();
  }

  /**
   * Changed-paths mode: one entry of a folder being refreshed (or a selected root). `origin` says
   * where its name came from: ROOT (a selected path), LISTED (the folder was read again) or KNOWN
   * (the parent point's entry or a named path, in a folder not read again: if it is gone, it was
   * deleted, which is no error). Keeps the totals right: whatever the parent had here and is not
   * reused is subtracted, and `entry` adds what is there now.
   */
  private async changedEntry(p: string, name: string, prev: TreeNode | undefined, scope: ChangeScope, origin: 'ROOT' | 'LISTED' | 'KNOWN'): Promise<TreeNode | null> {
    if (this.opts.signal?.aborted) throw new DeskVaultError('CANCELLED', 'backup cancelled', {});
    if (this.neverInclude.has(p)) {
      await this.forget(prev);
      return null;
    }
    if (scope === 'NONE' && prev && this.reusable(prev)) {
      this.reused.add(p);
      return prev;
    }
    const st = this.lstat(p);
    if (!st) {
      if (origin === 'ROOT') {
        this.missingRoots.add(p);
        this.error(p, 'does not exist');
      } else if (origin === 'LISTED') this.error(p, 'vanished while being backed up');
      await this.forget(prev);
      return null;
    }
    if (origin !== 'ROOT' && this.opts.matcher?.excludes(p, st.isDirectory())) {
      await this.forget(prev);
      return null;
    }
    if (scope === 'SOME' && prev?.type === 'dir' && prev.tree && st.isDirectory()) {
      const sub = await this.loadParentTree(prev.tree);
      if (sub) {
        this.currentPath = p;
        const base = this.meta(name, 'dir', st);
        const tree = await this.changedDir(p, sub);
        if (tree !== null) return { ...base, tree };
        this.stats.dirs--; // cut short by a stop before anything in it was finished
        return null;
      }
    }
    await this.forget(prev);
    if (this.stopping()) {
      // Stopped: only what needs reading from disk is left out; entries no change touched are
      // still the parent's (above), and folders with changes below are still walked for them.
      this.leaveOut(p);
      return null;
    }
    return this.entry(p, name, st, prev);
  }

  /** Changed-paths mode: a folder with a changed path below it (scope SOME). */
  private async changedDir(absPath: string, parent: Tree): Promise<string | null> {
    const changes = this.changes!;
    const parentMap = indexByName(parent);
    const listed = changes.isListed(absPath);
    let names: string[];
    if (listed) {
      const got = this.listFolder(absPath);
      if (got === null) {
        for (const prev of parent.entries) await this.forget(prev);
        return this.storeTree([]);
      }
      names = got;
    } else {
      names = [...new Set([...parentMap.keys(), ...changes.dirtyChildren(absPath)])].sort();
    }
    const nodes: TreeNode[] = [];
    const seen = new Set<string>();
    for (const name of names) {
      seen.add(name);
      const p = path.join(absPath, name);
      const n = await this.changedEntry(p, name, parentMap.get(name), changes.scopeOf(p), listed ? 'LISTED' : 'KNOWN');
      if (n) nodes.push(n);
    }
    // Entries of the parent point that are no longer listed were deleted.
    for (const [name, prev] of parentMap) if (!seen.has(name)) await this.forget(prev);
    return this.storeFolder(nodes);
  }

  /** A parent node can be taken as is only if everything it references is in the index. */
  private reusable(prev: TreeNode): boolean {
    if (prev.type === 'file') return !!prev.chunks && prev.chunks.every((c) => this.index.has(Buffer.from(c, 'hex')));
    if (prev.type === 'dir') return !!prev.tree && this.index.has(Buffer.from(prev.tree, 'hex'));
    return true;
  }

  /** Subtracts what a parent node counted in the totals (reading its subtree for a folder). */
  private async forget(prev: TreeNode | undefined): Promise<void> {
    if (!prev) return;
    if (prev.type === 'file') {
      this.stats.files--;
      this.stats.bytes -= prev.size ?? 0;
      this.stats.chunks -= prev.chunks?.length ?? 0;
    } else if (prev.type === 'dir') {
      this.stats.dirs--;
      const sub = prev.tree ? await this.loadParentTree(prev.tree) : null;
      for (const e of sub?.entries ?? []) await this.forget(e);
    }
  }

  /**
   * Changed-paths mode: the parent point's errors about paths this backup reused unread still
   * hold (an unreadable file that did not change is still missing), so they are kept.
   */
  carryParentErrors(parentErrors: readonly PointError[]): void {
    for (const e of parentErrors) {
      for (let p = e.path, up = path.dirname(p); ; p = up, up = path.dirname(p)) {
        if (this.reused.has(p)) {
          this.errors.push(e);
          break;
        }
        if (up === p) break;
      }
    }
  }

  /**
   * Names that are not valid UTF-8 (possible on Linux) cannot be stored in format 1.0, whose tree
   * names are strings; they are reported by their bytes instead of silently garbled.
   */
  private dropInvalidNames(absPath: string, names: string[]): string[] {
    let raw: Buffer[];
    try {
      raw = readdirSync(absPath, { encoding: 'buffer' });
    } catch {
      return names;
    }
    const valid: string[] = [];
    for (const b of raw) {
      const s = b.toString('utf8');
      if (Buffer.from(s, 'utf8').equals(b)) valid.push(s);
      else this.error(path.join(absPath, s), `not backed up: its name is not valid UTF-8 (bytes ${b.toString('hex')}); rename it to back it up`);
    }
    return valid;
  }

  private async entry(p: string, name: string, st: BigIntStats, prev: TreeNode | undefined): Promise<TreeNode | null> {
    this.currentPath = p;
    if (st.isDirectory()) {
      if (this.neverInclude.has(p)) return null;
      this.stats.dirs++;
      const sub = prev?.type === 'dir' && prev.tree ? await this.loadParentTree(prev.tree) : null;
      const base = this.meta(name, 'dir', st);
      const tree = await this.dir(p, sub);
      if (tree !== null) return { ...base, tree };
      this.stats.dirs--; // cut short by a stop before anything in it was finished
      return null;
    }
    if (st.isSymbolicLink()) {
      try {
        return { ...this.meta(name, 'symlink', st), target: readlinkSync(p) };
      } catch (err) {
        this.error(p, describeError(err));
        return null;
      }
    }
    if (st.isFile()) return this.file(p, name, st, prev);
    const kind = st.isFIFO() ? 'fifo' : st.isSocket() ? 'socket' : st.isCharacterDevice() || st.isBlockDevice() ? 'device' : 'special file';
    this.warn(p, `skipped: ${kind}`);
    return null;
  }

  private async file(p: string, name: string, st: BigIntStats, prev: TreeNode | undefined): Promise<TreeNode | null> {
    const size = Number(st.size);
    if (this.opts.excludeLargerThan !== undefined && size > this.opts.excludeLargerThan) return null;
    this.stats.files++;
    this.stats.bytes += size;
    const base = this.meta(name, 'file', st);
    if (prev?.type === 'file' && prev.chunks && unchanged(prev, base, size) && prev.chunks.every((c) => this.index.has(Buffer.from(c, 'hex')))) {
      this.stats.unchangedFiles++;
      this.stats.chunks += prev.chunks.length;
      this.progress();
      return { ...base, size, chunks: prev.chunks };
    }
    const isChange = prev !== undefined;
    if (isChange) this.stats.changedFiles++;
    else this.stats.newFiles++;
    const chunksBefore = this.stats.chunks;
    let fd: number;
    try {
      fd = openSync(p, 'r');
    } catch (err) {
      this.error(p, describeError(err));
      return null;
    }
    try {
      let before = st;
      for (let attempt = 1; ; attempt++) {
        const chunks: string[] = [];
        this.stats.chunks = chunksBefore; // a re-read counts its chunks once
        let read: number;
        try {
          read = await this.reader.read(fd, async (chunk) => {
            const id = this.vault.chunkId(chunk);
            chunks.push(id.toString('hex'));
            this.stats.chunks++;
            if (this.writer.add('data', id, chunk)) this.stats.newChunks++;
            if (this.writer.needsFlush) await this.writer.flushReady();
            // Cancelled or stopped mid-file: the chunks so far are stored (and reused next run);
            // a stop leaves the file out, a cancel commits nothing.
            if (this.opts.signal?.aborted) throw new DeskVaultError('CANCELLED', 'backup cancelled', {});
            if (this.opts.stop?.aborted) throw STOP_READ;
          });
        } catch (err) {
          if (err === STOP_READ) {
            this.leaveOut(p);
            this.stats.files--;
            this.stats.bytes -= size;
            this.stats.chunks = chunksBefore;
            if (isChange) this.stats.changedFiles--;
            else this.stats.newFiles--;
            return null;
          }
          if (err instanceof DeskVaultError) throw err;
          this.error(p, `read failed: ${describeError(err)}`);
          return null;
        }
        this.counters.bytesRead += read;
        const after = fstatSync(fd, { bigint: true });
        const stable = after.size === before.size && after.mtimeNs === before.mtimeNs && after.ctimeNs === before.ctimeNs && BigInt(read) === after.size;
        if (stable || attempt >= MAX_READ_ATTEMPTS) {
          if (!stable) this.warn(p, `changed while being read ${MAX_READ_ATTEMPTS} times; stored as last read`);
          this.stats.bytes += read - size;
          this.progress();
          return { ...this.meta(name, 'file', after), size: read, chunks };
        }
        before = after;
      }
    } finally {
      closeSync(fd);
    }
  }

  private storeTree(nodes: TreeNode[]): Promise<string> | string {
    const bytes = encodeTree(nodes);
    const id = this.vault.chunkId(bytes);
    this.writer.add('tree', id, bytes);
    const hex = id.toString('hex');
    return this.writer.needsFlush ? this.writer.flushReady().then(() => hex) : hex;
  }

  private async loadParentTree(id: string): Promise<Tree | null> {
    try {
      return await this.vault.readTree(this.index, id, { cache: false });
    } catch (err) {
      // A damaged parent only costs re-reading: back up as if there were no parent here.
      this.opts.onNotice?.(`parent tree ${id.slice(0, 12)} unreadable (${(err as Error).message}); re-reading those files`);
      return null;
    }
  }

  private lstat(p: string): BigIntStats | null {
    this.counters.entriesChecked++;
    try {
      return lstatSync(p, { bigint: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      this.error(p, describeError(err));
      return null;
    }
  }

  private meta(name: string, type: TreeNode['type'], st: BigIntStats): TreeNode {
    return {
      name,
      type,
      mode: Number(st.mode & 0o7777n),
      uid: Number(st.uid),
      gid: Number(st.gid),
      mtimeNs: st.mtimeNs.toString(),
      ctimeNs: st.ctimeNs.toString(),
      inode: st.ino.toString(),
    };
  }

  private error(p: string, message: string): void {
    this.errors.push({ path: p, message });
  }

  private warn(p: string, message: string): void {
    this.warnings.push({ path: p, message });
  }

  private progress(): void {
    const cb = this.opts.onProgress;
    if (!cb) return;
    const t = Date.now();
    if (t - this.lastProgress < (this.opts.progressEveryMs ?? 100)) return;
    this.lastProgress = t;
    cb({ files: this.stats.files, dirs: this.stats.dirs, bytes: this.stats.bytes, storedBytes: this.writer.storedBytes, currentPath: this.currentPath, errors: this.errors.length });
  }
}

function unchanged(prev: TreeNode, now: TreeNode, size: number): boolean {
  return prev.size === size && prev.mtimeNs === now.mtimeNs && prev.ctimeNs === now.ctimeNs && prev.inode === now.inode;
}

/** The first selected path at or below a layout node (what a stop there leaves out first). */
function firstSelected(node: LayoutNode): string {
  let n = node;
  while (!n.leaf && n.children.size > 0) n = n.children.values().next().value!;
  return n.absPath;
}

function indexByName(tree: Tree | null): Map<string, TreeNode> {
  const m = new Map<string, TreeNode>();
  if (tree) for (const e of tree.entries) m.set(e.name, e);
  return m;
}

function isVaultFolder(dir: string): boolean {
  try {
    const c = JSON.parse(readFileSync(path.join(dir, 'config'), 'utf8')) as { format?: string };
    return c.format === 'deskvault-vault';
  } catch {
    return false;
  }
}

function isCacheDir(dir: string): boolean {
  try {
    return readFileSync(path.join(dir, 'CACHEDIR.TAG'), 'latin1').startsWith(CACHEDIR_SIGNATURE);
  } catch {
    return false;
  }
}
