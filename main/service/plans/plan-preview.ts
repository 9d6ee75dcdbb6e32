/**
 * "What will this plan protect?" for the plan editor's live preview: walks the folders with the
 * plan's patterns (the same matcher the backup and the watcher use) and counts what is included
 * and what is excluded, with a few examples of excluded paths and the pattern that excluded each.
 * Bounded by a time budget: on a huge tree the answer says it is incomplete instead of hanging.
 */
import { lstatSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { ApiResults } from '../../core/api.js';
import type { Resource } from '../../core/model.js';
import { createPathMatcher } from '../../engine/index.js';
import { planPatterns } from '../backups/plan-patterns.js';

const MAX_EXAMPLES = 20;

export function previewPlan(resources: Resource[], budgetMs: number, now: () => number = Date.now): ApiResults['plans.preview'] {
  const patterns = planPatterns({ resources });
  const matcher = patterns.length > 0 ? createPathMatcher(patterns) : null;
  const deadline = now() + budgetMs;
  const included = { files: 0, bytes: 0 };
  const excluded = { files: 0, bytes: 0, examples: [] as { path: string; pattern: string }[] };
  const stack: { p: string; excluded: boolean }[] = resources.map((r) => ({ p: path.resolve(r.path), excluded: false }));
  let n = 0;
  while (stack.length > 0) {
    if ((++n & 127) === 0 && now() > deadline) return { included, excluded, complete: false };
    const { p, excluded: under } = stack.pop()!;
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue;
    }
    const isDir = st.isDirectory();
    let out = under;
    if (!under && matcher?.excludes(p, isDir)) {
      out = true;
      if (excluded.examples.length < MAX_EXAMPLES) excluded.examples.push({ path: p, pattern: whichPattern(patterns, p, isDir) });
    }
    if (isDir) {
      try {
        for (const name of readdirSync(p)) stack.push({ p: path.join(p, name), excluded: out });
      } catch {
        /* unreadable: the backup reports it */
      }
    } else if (st.isFile()) {
      const bucket = out ? excluded : included;
      bucket.files++;
      bucket.bytes += st.size;
    }
  }
  return { included, excluded, complete: true };
}

/** The last pattern that excludes the path on its own (later patterns win). */
function whichPattern(patterns: string[], p: string, isDir: boolean): string {
  for (let i = patterns.length - 1; i >= 0; i--) {
    if (patterns[i].startsWith('!')) continue;
    if (createPathMatcher([patterns[i]]).excludes(p, isDir)) return patterns[i];
  }
  return patterns.find((x) => !x.startsWith('!')) ?? '';
}
