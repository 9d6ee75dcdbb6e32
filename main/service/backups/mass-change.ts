/**
 * Mass-change detection (USERS.md, "ideas none of them has"): after a backup, does its recovery
 * point look like ransomware encrypting the folder, or a tool gone wrong — a large share of the
 * files rewritten at once? Pure: the point's stats and its parent's in, a finding or null out. The
 * service reacts to a finding (mass-change-guard.ts): a legal hold on the points before it.
 *
 * The rule — every part must hold:
 *  1. there is a parent point: a first backup has nothing to compare with and never fires;
 *  2. `changedFiles` ≥ max(MIN_CHANGED_FILES, CHANGED_SHARE × the parent's `files`): files that
 *     were in the parent at the same path and are now different. 100 files, because a person's
 *     own work (saving a project, a batch photo export, a `git checkout`) changes dozens at a time,
 *     and a folder of fewer than 100 files is never judged; 30 %, because ordinary days change a
 *     few percent of a folder, while ransomware rewrites everything it reaches;
 *  3. the changed files carry new content: `newChunks` ≥ NEW_CHUNKS_PER_CHANGED_FILE × changedFiles.
 *     The engine calls a file changed when its size, mtime, ctime or inode differ, so a `chmod -R`,
 *     a copy of the folder to a new disk, a whole-folder restore, or a FAT drive's mtimes moving
 *     with daylight saving "change" every file without new data. Encrypted files dedupe with
 *     nothing, so each gives at least one new chunk; half a chunk per file leaves room for files
 *     that really are identical (empty files, the same file twice).
 *
 * Files replaced under another name count as changed: ransomware that writes `x.doc.locked` and
 * deletes `x.doc` leaves new files and deleted ones, not changed ones. The engine does not count
 * deletions, but they follow from its counts: the new point has the parent's files, less the
 * deleted, plus the new (`files = parent.files − deleted + newFiles`, in a full walk and in a
 * changed-paths backup alike), so `deleted = parent.files + newFiles − files`, and
 * min(newFiles, deleted) files were replaced. Rule 3 then tells a move from an encryption: a
 * moved or renamed folder's files are new files whose content the vault already has (no new
 * chunks), an encrypted copy's are not. New files that replace nothing (an import) never count.
 *
 * What is deliberately not counted: files zeroed in place at the same size (few new chunks): rule
 * 3 takes them for metadata. A big clean-out and an unrelated import of as many new files in one
 * backup looks like replacement (a false alarm costs a hold a person releases).
 *
 * Changed-paths (continuous) backups: the engine carries `files` over from the parent and adjusts
 * it, and counts `changedFiles` and `newChunks` for what it visits — the same meaning as a full
 * walk, so the same rule applies; `unchangedFiles` is derived there (files − new − changed) and is
 * not used. A continuous plan makes a point at least every minute while changes keep coming, so
 * an encryption spread over many points may stay under the share in each: the service also applies
 * this rule to the last hour of a plan's points as a whole (mass-change-guard.ts, guardAgainstSpreadMassChange).
 *
 * Evidence only, never a trigger: `incompressible` when the backup read at least
 * MIN_BYTES_FOR_COMPRESSION_EVIDENCE and stored at least INCOMPRESSIBLE_SHARE of it (neither
 * deduplication nor compression helped — as with encrypted data). The parent's compression is not
 * known (its `storedBytes` is only what it added), so this is not compared with it.
 */

/** The stats the rule reads (a subset of the engine's PointStats). */
export interface MassChangeStats {
  files: number;
  newFiles: number;
  changedFiles: number;
  newChunks: number;
  storedBytes: number;
}

export interface MassChangeInput {
  point: MassChangeStats;
  /** The parent point's stats; null for a first backup. */
  parent: Pick<MassChangeStats, 'files'> | null;
  /** Bytes the backup read from files (the engine's `scan.bytesRead`), when known. */
  bytesRead?: number;
}

export interface MassChange {
  /** Files rewritten in place plus files replaced by new ones under other names. */
  changedFiles: number;
  /** Of `changedFiles`, those replaced by new files (a deleted file's place taken by a new one). */
  replacedFiles: number;
  /** The parent's file count, which the share is of. */
  ofFiles: number;
  /** changedFiles / ofFiles, 0..1. */
  share: number;
  /** The new data did not compress or dedupe (see the module comment). */
  incompressible: boolean;
}

export const MIN_CHANGED_FILES = 100;
export const CHANGED_SHARE = 0.3;
export const NEW_CHUNKS_PER_CHANGED_FILE = 0.5;
export const INCOMPRESSIBLE_SHARE = 0.9;
export const MIN_BYTES_FOR_COMPRESSION_EVIDENCE = 64 * 1024;

/** The changed files it takes to fire, for a parent with `parentFiles` files. */
export function massChangeThreshold(parentFiles: number): number {
  return Math.max(MIN_CHANGED_FILES, Math.ceil(CHANGED_SHARE * parentFiles));
}

export function detectMassChange(input: MassChangeInput): MassChange | null {
  const { point, parent } = input;
  if (!parent || parent.files <= 0) return null;
  const deleted = Math.max(0, parent.files + point.newFiles - point.files);
  const replaced = Math.min(point.newFiles, deleted);
  const changed = point.changedFiles + replaced;
  if (changed < massChangeThreshold(parent.files)) return null;
  if (point.newChunks < NEW_CHUNKS_PER_CHANGED_FILE * changed) return null;
  const read = input.bytesRead ?? 0;
  return {
    changedFiles: changed,
    replacedFiles: replaced,
    ofFiles: parent.files,
    share: Math.min(1, changed / parent.files),
    incompressible: read >= MIN_BYTES_FOR_COMPRESSION_EVIDENCE && point.storedBytes >= INCOMPRESSIBLE_SHARE * read,
  };
}

/** "150 of 160 files changed at once (94 %; the new data does not compress, as encrypted data does)". */
export function massChangeSummary(m: MassChange): string {
  const evidence = m.incompressible ? '; the new data does not compress, as encrypted data does' : '';
  const replaced = m.replacedFiles > 0 ? `${m.replacedFiles} of them replaced by new files under other names; ` : '';
  return `${m.changedFiles} of ${m.ofFiles} files changed at once (${replaced}${Math.round(m.share * 100)} %${evidence})`;
}
