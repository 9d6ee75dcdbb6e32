/**
 * The restore's file writes, on a worker thread of their own. Creating, writing, closing and
 * renaming tens of thousands of files is mostly kernel time; on the main thread it took turns with
 * downloading, decrypting and decompressing. Here it runs beside them, on the other core.
 *
 * Each file is first a hidden temporary file, created at its first write (never following a link,
 * never reusing a name) and sized with ftruncate, so all-zero chunks need no write and sparse files
 * stay sparse. When the main thread says a file is complete, its mode and mtime are set through the
 * descriptor and it is renamed into place; a file that fails is removed and reported, so wrong bytes
 * never appear under a real name. At most MAX_OPEN_FILES descriptors are open (least recently used
 * closed first: files whose chunks are spread over many packs).
 *
 * Protocol: the main thread sends the file list once, then batches — an arena (ArrayBuffer,
 * transferred, not copied) holding decrypted chunks, and operations on it: write bytes of the arena
 * at an offset of a file, complete a file, fail a file (a chunk missing or damaged). The worker
 * handles a batch synchronously and sends the arena back with the files finished (in place, or
 * failed and why). Batches are handled in order, so a file's writes always precede its completion.
 * The worker is the one authority on what ended up in place.
 *
 * The thread runs `writerThread` from its source text (`eval`), so the same code runs from the
 * compiled build, from the test runner's TypeScript and from an Electron archive, with no separate
 * script file to find. It must therefore not use anything from this module's scope.
 */
import { Worker } from 'node:worker_threads';

export interface WriterFile {
  /** The folder both paths are in: a file is created only once this folder is known to be safe. */
  dir: string;
  tmpPath: string;
  finalPath: string;
  size: number;
  /** Permission bits to set (already restorable: no setuid/setgid). */
  mode: number;
  /** mtime and atime to set, in seconds. */
  mtime: number;
}

/** Operations, five numbers each: op, file, arena offset (for a failure: its reason), length, file offset. */
const OP_WRITE = 1;
const OP_COMPLETE = 2;
const OP_FAIL = 3;

type ToWorker =
  | { type: 'files'; files: WriterFile[]; arenas: SharedArrayBuffer; arenaBytes: number }
  // arena -1: no writes in this batch (only completions and failures)
  | { type: 'batch'; arena: number; ops: Float64Array; reasons: string[] }
  | { type: 'folders'; folders: WriterFolder[]; bases: string[] }
  | { type: 'end' };
type FromWorker =
  | { type: 'results'; arena: number; placed: number[]; failed: [number, string][] }
  | { type: 'folders'; failed: [number, string][] }
  | { type: 'ended'; failed: [number, string][] };

/** A folder to make below a base the person chose: one validated name per component. */
export interface WriterFolder {
  base: string;
  rel: readonly string[];
}

