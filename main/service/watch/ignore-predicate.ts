/**
 * What watching leaves out: the plan's excludes, through the engine's one matcher (so a pattern
 * means the same to the watcher as to the backup), and folders that are always excluded — every
 * registered vault folder and the state folder, so writing a point or the journal never triggers
 * another backup.
 */
import { realpathSync } from 'node:fs';
import * as path from 'node:path';
import { createPathMatcher } from '../../engine/index.js';
import type { IgnorePredicate } from './watcher.js';

export interface IgnoreSpec {
  /** The plan's exclude patterns (docs/patterns.md). */
  excludes?: readonly string[];
  /** Vault folders and the state folder. Compared as given and with symlinks resolved. */
  alwaysExcluded?: readonly string[];
  caseInsensitive?: boolean;
}

/** The absolute, resolved forms of the always-excluded folders (also given to the OS watcher). */
export function resolveExcludedFolders(folders: readonly string[]): string[] {
  const out = new Set<string>();
  for (const f of folders) {
    out.add(path.resolve(f));
    try {
      out.add(realpathSync(f));
    } catch {
      /* not there yet: the resolved form is enough */
    }
  }
  return [...out];
}

export function createIgnorePredicate(spec: IgnoreSpec): IgnorePredicate {
  const matcher = spec.excludes && spec.excludes.length > 0 ? createPathMatcher(spec.excludes, { caseInsensitive: spec.caseInsensitive }) : null;
  const folders = resolveExcludedFolders(spec.alwaysExcluded ?? []);
  return (absPath, isDir) => {
    for (const f of folders) {
      if (absPath === f || (absPath.startsWith(f) && absPath[f.length] === path.sep)) return true;
    }
    return matcher !== null && matcher.excludes(absPath, isDir);
  };
}
