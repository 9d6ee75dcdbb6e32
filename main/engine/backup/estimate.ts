/**
 * A quick count of files and bytes a backup will visit, for the progress bar's percentage and ETA.
 * Bounded by a time budget: on a huge tree it gives up (returns null) rather than delay the backup.
 */
import { lstatSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { PathMatcher } from '../match/path-matcher.js';

export function estimateTotals(paths: string[], matcher: PathMatcher | undefined, budgetMs: number): { files: number; bytes: number } | null {
  const deadline = Date.now() + budgetMs;
  let files = 0;
  let bytes = 0;
  const stack = paths.map((p) => path.resolve(p));
  let n = 0;
  while (stack.length > 0) {
    if ((++n & 255) === 0 && Date.now() > deadline) return null;
    const p = stack.pop()!;
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue;
    }
    if (matcher?.excludes(p, st.isDirectory())) continue;
    if (st.isDirectory()) {
      try {
        for (const name of readdirSync(p)) stack.push(path.join(p, name));
      } catch {
        /* unreadable: the backup reports it */
      }
    } else if (st.isFile()) {
      files++;
      bytes += st.size;
    }
  }
  return { files, bytes };
}