/** The worker's body. Self-contained: it runs from its source text in the worker (numbers as OP_*). */
export function writerThread(): void {
  const { parentPort } = process.getBuiltinModule('node:worker_threads');
  const fs = process.getBuiltinModule('node:fs');
  const path = process.getBuiltinModule('node:path');
  const MAX_OPEN_FILES = 256;
  const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
  const CREATE = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | NOFOLLOW;
  const REOPEN = fs.constants.O_WRONLY | NOFOLLOW;
  /** A file whose folder could not be made safely: reported with the folder's reason. */
  class FolderError extends Error {}
  let files: WriterFile[] = [];
  const arenas: Uint8Array[] = [];
  let created = new Uint8Array(0);
  let finished = new Uint8Array(0);
  const open = new Map<number, number>(); // file → descriptor, least recently used first
  // Folders made or checked (files are created only in these), and why others could not be.
  const safe = new Set<string>();
  const unsafe = new Map<string, string>();

  /**
   * Makes base/rel one component at a time; an existing component must be a real folder, never
   * a symbolic link, so nothing planted can redirect a write (as safeMkdirs in safe-fs.ts).
   */
  const makeFolder = (base: string, rel: readonly string[]): void => {
    let dir = base;
    for (const c of rel) {
      dir = path.join(dir, c);
      if (safe.has(dir)) continue;
      const known = unsafe.get(dir);
      if (known !== undefined) throw new Error(known);
      const st = fs.lstatSync(dir, { throwIfNoEntry: false });
      let why: string | null = null;
      if (!st) fs.mkdirSync(dir, { mode: 0o700 });
      else if (st.isSymbolicLink()) why = `refusing to restore through the symbolic link ${dir}`;
      else if (!st.isDirectory()) why = `${dir} exists and is not a folder`;
      if (why !== null) {
        unsafe.set(dir, why);
        throw new Error(why);
      }
      safe.add(dir);
    }
  };

  const descriptor = (f: number): number => {
    const fd = open.get(f);
    if (fd !== undefined) {
      open.delete(f);
      open.set(f, fd);
      return fd;
    }
    if (open.size >= MAX_OPEN_FILES) {
      const [oldest, ofd] = open.entries().next().value as [number, number];
      open.delete(oldest);
      fs.closeSync(ofd);
    }
    let nfd: number;
    if (created[f]) nfd = fs.openSync(files[f].tmpPath, REOPEN);
    else {
      if (!safe.has(files[f].dir)) throw new FolderError(unsafe.get(files[f].dir) ?? `${files[f].dir} was not prepared for restoring into`);
      nfd = fs.openSync(files[f].tmpPath, CREATE, 0o600);
      created[f] = 1;
      if (files[f].size > 0) fs.ftruncateSync(nfd, files[f].size);
    }
    open.set(f, nfd);
    return nfd;
  };
  const closeFile = (f: number): void => {
    const fd = open.get(f);
    if (fd === undefined) return;
    open.delete(f);
    fs.closeSync(fd);
  };
  const discard = (f: number, why: string, failed: [number, string][]): void => {
    finished[f] = 1;
    try {
      closeFile(f);
    } catch {
      // the file goes anyway
    }
    if (created[f]) fs.rmSync(files[f].tmpPath, { force: true });
    failed.push([f, why]);
  };
  const complete = (f: number, placed: number[], failed: [number, string][]): void => {
    try {
      // Metadata through the open descriptor: no further path lookups on the temporary name.
      const fd = descriptor(f);
      fs.fchmodSync(fd, files[f].mode);
      fs.futimesSync(fd, files[f].mtime, files[f].mtime);
      closeFile(f);
      fs.renameSync(files[f].tmpPath, files[f].finalPath);
      finished[f] = 1;
      placed.push(f);
    } catch (err) {
      discard(f, (err as Error).message, failed);
    }
  };

  parentPort!.on('message', (m: ToWorker) => {
    if (m.type === 'files') {
      files = m.files;
      for (let at = 0; at < m.arenas.byteLength; at += m.arenaBytes) arenas.push(new Uint8Array(m.arenas, at, m.arenaBytes));
      created = new Uint8Array(files.length);
      finished = new Uint8Array(files.length);
      return;
    }
    const failed: [number, string][] = [];
    if (m.type === 'folders') {
      for (const b of m.bases) safe.add(path.join(b));
      m.folders.forEach((d, i) => {
        try {
          makeFolder(d.base, d.rel);
        } catch (err) {
          // Missing rights and the like are remembered too: nothing below such a folder is tried.
          const why = (err as Error).message;
          unsafe.set(path.join(d.base, ...d.rel), why);
          failed.push([i, why]);
        }
      });
      parentPort!.postMessage({ type: 'folders', failed } satisfies FromWorker);
      return;
    }
    if (m.type === 'end') {
      // Files never completed (a cancelled restore): close and remove them.
      for (const f of [...open.keys()]) closeFile(f);
      for (let f = 0; f < files.length; f++) if (created[f] && !finished[f]) fs.rmSync(files[f].tmpPath, { force: true });
      parentPort!.postMessage({ type: 'ended', failed } satisfies FromWorker);
      return;
    }
    const placed: number[] = [];
    const bytes = arenas[m.arena];
    const ops = m.ops;
    for (let i = 0; i < ops.length; i += 5) {
      const f = ops[i + 1];
      if (finished[f]) continue;
      if (ops[i] === 1) {
        const at = ops[i + 2];
        const length = ops[i + 3];
        const position = ops[i + 4];
        try {
          const fd = descriptor(f);
          let w = 0;
          while (w < length) w += fs.writeSync(fd, bytes, at + w, length - w, position + w);
        } catch (err) {
          discard(f, err instanceof FolderError ? err.message : `cannot write: ${(err as Error).message}`, failed);
        }
      } else if (ops[i] === 2) complete(f, placed, failed);
      else discard(f, m.reasons[ops[i + 2]], failed);
    }
    parentPort!.postMessage({ type: 'results', arena: m.arena, placed, failed } satisfies FromWorker);
  });
}

/**
 * The main thread's side: collects operations into arenas and hands them over, at most
 * `arenas` at a time (memory: arenas × arenaBytes); `room()` waits for a free arena.
 */
export class WriteThread {
  private readonly worker: Worker;
  /** Arena numbers not in the worker's hands (the one being filled is `current`). */
  private readonly free: number[] = [];
  private readonly arenas: Uint8Array[] = [];
  private current = -1;
  private arena: Uint8Array = new Uint8Array(0);
  private used = 0;
  private ops: number[] = [];
  private reasons: string[] = [];
  private waiters: (() => void)[] = [];
  private ended: Promise<void> | null = null;
  private crashed: Error | null = null;
  private onEnded: (() => void) | null = null;
  private onFolders: ((failed: [number, string][]) => void) | null = null;
  private readonly open: Set<number>;

