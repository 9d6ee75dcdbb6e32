/**
 * Restore, planned by pack. Each pack region holding needed chunks is fetched once, several at a
 * time, and every chunk is authenticated and written to every place that needs it, out of order.
 * Three things run side by side, so that a restore takes about as long as its slowest part rather
 * than the sum of them:
 * - downloads (fetchAhead): reads start as soon as the plan is known, before the folders are made,
 *   and go on while earlier regions are decrypted; regions are handled in the order they arrive;
 * - this thread decrypts, decompresses and checks chunks, pausing every PAUSE_EVERY_MS so that the
 *   downloads' sockets are read meanwhile;
 * - a write thread (write-thread.ts) creates, writes, closes and renames the files.
 * Each file is written as a hidden temporary file and renamed into place only when all its chunks
 * arrived, so a damaged chunk never leaves wrong bytes under a real name: the files it affects are
 * reported by name and everything else restores. All-zero chunks are not written (the file was
 * sized with ftruncate), which keeps sparse files sparse.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, fchmodSync, futimesSync, lutimesSync, mkdirSync, openSync, readlinkSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { DeskVaultError } from '../../core/errors.js';
import type { ChunkIndex } from '../repo/chunk-index.js';
import { packKey } from '../repo/pack-format.js';
import type { RecoveryPoint } from '../repo/point.js';
import type { Vault } from '../repo/vault.js';
import { fetchAhead } from './fetch-ahead.js';
import { planRestore, type PlannedItem, type RestoreMode } from './restore-plan.js';
import { existingKind, keepBothName, nsToSeconds, restorableMode, safeMkdirs } from './safe-fs.js';
import { WriteThread, type WriterFile } from './write-thread.js';

export type ConflictPolicy = 'skip' | 'overwrite' | 'keep-both';

export interface RestoreOptions {
  point: RecoveryPoint;
  paths?: string[];
  mode: RestoreMode;
  conflict?: ConflictPolicy;
  dryRun?: boolean;
  /** Pack regions read at once (default IN_FLIGHT). */
  concurrency?: number;
  now?: () => Date;
  signal?: AbortSignal;
  onProgress?: (p: RestoreProgress) => void;
}

export interface RestoreProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export type RestoreAction = 'create' | 'replace' | 'keep-both' | 'skip-exists' | 'skip-identical';

export interface RestoreEntryReport {
  path: string;
  action: RestoreAction;
  /** For keep-both: the name the restored copy gets. */
  restoredAs?: string;
}

export interface RestoreResult {
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  skipped: number;
  entries: RestoreEntryReport[];
  errors: { path: string; message: string }[];
  dryRun: boolean;
}

/** What a file needs after planning (not its tree node: the plan's nodes are let go, see below). */
interface FileJob {
  /** Index in the write thread's file list. */
  id: number;
  originalPath: string;
  /** Its folder (the same string for all files of a folder) and its temporary file's name there. */
  dir: string;
  tmpName: string;
  size: number;
  /** Chunks not yet handed to the write thread. */
  remaining: number;
  /** Completed or failed: nothing more goes to the write thread for it. */
  done: boolean;
}

/**
 * Region reads are merged when blobs are this close, up to a region size: 8 MiB on a local disk
 * (memory), a whole pack on an object store, where every request costs time and money.
 */
const MERGE_GAP = 256 * 1024;
const LOCAL_REGION = 8 * 1024 * 1024;
/** Decrypted chunks go to the write thread in arenas of this size (or the largest chunk), ARENAS at most. */
const ARENA_BYTES = 8 * 1024 * 1024;
const ARENAS = 4;
/**
 * Region reads in flight, and regions held (in flight or fetched, waiting to be decrypted). 4 reads
 * keep a disk or a connection to S3 busy (on loopback s3rver, 1 to 8 at once move the same MiB/s);
 * 2 more held let downloads go on while a region is decrypted. Memory: held × the largest region
 * (a pack on S3, 8 MiB on a disk).
 */
const IN_FLIGHT = 4;
const HELD_EXTRA = 2;
/** Longest stretch of synchronous work before the downloads get a turn (see Pause). */
const PAUSE_EVERY_MS = 10;

/**
 * Lets the event loop run (socket reads of the downloads in flight, the write thread's answers)
 * when synchronous work has held it for PAUSE_EVERY_MS: a download only makes progress while this
 * thread is free. Without it, a region was decrypted in one go while the other downloads stalled
 * once their socket buffers were full.
 */
class Pause {
  private last = performance.now();

