/** What a search glob or text matches: names at any depth, anchored or floating paths, case. */
import { describe, expect, it } from 'vitest';
import { isDeskVaultError } from '../../../../main/core/errors.js';
import { compileQuery } from '../../../../main/service/catalog/name-query.js';

/** Whether the query matches the absolute path (as search applies it: name test, then path test). */
function matches(q: Parameters<typeof compileQuery>[0], absPath: string): boolean {
  const c = compileQuery(q);
  const name = absPath.slice(absPath.lastIndexOf('/') + 1);
  return (c.name?.(name) ?? true) && (c.path?.(absPath.slice(1)) ?? true);
}

describe('search queries', () => {
  it('a glob without / matches the name at any depth, dotfiles included, case-insensitively', () => {
    expect(matches({ glob: '*.txt' }, '/home/a/x.txt')).toBe(true);
    expect(matches({ glob: '*.txt' }, '/home/a/x.txt.bak')).toBe(false);
    expect(matches({ glob: '*rc' }, '/home/a/.bashrc')).toBe(true);
    expect(matches({ glob: '*.TXT' }, '/x.txt')).toBe(true);
    expect(matches({ glob: '*.TXT', caseSensitive: true }, '/x.txt')).toBe(false);
  });

  it('a glob with / is anchored when it starts with /, floating otherwise', () => {
    expect(matches({ glob: 'docs/*.md' }, '/home/a/docs/r.md')).toBe(true);
    expect(matches({ glob: 'docs/*.md' }, '/home/a/docs/sub/r.md')).toBe(false);
    expect(matches({ glob: '/home/*/docs/**' }, '/home/a/docs/sub/r.md')).toBe(true);
    expect(matches({ glob: '/docs/**' }, '/home/a/docs/r.md')).toBe(false);
    expect(matches({ glob: 'docs/{a,b/c}.md' }, '/x/docs/b/c.md')).toBe(true);
  });

  it('text is a substring of the name, special characters literal; both must hold', () => {
    expect(matches({ text: 'port.(1)' }, '/a/report.(1).pdf')).toBe(true);
    expect(matches({ text: 'port.(1)' }, '/a/report.x1).pdf')).toBe(false);
    expect(matches({ text: 'rep', glob: '*.pdf' }, '/a/report.pdf')).toBe(true);
    expect(matches({ text: 'rep', glob: '*.doc' }, '/a/report.pdf')).toBe(false);
  });

  it('refuses an empty query', () => {
    let err: unknown;
    try {
      compileQuery({ glob: '  ' });
    } catch (e) {
      err = e;
    }
    expect(isDeskVaultError(err, 'INVALID_INPUT')).toBe(true);
  });
});
