/**
 * Which files deleted from the computer lose their last backup copy when some recovery points are
 * deleted — so lifecycle can warn before that happens, not after (a vanished file purged silently
 * from backup is how people lose data they thought was kept).
 *
 * The question answered is "will the person still be able to get this file back after the
 * deletion?". A file (a path in a doomed point) counts when ALL of these hold:
 *  - no staying point has that path (any version: an older or newer version is still a copy);
 *  - no staying point has its content under any path (a moved, renamed or duplicated file can
 *    still be restored);
 *  - it does not exist at its original path on the computer now (`existsNow`): a file that is
 *    still there — the same or not — is not "deleted from this computer".
 * Only regular files count (folders and symlinks carry no data of their own). A path is counted
 * once however many doomed points hold it; its size is that of its last version seen, and it is
 * lost when the LAST doomed point holding it is deleted, so `earliestLostAt` is the earliest of
 * those dates over the counted files.
 *
 * Cost: one pass over the doomed points' files (a map of candidate paths and contents), one pass
 * over the staying points' files that only deletes from it and stops once it is empty, then
 * `existsNow` for the remaining candidates only — O(entries of the points involved), no I/O per
 * file that a staying point still holds.
 *
 * Pure; the caller enumerates files (the catalog, without reading data) and checks the disk.
 */

export interface PointFile {
  /** Original absolute path, e.g. `/home/a/x.doc`. */
  path: string;
  /** Identity of the content (the catalog's content id); equal ids mean equal content. */
  contentId: string;
  size: number;
}

export interface DoomedPoint {
  id: string;
  /** When it is (or was) deleted, ISO 8601. */
  deleteAt: string;
  planName?: string;
}

export interface LastCopiesInput {
  /** The points deleted by the horizon of the question. */
  doomed: readonly DoomedPoint[];
  /** The points that stay (ids). */
  staying: readonly string[];
  /** A point's files; a point the caller cannot enumerate yields nothing. */
  filesOf: (pointId: string) => Iterable<PointFile>;
  /** Whether something exists at this path on the computer now. */
  existsNow: (path: string) => boolean;
  /** How many example paths to return (default 5). */
  maxExamples?: number;
}

export interface LastCopies {
  count: number;
  bytes: number;
  /** Up to `maxExamples` counted paths, sorted. */
  examples: string[];
  /** The earliest date a counted file loses its last copy, or null when none counts. */
  earliestLostAt: string | null;
  /** Plans whose points hold counted files, sorted (points of no plan add none). */
  planNames: string[];
  /** Identifies the set of counted paths (order-independent), to tell a new finding from one already announced. */
  key: string;
}

interface Candidate {
  /** The content ids of the path's versions in the doomed points. */
  contents: Set<string>;
  size: number;
  lostAt: string;
  plans: Set<string>;
}

export function findLastCopies(input: LastCopiesInput): LastCopies {
  const candidates = new Map<string, Candidate>();
  const byContent = new Map<string, string[]>();
  for (const point of input.doomed) {
    const at = Date.parse(point.deleteAt);
    for (const f of input.filesOf(point.id)) {
      let c = candidates.get(f.path);
      if (!c) candidates.set(f.path, (c = { contents: new Set(), size: f.size, lostAt: point.deleteAt, plans: new Set() }));
      if (!c.contents.has(f.contentId)) {
        c.contents.add(f.contentId);
        const paths = byContent.get(f.contentId);
        if (paths) paths.push(f.path);
        else byContent.set(f.contentId, [f.path]);
      }
      c.size = f.size;
      if (at > Date.parse(c.lostAt)) c.lostAt = point.deleteAt;
      if (point.planName) c.plans.add(point.planName);
    }
  }
  // Anything a staying point holds — the path, or one of its contents anywhere — can be restored.
  // Each candidate and each content is removed at most once, and the walk stops when none is left.
  for (const id of input.staying) {
    if (candidates.size === 0) break;
    for (const f of input.filesOf(id)) {
      candidates.delete(f.path);
      const paths = byContent.get(f.contentId);
      if (paths) {
        for (const p of paths) candidates.delete(p);
        byContent.delete(f.contentId);
      }
      if (candidates.size === 0) break;
    }
  }
  for (const p of [...candidates.keys()]) if (input.existsNow(p)) candidates.delete(p);
  return summarize(candidates, input.maxExamples ?? 5);
}

function summarize(lost: Map<string, Candidate>, maxExamples: number): LastCopies {
  let bytes = 0;
  let earliest: string | null = null;
  const plans = new Set<string>();
  let h1 = 0;
  let h2 = 0;
  for (const [p, c] of lost) {
    bytes += c.size;
    if (earliest === null || Date.parse(c.lostAt) < Date.parse(earliest)) earliest = c.lostAt;
    for (const n of c.plans) plans.add(n);
    const h = fnv1a(p);
    h1 = (h1 ^ h) >>> 0;
    h2 = (h2 + h) >>> 0;
  }
  const examples = [...lost.keys()].sort().slice(0, Math.max(0, maxExamples));
  return { count: lost.size, bytes, examples, earliestLostAt: earliest, planNames: [...plans].sort(), key: lost.size === 0 ? '' : `${lost.size}-${h1.toString(16)}-${h2.toString(16)}` };
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
