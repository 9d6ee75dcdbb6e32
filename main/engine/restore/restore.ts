/**
 * Restore, planned by pack: every file is created as a hidden temporary file first, then each pack
 * region holding needed chunks is fetched once (several in parallel), every chunk is authenticated
 * and written to every place that needs it, out of order. A file is renamed into place only when
 * all its chunks arrived, so a damaged chunk never leaves wrong bytes under a real name: the files
 * it affects are reported by name and everything else restores. All-zero chunks are not written
 * (the file was sized with ftruncate), which keeps sparse files sparse.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, fchmodSync, ftruncateSync, futimesSync, lutimesSync, mkdirSync, openSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { DeskVaultError } from '../../core/errors.js';
import type { ChunkIndex } from '../repo/chunk-index.js';
import { packKey } from '../repo/pack-format.js';
import type { RecoveryPoint } from '../repo/point.js';
import type { Vault } from '../repo/vault.js';
import { mapLimit } from '../util/map-limit.js';
import { planRestore, type PlannedItem, type RestoreMode } from './restore-plan.js';
import { existingKind, keepBothName, NEW_FILE_FLAGS, safeMkdirs } from './safe-fs.js';

export type ConflictPolicy = 'skip' | 'overwrite' | 'keep-both';

export interface RestoreOptions {
  point: RecoveryPoint;
  paths?: string[];
  mode: RestoreMode;
  conflict?: ConflictPolicy;
  dryRun?: boolean;
  /** Pack regions fetched at once: 4 keeps a local disk busy; object stores want more. */
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

interface FileJob {
  item: PlannedItem;
  dir: string;
  finalName: string;
  tmpPath: string;
  size: number;
  remaining: number;
  failed: string | null;
  done: boolean;
  /** The temporary file exists (created at the first chunk, sized with ftruncate). */
  created: boolean;
}

/**
 * Region reads are merged when blobs are this close, up to a region size: 8 MiB on a local disk
 * (memory), a whole pack on an object store, where every request costs time and money.
 */
const MERGE_GAP = 256 * 1024;
const LOCAL_REGION = 8 * 1024 * 1024;
const MAX_OPEN_FILES = 256;

