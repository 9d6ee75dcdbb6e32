/**
 * The persistent change journal of one plan: the paths changed since the last good recovery
 * point, so a crash, a reboot or a failed backup never loses the knowledge that something needs
 * protecting. Contract:
 *
 *  - `add` and `markRescan` resolve once the change is durable (write temp + fsync + rename +
 *    fsync of the folder), so nothing reported by the watcher is forgotten by a crash after that.
 *  - `take` returns what is pending with a sequence mark; the caller backs that up and, only after
 *    the point is committed, calls `clear(taken)`. `clear` removes only entries not changed again
 *    since `take` (a path modified during the backup stays), so a crash between the backup and the
 *    clear merely backs the same paths up again.
 *  - A journal that is missing or unreadable opens as "rescan": nothing is known, so everything is
 *    compared with the last point. More than `maxPaths` entries also collapse into a rescan, which
 *    is then cheaper than the list.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../state/atomic-file.js';

export { writeFileAtomic };

export interface PendingChanges {
  /** Changed absolute paths (meaningful only when `rescan` is false). */
  paths: string[];
  /** Everything must be compared: the paths are not known to be complete. */
  rescan: boolean;
  reasons: string[];
  /** Sequence mark for `clear`. */
  upTo: number;
}

interface JournalData {
  format: 'deskvault-change-journal';
  version: 1;
  seq: number;
  /** Sequence at which a rescan was last asked for; 0 when none is pending. */
  rescanSeq: number;
  reasons: string[];
  entries: [string, number][];
}

export const DEFAULT_MAX_JOURNAL_PATHS = 100_000;

export class ChangeJournal {
  private seq = 0;
  private rescanSeq = 0;
  private reasons: string[] = [];
  private readonly entries = new Map<string, number>();
  private chain: Promise<void> = Promise.resolve();
  private version = 0;
  private written = 0;

  private constructor(
    readonly file: string,
    private readonly maxPaths: number,
  ) {}

  static async open(file: string, opts: { maxPaths?: number } = {}): Promise<ChangeJournal> {
    const j = new ChangeJournal(path.resolve(file), opts.maxPaths ?? DEFAULT_MAX_JOURNAL_PATHS);
    await fsp.mkdir(path.dirname(j.file), { recursive: true });
    await removeStaleTemps(j.file);
    let data: JournalData | null = null;
    try {
      data = JSON.parse(await fsp.readFile(j.file, 'utf8')) as JournalData;
      if (data?.format !== 'deskvault-change-journal' || data.version !== 1 || !Array.isArray(data.entries)) data = null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') data = null;
    }
    if (data) {
      j.seq = data.seq;
      j.rescanSeq = data.rescanSeq;
      j.reasons = data.reasons ?? [];
      for (const [p, s] of data.entries) j.entries.set(p, s);
    } else {
      j.seq = 1;
      j.rescanSeq = 1;
      j.reasons = ['no change journal from an earlier run'];
      await j.persist();
    }
    return j;
  }

  get size(): number {
    return this.entries.size;
  }

  get isEmpty(): boolean {
    return this.entries.size === 0 && this.rescanSeq === 0;
  }

  /** Records changed paths; resolves when they are durable. */
  add(paths: Iterable<string>): Promise<void> {
    const s = ++this.seq;
    let any = false;
    for (const p of paths) {
      this.entries.set(p, s);
      any = true;
    }
    if (!any) return this.chain;
    if (this.entries.size > this.maxPaths) {
      this.entries.clear();
      this.requestRescan(`more than ${this.maxPaths} changed paths: a full scan is cheaper`);
    }
    return this.persist();
  }

  /** Asks for a full comparison (watcher trouble, scheduled reconcile); resolves when durable. */
  markRescan(reason: string): Promise<void> {
    this.seq++;
    this.requestRescan(reason);
    return this.persist();
  }

  take(): PendingChanges {
    return { paths: [...this.entries.keys()], rescan: this.rescanSeq > 0, reasons: [...this.reasons], upTo: this.seq };
  }

  /** After the point for `taken` is committed: forgets what it covered and nothing newer. */
  clear(taken: PendingChanges): Promise<void> {
    for (const p of taken.paths) {
      const s = this.entries.get(p);
      if (s !== undefined && s <= taken.upTo) this.entries.delete(p);
    }
    // A rescan covers every path, including ones not in `taken.paths`.
    if (taken.rescan) for (const [p, s] of this.entries) if (s <= taken.upTo) this.entries.delete(p);
    if (taken.rescan && this.rescanSeq <= taken.upTo) {
      this.rescanSeq = 0;
      this.reasons = [];
    }
    return this.persist();
  }

  /** Resolves when every change so far is on disk. */
  flush(): Promise<void> {
    return this.chain;
  }

  private requestRescan(reason: string): void {
    this.rescanSeq = this.seq;
    if (!this.reasons.includes(reason)) this.reasons = [...this.reasons.slice(-9), reason];
  }

  /** Queues a write; writes requested while one runs are folded into the next. */
  private persist(): Promise<void> {
    const wanted = ++this.version;
    const next = this.chain.then(async () => {
      if (this.written >= wanted) return;
      const v = this.version;
      await writeFileAtomic(this.file, JSON.stringify(this.serialize()));
      this.written = v;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  private serialize(): JournalData {
    return { format: 'deskvault-change-journal', version: 1, seq: this.seq, rescanSeq: this.rescanSeq, reasons: this.reasons, entries: [...this.entries] };
  }
}

/** Temp files left by a crash mid-write; the journal itself is whole (the rename never happened). */
async function removeStaleTemps(file: string): Promise<void> {
  const base = `${path.basename(file)}.tmp-`;
  const dir = path.dirname(file);
  for (const name of await fsp.readdir(dir)) {
    if (name.startsWith(base)) await fsp.rm(path.join(dir, name), { force: true });
  }
}
