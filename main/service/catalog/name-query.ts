/**
 * Compiles a search query into tests. The glob follows the exclude patterns' reading of `/`
 * (docs/patterns.md): without `/` it matches a name at any depth; starting with `/` it is matched
 * against the whole absolute path; any other `/` pattern matches at any depth. `*` and `?` stay
 * within a name and match dotfiles, `**` spans folders. `text` is a substring of the name. Both are
 * case-insensitive unless `caseSensitive`, because a person searching rarely means the case.
 *
 * For a path glob whose last part has no `**` (and no braces, which may hold a `/`), that last part
 * is also returned as a name test: a full-path match implies it, so whole-path tests run only on
 * rows whose name already matches.
 */
import picomatch from 'picomatch';
import { DeskVaultError } from '../../core/errors.js';

export interface SearchQuery {
  glob?: string;
  text?: string;
  /** Points to search (ids or unique prefixes); default all. */
  pointIds?: string[];
  /** Most hits returned; default 1000. */
  limit?: number;
  caseSensitive?: boolean;
}

export interface CompiledQuery {
  /** Must hold for the entry's name; null: any name. */
  name: ((name: string) => boolean) | null;
  /** Must hold for the absolute path without its leading `/`; null: any path. */
  path: ((relPath: string) => boolean) | null;
}

export function compileQuery(q: SearchQuery): CompiledQuery {
  const glob = q.glob?.trim() ? q.glob.trim() : undefined;
  const text = q.text ? q.text : undefined;
  if (!glob && !text) throw new DeskVaultError('INVALID_INPUT', 'a search needs a glob or a text', {});
  const nocase = !q.caseSensitive;
  const opts = { dot: true, posix: true, nocase, strictSlashes: true } as const;
  const tests: ((s: string) => boolean)[] = [];
  let path: CompiledQuery['path'] = null;
  if (text) {
    const re = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), nocase ? 'i' : '');
    tests.push((s) => re.test(s));
  }
  if (glob) {
    try {
      const g = glob.replaceAll('\\', '/');
      if (!g.includes('/')) {
        tests.push(regexTest(g, opts));
      } else {
        const full = g.startsWith('/') ? g.replace(/^\/+/, '') : `**/${g.replace(/^(\*\*\/)+/, '')}`;
        path = regexTest(full, opts);
        const tail = g.slice(g.lastIndexOf('/') + 1);
        if (tail && !tail.includes('**') && !/[{}]/.test(g)) tests.push(regexTest(tail, opts));
      }
    } catch (err) {
      throw new DeskVaultError('INVALID_INPUT', `Invalid glob ${JSON.stringify(glob)}: ${err instanceof Error ? err.message : String(err)}`, { glob });
    }
  }
  const name = tests.length === 0 ? null : tests.length === 1 ? tests[0] : (s: string) => tests.every((t) => t(s));
  return { name, path };
}

/** picomatch's compiled regex, tested directly: its matcher functions cost ~5× more per call. */
function regexTest(glob: string, opts: picomatch.PicomatchOptions): (s: string) => boolean {
  const re = picomatch.makeRe(glob, opts);
  return (s) => re.test(s);
}