export async function restore(vault: Vault, index: ChunkIndex, opts: RestoreOptions): Promise<RestoreResult> {
  const conflict = opts.conflict ?? 'keep-both';
  const now = (opts.now ?? (() => new Date()))();
  const plan = await planRestore(vault, index, opts.point, opts.paths ?? [], opts.mode);
  const result: RestoreResult = { files: 0, dirs: 0, symlinks: 0, bytes: 0, skipped: 0, entries: [], errors: [...plan.errors], dryRun: !!opts.dryRun };

  // 1. Decide what happens to each file (conflicts), without writing.
  const decisions: { item: PlannedItem; dir: string; action: RestoreAction; finalName: string }[] = [];
  for (const item of plan.files) {
    const dir = path.join(item.base, ...item.rel.slice(0, -1));
    const name = item.rel[item.rel.length - 1];
    const dest = path.join(dir, name);
    const ex = existingKind(dest);
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

  // 2. Folders (safely); files are created lazily, at their first chunk, to keep one open per file.
  const verified = new Set<string>();
  // The target folder itself is the person's choice: create it if needed.
  for (const base of new Set([...plan.dirs, ...plan.files, ...plan.symlinks].map((i) => i.base))) mkdirSync(base, { recursive: true });
  for (const p of plan.parents) guard(result, path.join(p.base, ...p.rel), () => safeMkdirs(p.base, p.rel, verified));
  // Only folders created or verified here get their metadata restored at the end.
  const madeDirs: PlannedItem[] = [];
  for (const d of plan.dirs) {
    if (guard(result, d.originalPath, () => safeMkdirs(d.base, d.rel, verified))) {
      result.dirs++;
      madeDirs.push(d);
    }
  }
  const jobs: FileJob[] = [];
  const tmpTag = randomBytes(6).toString('hex');
  let tmpSeq = 0;
  const byChunk = new Map<string, { job: FileJob; offset: number }[]>();
  for (const d of decisions) {
    if (d.action.startsWith('skip')) {
      result.skipped++;
      continue;
    }
    const ok = guard(result, d.item.originalPath, () => {
      safeMkdirs(d.item.base, d.item.rel.slice(0, -1), verified);
      const job: FileJob = {
        item: d.item,
        dir: d.dir,
        finalName: d.finalName,
        tmpPath: path.join(d.dir, `.dvrestore-${tmpTag}-${tmpSeq++}`),
        size: d.item.node.size ?? 0,
        remaining: 0,
        failed: null,
        done: false,
        created: false,
      };
      let offset = 0;
      for (const c of d.item.node.chunks ?? []) {
        const key = Buffer.from(c, 'hex').toString('latin1');
        let list = byChunk.get(key);
        if (!list) byChunk.set(key, (list = []));
        list.push({ job, offset });
        job.remaining++;
        const loc = index.get(Buffer.from(c, 'hex'));
        offset += loc ? loc.rawLength : 0;
      }
      jobs.push(job);
    });
    if (!ok) continue;
  }

  // 3. Fetch by pack region, in parallel; write chunks wherever they go.
  const fds = new FdCache();
  const progress: RestoreProgress = { filesDone: 0, filesTotal: jobs.length, bytesDone: 0, bytesTotal: jobs.reduce((a, j) => a + j.size, 0) };
  const finishJob = (job: FileJob): void => {
    if (job.done) return;
    job.done = true;
    if (job.failed) {
      fds.close(job);
      if (job.created) rmSync(job.tmpPath, { force: true });
      result.errors.push({ path: job.item.originalPath, message: job.failed });
      return;
    }
    try {
      const node = job.item.node;
      // Metadata through the open descriptor: no further path lookups on the temporary name.
      const fd = fds.get(job);
      fchmodSync(fd, restorableMode(node.mode));
      const t = nsToSeconds(node.mtimeNs);
      futimesSync(fd, t, t);
      fds.close(job);
      renameSync(job.tmpPath, path.join(job.dir, job.finalName));
      result.files++;
      result.bytes += job.size;
      progress.filesDone++;
    } catch (err) {
      fds.close(job);
      rmSync(job.tmpPath, { force: true });
      result.errors.push({ path: job.item.originalPath, message: (err as Error).message });
    }
  };
  for (const job of jobs) if (job.remaining === 0) finishJob(job);

  const remote = vault.store.properties.kind !== 'local';
  const maxRegion = remote ? 2 * vault.config.packSize : LOCAL_REGION;
  const regions = planRegions(index, byChunk, maxRegion);
  const missing = [...byChunk.keys()].filter((k) => !index.get(Buffer.from(k, 'latin1')));
  for (const k of missing) failChunk(byChunk, k, `chunk ${Buffer.from(k, 'latin1').toString('hex').slice(0, 12)} is missing from the vault index`, finishJob);

  let lastReport = 0;
  // One reused read buffer per region in flight: fresh multi-MiB buffers per region cost page
  // faults and let garbage pile up (peak RSS).
  const regionBuffers: Buffer[] = [];
  try {
    await mapLimit(regions, opts.concurrency ?? 4, async (region) => {
      if (opts.signal?.aborted) throw new DeskVaultError('CANCELLED', 'restore cancelled', {});
      let bytes: Buffer;
      const buffer = regionBuffers.pop() ?? Buffer.allocUnsafe(maxRegion);
      try {
        bytes = await vault.store.get(region.key, { offset: region.offset, length: region.length }, buffer);
      } catch (err) {
        regionBuffers.push(buffer);
        for (const b of region.blobs) failChunk(byChunk, b.key, `${region.key} cannot be read: ${(err as Error).message}`, finishJob);
        return;
      }
      for (const b of region.blobs) {
        const targets = byChunk.get(b.key);
        if (!targets) continue;
        let plain: Buffer;
        try {
          const id = Buffer.from(b.key, 'latin1');
          plain = vault.openBlob(bytes.subarray(b.offset - region.offset, b.offset - region.offset + b.length), id, `chunk ${id.toString('hex').slice(0, 12)} in ${region.key}`, { scratch: true });
        } catch (err) {
          failChunk(byChunk, b.key, `damaged data: ${(err as Error).message}`, finishJob);
          continue;
        }
        const zero = isAllZero(plain);
        for (const t of targets) {
          if (t.job.failed || t.job.done) continue;
          try {
            const fd = fds.get(t.job);
            if (!zero) {
              let w = 0;
              while (w < plain.length) w += writeSync(fd, plain, w, plain.length - w, t.offset + w);
            }
          } catch (err) {
            t.job.failed = `cannot write: ${(err as Error).message}`;
          }
          progress.bytesDone += plain.length;
          if (--t.job.remaining === 0 || t.job.failed) finishJob(t.job);
        }
        byChunk.delete(b.key);
      }
      regionBuffers.push(buffer);
      if (opts.onProgress && Date.now() - lastReport > 100) {
        lastReport = Date.now();
        opts.onProgress({ ...progress });
      }
    });
  } finally {
    fds.closeAll();
    // Jobs still open here were cancelled or failed mid-way: leave no temporary files behind.
    for (const job of jobs) {
      if (job.done) continue;
      job.done = true;
      if (job.created) rmSync(job.tmpPath, { force: true });
    }
  }

  // 4. Symlinks last (no later write can pass through one), then folder metadata deepest first.
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

function guard(result: RestoreResult, where: string, fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    result.errors.push({ path: where, message: (err as Error).message });
    return false;
  }
}

function failChunk(byChunk: Map<string, { job: FileJob; offset: number }[]>, key: string, why: string, finishJob: (j: FileJob) => void): void {
  for (const t of byChunk.get(key) ?? []) {
    if (!t.job.failed) t.job.failed = why;
    finishJob(t.job);
  }
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

/** Permission bits restored; setuid/setgid are dropped so a restore cannot plant privileged files. */
function restorableMode(mode: number): number {
  return mode & 0o1777;
}

/**
 * utimes takes seconds as a double and the kernel call truncates it to microseconds; aiming at the
 * middle of the microsecond makes the truncation land on the right one.
 */
function nsToSeconds(ns: string): number {
  const n = BigInt(ns);
  const sec = n / 1_000_000_000n;
  const us = (n - sec * 1_000_000_000n) / 1000n;
  return Number(sec) + (Number(us) + 0.5) / 1e6;
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

/**
 * A small LRU of open descriptors for the temporary files being filled. The first get() of a job
 * creates its file (never following a link, never reusing an existing name) and sizes it.
 */
class FdCache {
  private readonly fds = new Map<FileJob, number>();

  get(job: FileJob): number {
    const fd = this.fds.get(job);
    if (fd !== undefined) {
      this.fds.delete(job);
      this.fds.set(job, fd);
      return fd;
    }
    if (this.fds.size >= MAX_OPEN_FILES) {
      const [oldest, ofd] = this.fds.entries().next().value as [FileJob, number];
      closeSync(ofd);
      this.fds.delete(oldest);
    }
    let nfd: number;
    if (job.created) nfd = openSync(job.tmpPath, constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0));
    else {
      nfd = openSync(job.tmpPath, NEW_FILE_FLAGS, 0o600);
      job.created = true;
      if (job.size > 0) ftruncateSync(nfd, job.size);
    }
    this.fds.set(job, nfd);
    return nfd;
  }

  close(job: FileJob): void {
    const fd = this.fds.get(job);
    if (fd !== undefined) {
      closeSync(fd);
      this.fds.delete(job);
    }
  }

  closeAll(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }
}