  async now(): Promise<void> {
    if (performance.now() - this.last < PAUSE_EVERY_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
  }
}

export async function restore(vault: Vault, index: ChunkIndex, opts: RestoreOptions): Promise<RestoreResult> {
  const conflict = opts.conflict ?? 'keep-both';
  const now = (opts.now ?? (() => new Date()))();
  const plan = await planRestore(vault, index, opts.point, opts.paths ?? [], opts.mode);
  const result: RestoreResult = { files: 0, dirs: 0, symlinks: 0, bytes: 0, skipped: 0, entries: [], errors: [...plan.errors], dryRun: !!opts.dryRun };

  // 1. Decide what happens to each file (conflicts), without writing.
  const decisions: { item: PlannedItem; dir: string; action: RestoreAction; finalName: string }[] = [];
  // Nothing can exist in a folder that does not: one check per folder, not one per file (a restore
  // into a new folder would otherwise look up every file's name first).
  const dirExists = new Map<string, boolean>();
  for (const item of plan.files) {
    const dir = item.dir;
    const name = item.rel[item.rel.length - 1];
    const dest = inDir(dir, name);
    let inExistingDir = dirExists.get(dir);
    if (inExistingDir === undefined) dirExists.set(dir, (inExistingDir = existsSync(dir)));
    const ex = inExistingDir ? existingKind(dest) : { kind: 'none' as const };
    let action: RestoreAction = 'create';
    let finalName = name;
    if (ex.kind === 'file' && ex.size === item.node.size && ex.mtimeNs !== undefined && ex.mtimeNs / 1000n === BigInt(item.node.mtimeNs) / 1000n) action = 'skip-identical';
    else if (ex.kind !== 'none') {
      if (conflict === 'skip') action = 'skip-exists';
      else if (conflict === 'overwrite' && ex.kind !== 'dir') action = 'replace';
      else {
        action = 'keep-both';
        finalName = keepBothName(dir, name, now, existsSync);
      }
    }
    decisions.push({ item, dir, action, finalName });
    // A real restore reports only what differs from "created as it was"; a dry run reports all.
    if (opts.dryRun || action !== 'create') result.entries.push({ path: dest, action, ...(action === 'keep-both' ? { restoredAs: path.join(dir, finalName) } : {}) });
  }
  if (opts.dryRun) {
    result.files = decisions.filter((d) => !d.action.startsWith('skip')).length;
    result.skipped = decisions.length - result.files;
    result.bytes = decisions.filter((d) => !d.action.startsWith('skip')).reduce((a, d) => a + (d.item.node.size ?? 0), 0);
    result.dirs = plan.dirs.length;
    result.symlinks = plan.symlinks.length;
    return result;
  }

  // 2. Files to write and the pack regions they need, without touching the disk yet, so that the
  // downloads start now and run while the folders are made.
  const jobs: FileJob[] = [];
  const files: WriterFile[] = [];
  const tmpTag = randomBytes(6).toString('hex');
  let tmpSeq = 0;
  const byChunk = new Map<string, { job: FileJob; offset: number }[]>();
  let largestChunk = 0;
  for (const d of decisions) {
    if (d.action.startsWith('skip')) {
      result.skipped++;
      continue;
    }
    const job: FileJob = {
      id: jobs.length,
      originalPath: d.item.originalPath,
      dir: d.dir,
      tmpName: `.dvrestore-${tmpTag}-${tmpSeq++}`,
      size: d.item.node.size ?? 0,
      remaining: 0,
      done: false,
    };
    files.push({
      dir: d.dir,
      tmpPath: inDir(d.dir, job.tmpName),
      finalPath: inDir(d.dir, d.finalName),
      size: job.size,
      mode: restorableMode(d.item.node.mode),
      mtime: nsToSeconds(d.item.node.mtimeNs),
    });
    let offset = 0;
    for (const c of d.item.node.chunks ?? []) {
      const id = Buffer.from(c, 'hex');
      const key = id.toString('latin1');
      let list = byChunk.get(key);
      if (!list) byChunk.set(key, (list = []));
      list.push({ job, offset });
      job.remaining++;
      const rawLength = index.get(id)?.rawLength ?? 0;
      offset += rawLength;
      largestChunk = Math.max(largestChunk, rawLength);
    }
    jobs.push(job);
  }
  // The files' tree nodes (chunk lists and all) are not needed any more: let them go, so the
  // collector does not walk them again and again while the data streams through.
  const bases = new Set([...plan.dirs, ...plan.files, ...plan.symlinks].map((i) => i.base));
  plan.files.length = 0;
  decisions.length = 0;
  const remote = vault.store.properties.kind !== 'local';
  const regions = planRegions(index, byChunk, remote ? 2 * vault.config.packSize : LOCAL_REGION);
  const inFlight = opts.concurrency ?? IN_FLIGHT;
  // Buffers are reused slot by slot: fresh multi-MiB buffers per region cost page faults and let
  // garbage pile up (peak RSS).
  const fetcher = fetchAhead(regions, (r, into) => vault.store.get(r.key, { offset: r.offset, length: r.length }, into), {
    inFlight,
    held: inFlight + HELD_EXTRA,
    bufferSize: regions.reduce((m, r) => Math.max(m, r.length), 0),
  });
  const pause = new Pause();

  const progress: RestoreProgress = { filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 };
  const writer = new WriteThread(
    files,
    (id, error) => {
      const job = jobs[id];
      job.done = true;
      if (error !== null) {
        result.errors.push({ path: job.originalPath, message: error });
        return;
      }
      result.files++;
      result.bytes += job.size;
      progress.filesDone++;
    },
    Math.max(ARENA_BYTES, largestChunk),
    ARENAS,
  );
  files.length = 0; // the write thread has its own copy
  const failJob = (job: FileJob, why: string): void => {
    if (job.done) return;
    job.done = true;
    writer.fail(job.id, why);
  };
  const completeJob = (job: FileJob): void => {
    job.done = true;
    writer.complete(job.id);
  };

  // Folders: parents of selected items (no metadata restored), then the point's folders.
  const folders = [...plan.parents, ...plan.dirs];
  let folderFailures: [number, string][] = [];
  let lastReport = 0;
  try {
    // 3. Folders, made by the write thread in this order before any file, and checked there
    // component by component (a file is only ever created in a folder found to be a real one);
    // this thread goes on meanwhile. The target folder itself is the person's choice: create it
    // if needed.
    for (const base of bases) mkdirSync(base, { recursive: true });
    const foldersMade = writer.makeFolders(
      folders.map((f) => ({ base: f.base, rel: f.rel })),
      [...bases],
    );
    foldersMade.catch(() => undefined); // awaited below; a cancelled restore may never get there
    progress.filesTotal = jobs.length;
    progress.bytesTotal = jobs.reduce((a, j) => a + j.size, 0);
    for (const job of jobs) if (job.remaining === 0 && !job.done) completeJob(job);
    const missing = [...byChunk.keys()].filter((k) => !index.get(Buffer.from(k, 'latin1')));
    for (const k of missing) failChunk(byChunk, k, `chunk ${Buffer.from(k, 'latin1').toString('hex').slice(0, 12)} is missing from the vault index`, failJob);

    // 4. Chunks, region by region as they arrive, written wherever they go.
    for (let f = await fetcher.next(); f; f = await fetcher.next()) {
      if (opts.signal?.aborted) throw new DeskVaultError('CANCELLED', 'restore cancelled', {});
      const region = f.item;
      if (!f.bytes) {
        f.release();
        for (const b of region.blobs) failChunk(byChunk, b.key, `${region.key} cannot be read: ${(f.error as Error).message}`, failJob);
        continue;
      }
      const bytes = f.bytes;
      for (const b of region.blobs) {
        const targets = byChunk.get(b.key);
        if (!targets) continue;
        let plain: Buffer;
        try {
          const id = Buffer.from(b.key, 'latin1');
          plain = vault.openBlob(bytes.subarray(b.offset - region.offset, b.offset - region.offset + b.length), id, `chunk ${id.toString('hex').slice(0, 12)} in ${region.key}`, { scratch: true });
        } catch (err) {
          failChunk(byChunk, b.key, `damaged data: ${(err as Error).message}`, failJob);
          continue;
        }
        const live = isAllZero(plain) ? [] : targets.filter((t) => !t.job.done).map((t) => ({ file: t.job.id, offset: t.offset }));
        if (live.length > 0) {
          await writer.room(plain.length);
          writer.writeMany(live, plain);
        }
        for (const t of targets) {
          progress.bytesDone += plain.length;
          if (--t.job.remaining === 0 && !t.job.done) completeJob(t.job);
        }
        byChunk.delete(b.key);
        await pause.now();
      }
      writer.send();
      f.release();
      if (opts.onProgress && Date.now() - lastReport > 100) {
        lastReport = Date.now();
        opts.onProgress({ ...progress });
      }
    }
    await writer.end();
    folderFailures = await foldersMade;
    // Every file was completed or failed above, so the write thread answered for each; a file it
    // did not answer for is reported, never silently missing.
    for (const id of writer.unfinished()) result.errors.push({ path: jobs[id].originalPath, message: 'not written: the restore\'s write thread ended before it' });
  } finally {
    fetcher.close();
    // The write thread removes what it created for files never completed (a cancelled restore);
    // should it have stopped itself, this does.
    await writer.end().catch(() => undefined);
    for (const id of writer.unfinished()) rmSync(inDir(jobs[id].dir, jobs[id].tmpName), { force: true });
  }

  // Folder outcomes, reported before the files' (as when folders were made first).
  const folderErrors: { path: string; message: string }[] = [];
  const failedFolders = new Map(folderFailures);
  // Only folders created or verified get their metadata restored at the end.
  const madeDirs: PlannedItem[] = [];
  folders.forEach((f, i) => {
    const why = failedFolders.get(i);
    const isDir = i >= plan.parents.length;
    if (why !== undefined) folderErrors.push({ path: isDir ? (f as PlannedItem).originalPath : path.join(f.base, ...f.rel), message: why });
    else if (isDir) {
      result.dirs++;
      madeDirs.push(f as PlannedItem);
    }
  });
  result.errors.splice(plan.errors.length, 0, ...folderErrors);
  const verified = new Set<string>();

  // 5. Symlinks last (no later write can pass through one), then folder metadata deepest first.
  for (const s of plan.symlinks) {
    guard(result, s.originalPath, () => {
      const dir = safeMkdirs(s.base, s.rel.slice(0, -1), verified);
      let name = s.rel[s.rel.length - 1];
      const ex = existingKind(path.join(dir, name));
      if (ex.kind === 'symlink' && readlinkSync(path.join(dir, name)) === s.node.target) {
        result.skipped++; // the same link is already there
        return;
      }
      if (ex.kind !== 'none') {
        if (conflict === 'skip' || ex.kind === 'dir') {
          result.skipped++;
          return;
        }
        if (conflict === 'overwrite') unlinkSync(path.join(dir, name));
        else name = keepBothName(dir, name, now, existsSync);
      }
      const dest = path.join(dir, name);
      symlinkSync(s.node.target!, dest);
      const t = nsToSeconds(s.node.mtimeNs);
      try {
        lutimesSync(dest, t, t);
      } catch {
        /* not supported everywhere; the link itself is what matters */
      }
      result.symlinks++;
    });
  }
  const dirsDeepestFirst = madeDirs.sort((a, b) => b.rel.length - a.rel.length);
  for (const d of dirsDeepestFirst) {
    guard(result, d.originalPath, () => {
      // Through a descriptor opened without following links: if anything swapped the folder for a
      // symlink meanwhile, this fails instead of changing whatever the link points to.
      const fd = openSync(path.join(d.base, ...d.rel), constants.O_RDONLY | DIRECTORY_FLAG | (constants.O_NOFOLLOW ?? 0));
      try {
        fchmodSync(fd, restorableMode(d.node.mode));
        const t = nsToSeconds(d.node.mtimeNs);
        futimesSync(fd, t, t);
      } finally {
        closeSync(fd);
      }
    });
  }
  opts.onProgress?.({ ...progress });
  return result;
}

/** `dir` joined with one validated name (no separators, not `.` or `..`): no normalising needed. */
function inDir(dir: string, name: string): string {
  return dir.endsWith(path.sep) ? dir + name : dir + path.sep + name;
}

function guard(result: RestoreResult, where: string, fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    result.errors.push({ path: where, message: (err as Error).message });
    return false;
  }
}