  /**
   * `onResult` is called once per file: null when it is in place, else why it is not. Files never
   * completed nor failed before end() get no call (the caller knows them).
   */
  constructor(
    files: WriterFile[],
    private readonly onResult: (file: number, error: string | null) => void,
    private readonly arenaBytes: number,
    arenas: number,
  ) {
    // Not unref()'d: while a restore waits for it, the worker is what keeps the process alive.
    this.worker = new Worker(`(${writerThread.toString()})()`, { eval: true });
    this.open = new Set(files.keys());
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'folders') {
        this.onFolders?.(m.failed);
        return;
      }
      for (const f of m.type === 'results' ? m.placed : []) this.report(f, null);
      for (const [f, why] of m.failed) this.report(f, why);
      if (m.type === 'ended') this.onEnded?.();
      else if (m.arena >= 0) this.free.push(m.arena);
      this.wake();
    });
    this.worker.on('error', (err) => {
      this.crashed = err;
      this.wake();
    });
    // One shared block for all arenas, allocated once: arenas handed back and forth as numbers
    // (transferring ArrayBuffers instead made V8 count new external memory for each batch and run
    // extra full collections of the whole heap).
    const shared = new SharedArrayBuffer(arenaBytes * arenas);
    for (let i = 0; i < arenas; i++) {
      this.arenas.push(new Uint8Array(shared, i * arenaBytes, arenaBytes));
      this.free.push(i);
    }
    this.worker.postMessage({ type: 'files', files, arenas: shared, arenaBytes } satisfies ToWorker);
  }

  /**
   * Has the folders made (in this order, before any file is created), each below its base; the
   * bases themselves already exist. Resolves with the folders that could not be made and why.
   * A file is created only in a folder made here or in a base.
   */
  makeFolders(folders: WriterFolder[], bases: string[]): Promise<[number, string][]> {
    const answer = new Promise<[number, string][]>((resolve, reject) => {
      this.onFolders = resolve;
      this.worker.once('error', reject);
    });
    this.worker.postMessage({ type: 'folders', folders, bases } satisfies ToWorker);
    return answer;
  }

  /** Writes `bytes` (null: all zeros, nothing to write) at `offset` of a file; call room() first. */
  write(file: number, bytes: Buffer | null, offset: number): void {
    if (!bytes) return;
    if (this.used + bytes.length > this.arena.length) throw new Error('WriteThread: no room; await room() first');
    this.arena.set(bytes, this.used);
    this.ops.push(OP_WRITE, file, this.used, bytes.length, offset);
    this.used += bytes.length;
  }

  /** Writes one chunk to several places with one copy of its bytes. */
  writeMany(targets: readonly { file: number; offset: number }[], bytes: Buffer | null): void {
    if (!bytes || targets.length === 0) return;
    const at = this.used;
    this.write(targets[0].file, bytes, targets[0].offset);
    for (let i = 1; i < targets.length; i++) this.ops.push(OP_WRITE, targets[i].file, at, bytes.length, targets[i].offset);
  }

  complete(file: number): void {
    this.ops.push(OP_COMPLETE, file, 0, 0, 0);
  }

  fail(file: number, why: string): void {
    this.ops.push(OP_FAIL, file, this.reasons.length, 0, 0);
    this.reasons.push(why);
  }

  /** Waits until `bytes` more fit into the current arena (sending it, and waiting for a free one, if not). */
  async room(bytes: number): Promise<void> {
    if (this.used + bytes <= this.arena.length) return;
    if (bytes > this.arenaBytes) throw new Error(`WriteThread: a chunk of ${bytes} bytes is larger than an arena`);
    this.send();
    while (this.free.length === 0) {
      this.throwIfCrashed();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.current = this.free.pop()!;
    this.arena = this.arenas[this.current];
  }

  /** Hands over what was collected (if anything) without waiting. */
  send(): void {
    this.throwIfCrashed();
    if (this.ops.length === 0) return;
    this.worker.postMessage({ type: 'batch', arena: this.current, ops: Float64Array.from(this.ops), reasons: this.reasons } satisfies ToWorker);
    this.ops = [];
    this.reasons = [];
    this.used = 0;
    this.current = -1;
    this.arena = new Uint8Array(0);
  }

  /**
   * Sends what is left, lets the worker finish every batch, close its files and remove the
   * temporary files of files never completed, and stops it. Safe to call more than once.
   */
  end(): Promise<void> {
    this.ended ??= (async () => {
      if (!this.crashed) {
        this.send();
        const ended = new Promise<void>((resolve) => (this.onEnded = resolve));
        this.worker.postMessage({ type: 'end' } satisfies ToWorker);
        await Promise.race([ended, new Promise<void>((resolve) => this.worker.once('error', () => resolve()))]);
      }
      await this.worker.terminate();
      this.throwIfCrashed();
    })();
    return this.ended;
  }

  /** Files neither placed nor failed yet. */
  unfinished(): number[] {
    return [...this.open];
  }

  private report(file: number, error: string | null): void {
    if (!this.open.delete(file)) return;
    this.onResult(file, error);
  }

  private throwIfCrashed(): void {
    if (this.crashed) throw new Error(`the restore's write thread stopped: ${this.crashed.message}`);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }
}