function failChunk(byChunk: Map<string, { job: FileJob; offset: number }[]>, key: string, why: string, failJob: (j: FileJob, why: string) => void): void {
  for (const t of byChunk.get(key) ?? []) failJob(t.job, why);
  byChunk.delete(key);
}

interface Region {
  key: string;
  offset: number;
  length: number;
  blobs: { key: string; offset: number; length: number }[];
}

function planRegions(index: ChunkIndex, byChunk: Map<string, unknown>, maxRegion: number): Region[] {
  const byPack = new Map<string, { key: string; offset: number; length: number }[]>();
  for (const k of byChunk.keys()) {
    const loc = index.get(Buffer.from(k, 'latin1'));
    if (!loc) continue;
    const pk = packKey(loc.packKind, loc.packId);
    let list = byPack.get(pk);
    if (!list) byPack.set(pk, (list = []));
    list.push({ key: k, offset: loc.offset, length: loc.length });
  }
  const regions: Region[] = [];
  for (const [pk, blobs] of [...byPack].sort(([a], [b]) => a.localeCompare(b))) {
    blobs.sort((a, b) => a.offset - b.offset);
    let cur: Region | null = null;
    for (const b of blobs) {
      const end = b.offset + b.length;
      if (cur && b.offset - (cur.offset + cur.length) <= MERGE_GAP && end - cur.offset <= maxRegion) {
        cur.length = Math.max(cur.length, end - cur.offset);
        cur.blobs.push(b);
      } else {
        cur = { key: pk, offset: b.offset, length: b.length, blobs: [b] };
        regions.push(cur);
      }
    }
  }
  return regions;
}

const DIRECTORY_FLAG = (constants as { O_DIRECTORY?: number }).O_DIRECTORY ?? 0;

const ZERO = Buffer.alloc(64 * 1024);
function isAllZero(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i += ZERO.length) {
    const end = Math.min(i + ZERO.length, buf.length);
    if (buf.compare(ZERO, 0, end - i, i, end) !== 0) return false;
  }
  return true;
}
