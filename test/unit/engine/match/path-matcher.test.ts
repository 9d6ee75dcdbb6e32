import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { DeskVaultError } from '../../../../main/core/errors.js';
import { createPathMatcher, EXCLUDE_PRESETS } from '../../../../main/engine/match/path-matcher.js';

/** Case-sensitive unless a test says otherwise, so results do not depend on the test machine. */
const matcher = (patterns: string[], caseInsensitive = false) => createPathMatcher(patterns, { caseInsensitive });
const FILE = false;
const DIR = true;

describe('createPathMatcher: validation', () => {
  it.each([[''], ['!'], ['   '], ['!  '], ['/'], ['!/'], ['//'], ['\\'], ['{a,b'], ['x/{y']])(
    'rejects %j with INVALID_INPUT naming the pattern',
    (pattern) => {
      let caught: unknown;
      try {
        createPathMatcher(['*.tmp', pattern]);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(DeskVaultError);
      const err = caught as DeskVaultError;
      expect(err.code).toBe('INVALID_INPUT');
      expect(err.data).toEqual({ pattern, index: 1 });
      expect(err.message).toContain(JSON.stringify(pattern));
    },
  );

  it('rejects a non-string pattern', () => {
    expect(() => createPathMatcher([42 as unknown as string])).toThrow(DeskVaultError);
  });

  it('accepts an empty list and then excludes nothing', () => {
    const m = matcher([]);
    expect(m.excludes('/home/me/a.tmp', FILE)).toBe(false);
    expect(m.excludes('/', DIR)).toBe(false);
  });

  it('exposes the patterns as given, as a frozen copy', () => {
    const input = ['*.tmp', '!keep.tmp'];
    const m = matcher(input);
    input.push('x');
    expect(m.patterns).toEqual(['*.tmp', '!keep.tmp']);
    expect(Object.isFrozen(m.patterns)).toBe(true);
  });
});

describe('patterns without a slash match a name at any depth', () => {
  const m = matcher(['*.tmp', 'node_modules', 'Thumbs.db']);

  it.each([
    ['/a.tmp', FILE],
    ['/home/me/a.tmp', FILE],
    ['/home/me/deep/er/still/b.tmp', FILE],
    ['/home/me/dir.tmp', DIR],
    ['/home/me/project/node_modules', DIR],
    ['/node_modules', DIR],
    ['/home/me/node_modules', FILE],
    ['/x/Thumbs.db', FILE],
  ])('excludes %s', (path, isDir) => expect(m.excludes(path, isDir)).toBe(true));

  it.each([
    ['/home/me/a.tmp.txt', FILE],
    ['/home/me/atmp', FILE],
    ['/home/me/node_modules2', DIR],
    ['/home/me/my_node_modules', DIR],
    ['/home/me/thumbs.db', FILE],
    ['/home/me/Documents', DIR],
  ])('keeps %s', (path, isDir) => expect(m.excludes(path, isDir)).toBe(false));

  it('a name pattern matches a whole name, not part of the path', () => {
    expect(matcher(['me']).excludes('/home/me2/x', FILE)).toBe(false);
    expect(matcher(['me']).excludes('/home/me/x', FILE)).toBe(true);
  });
});

describe('everything under an excluded folder is excluded', () => {
  it('for name, anchored and any-depth patterns', () => {
    expect(matcher(['node_modules']).excludes('/p/node_modules/left-pad/index.js', FILE)).toBe(true);
    expect(matcher(['node_modules']).excludes('/p/node_modules/a/b/c/d', DIR)).toBe(true);
    expect(matcher(['/home/*/Downloads']).excludes('/home/me/Downloads/film/x.mkv', FILE)).toBe(true);
    expect(matcher(['Library/Caches']).excludes('/Users/me/Library/Caches/com.x/y', FILE)).toBe(true);
    expect(matcher(['*.app']).excludes('/Applications/X.app/Contents/Info.plist', FILE)).toBe(true);
  });

  it('but not the folder above, nor siblings', () => {
    const m = matcher(['/home/*/Downloads']);
    expect(m.excludes('/home/me', DIR)).toBe(false);
    expect(m.excludes('/home/me/Documents/x', FILE)).toBe(false);
    expect(m.excludes('/home/me/DownloadsOld/x', FILE)).toBe(false);
  });
});

describe('patterns with a slash', () => {
  it('a leading / anchors at the root of the absolute path', () => {
    const m = matcher(['/home/*/Downloads']);
    expect(m.excludes('/home/me/Downloads', DIR)).toBe(true);
    expect(m.excludes('/mnt/home/me/Downloads', DIR)).toBe(false);
    expect(m.excludes('/home/Downloads', DIR)).toBe(false);
  });

  it('* and ? do not cross /', () => {
    expect(matcher(['/home/*/Downloads']).excludes('/home/a/b/Downloads', DIR)).toBe(false);
    expect(matcher(['/a?b']).excludes('/a/b', FILE)).toBe(false);
    expect(matcher(['/a?b']).excludes('/axb', FILE)).toBe(true);
    expect(matcher(['/a?b']).excludes('/axxb', FILE)).toBe(false);
    expect(matcher(['/x/*.log']).excludes('/x/y/z.log', FILE)).toBe(false);
  });

  it('** spans any number of folders, including none', () => {
    const m = matcher(['/home/**/Downloads']);
    expect(m.excludes('/home/Downloads', DIR)).toBe(true);
    expect(m.excludes('/home/me/Downloads', DIR)).toBe(true);
    expect(m.excludes('/home/a/b/c/Downloads', DIR)).toBe(true);
    expect(m.excludes('/home/a/b/c/NotDownloads', DIR)).toBe(false);
    expect(m.excludes('/srv/home/me/Downloads', DIR)).toBe(false);
  });

  it('a pattern starting with **/ matches at any depth', () => {
    const m = matcher(['**/cache']);
    expect(m.excludes('/cache', DIR)).toBe(true);
    expect(m.excludes('/a/b/cache', DIR)).toBe(true);
    expect(m.excludes('/a/b/cache/x', FILE)).toBe(true);
    expect(m.excludes('/a/b/mycache', DIR)).toBe(false);
  });

  it('a pattern starting with a name matches at any depth, like **/ before it', () => {
    const m = matcher(['Library/Caches', 'AppData/Local/Temp']);
    expect(m.excludes('/Users/me/Library/Caches', DIR)).toBe(true);
    expect(m.excludes('/Library/Caches', DIR)).toBe(true);
    expect(m.excludes('C:/Users/me/AppData/Local/Temp/x.txt', FILE)).toBe(true);
    expect(m.excludes('/Users/me/Library/CachesOld', DIR)).toBe(false);
    expect(m.excludes('/Users/me/MyLibrary/Caches', DIR)).toBe(false);
    expect(m.excludes('/Users/me/Library/Other/Caches', DIR)).toBe(false);
  });

  it('a trailing /** matches the contents of a folder, not the folder itself', () => {
    const m = matcher(['**/cache/**']);
    expect(m.excludes('/a/cache', DIR)).toBe(false);
    expect(m.excludes('/a/cache/x', FILE)).toBe(true);
    expect(m.excludes('/a/cache/x/y/z', FILE)).toBe(true);
    expect(m.excludes('/a/cached/x', FILE)).toBe(false);
    expect(matcher(['/home/me/**']).excludes('/home/me', DIR)).toBe(false);
    expect(matcher(['/home/me/**']).excludes('/home/me/.bashrc', FILE)).toBe(true);
  });
});

describe('dotfiles', () => {
  it('* and ? match names starting with a dot', () => {
    expect(matcher(['*']).excludes('/home/me/.bashrc', FILE)).toBe(true);
    expect(matcher(['/home/me/*']).excludes('/home/me/.ssh', DIR)).toBe(true);
    expect(matcher(['/home/*/x']).excludes('/home/.hidden/x', FILE)).toBe(true);
    expect(matcher(['*.tmp']).excludes('/home/me/.x.tmp', FILE)).toBe(true);
    expect(matcher(['?git']).excludes('/p/.git', DIR)).toBe(true);
    expect(matcher(['/p/**/x']).excludes('/p/.a/.b/x', FILE)).toBe(true);
  });

  it('.* matches dot names only', () => {
    const m = matcher(['.*']);
    expect(m.excludes('/home/me/.cache', DIR)).toBe(true);
    expect(m.excludes('/home/me/.cache/fontconfig/x', FILE)).toBe(true);
    expect(m.excludes('/home/me/cache', DIR)).toBe(false);
    expect(m.excludes('/home/me/a.b', FILE)).toBe(false);
  });
});

describe('a trailing / matches directories only', () => {
  const m = matcher(['build/']);

  it('excludes a directory and what is under it', () => {
    expect(m.excludes('/p/build', DIR)).toBe(true);
    expect(m.excludes('/p/build/out.js', FILE)).toBe(true);
    expect(m.excludes('/p/build/sub', DIR)).toBe(true);
  });

  it('keeps a file with that name', () => {
    expect(m.excludes('/p/build', FILE)).toBe(false);
    expect(m.excludes('/build', FILE)).toBe(false);
  });

  it('also with anchored and Windows-style patterns', () => {
    expect(matcher(['/p/out/']).excludes('/p/out', FILE)).toBe(false);
    expect(matcher(['/p/out/']).excludes('/p/out', DIR)).toBe(true);
    expect(matcher(['tmp\\']).excludes('C:\\x\\tmp', FILE)).toBe(false);
    expect(matcher(['tmp\\']).excludes('C:\\x\\tmp\\a', FILE)).toBe(true);
  });

  it('*/ matches every directory but no file at the root', () => {
    expect(matcher(['*/']).excludes('/a', FILE)).toBe(false);
    expect(matcher(['*/']).excludes('/a', DIR)).toBe(true);
    expect(matcher(['*/']).excludes('/a/b', FILE)).toBe(true);
  });
});

describe('negation: ! re-includes, the last matching pattern wins', () => {
  it('order matters', () => {
    expect(matcher(['*.log', '!important.log']).excludes('/v/important.log', FILE)).toBe(false);
    expect(matcher(['!important.log', '*.log']).excludes('/v/important.log', FILE)).toBe(true);
    expect(matcher(['*.log', '!important.log']).excludes('/v/other.log', FILE)).toBe(true);
    expect(matcher(['*.log', '!important.log', 'important.log']).excludes('/v/important.log', FILE)).toBe(true);
    expect(matcher(['*.log', '!*.log', '/v/*']).excludes('/v/x.log', FILE)).toBe(true);
    expect(matcher(['/v/*', '*.log', '!*.log']).excludes('/v/x.log', FILE)).toBe(false);
  });

  it('a negation alone excludes nothing', () => {
    expect(matcher(['!*.log']).excludes('/v/x.log', FILE)).toBe(false);
    expect(matcher(['!*.log']).excludes('/v/x.txt', FILE)).toBe(false);
  });

  it('"everything in home except Documents", with * or with **', () => {
    for (const all of ['/home/me/*', '/home/me/**']) {
      const m = matcher([all, '!/home/me/Documents', '*.tmp']);
      expect(m.excludes('/home/me', DIR)).toBe(false);
      expect(m.excludes('/home/me/Music', DIR)).toBe(true);
      expect(m.excludes('/home/me/Music/a.mp3', FILE)).toBe(true);
      expect(m.excludes('/home/me/.bashrc', FILE)).toBe(true);
      expect(m.excludes('/home/me/Documents', DIR)).toBe(false);
      expect(m.excludes('/home/me/Documents/cv.pdf', FILE)).toBe(false);
      expect(m.excludes('/home/me/Documents/deep/er/x', FILE)).toBe(false);
      // A later exclude applies inside the re-included folder again.
      expect(m.excludes('/home/me/Documents/deep/x.tmp', FILE)).toBe(true);
    }
  });

  it('a negation naming a folder covers its subtree, so it beats earlier excludes inside it', () => {
    const m = matcher(['*.tmp', '!/home/me/keep']);
    expect(m.excludes('/home/me/keep/a.tmp', FILE)).toBe(false);
    expect(m.excludes('/home/me/other/a.tmp', FILE)).toBe(true);
  });

  it('cannot re-include anything under an excluded folder', () => {
    const m = matcher(['node_modules', '!keep.txt', '!/p/node_modules/pkg/**']);
    expect(m.excludes('/p/node_modules', DIR)).toBe(true);
    expect(m.excludes('/p/node_modules/keep.txt', FILE)).toBe(true);
    expect(m.excludes('/p/node_modules/pkg/index.js', FILE)).toBe(true);
    expect(m.excludes('/p/src/keep.txt', FILE)).toBe(false);
  });

  it('re-includes a child of a folder excluded only by its contents (trailing /**)', () => {
    const m = matcher(['/home/me/.cache/**', '!/home/me/.cache/keep']);
    expect(m.excludes('/home/me/.cache', DIR)).toBe(false);
    expect(m.excludes('/home/me/.cache/keep/x', FILE)).toBe(false);
    expect(m.excludes('/home/me/.cache/other/x', FILE)).toBe(true);
  });

  it('a directory-only negation does not re-include a file of that name', () => {
    const m = matcher(['/v/*', '!/v/keep/']);
    expect(m.excludes('/v/keep', DIR)).toBe(false);
    expect(m.excludes('/v/keep/x', FILE)).toBe(false);
    expect(m.excludes('/v/keep', FILE)).toBe(true);
  });

  it('only a leading ! negates: !! re-includes names starting with !, **/! excludes them', () => {
    const m = matcher(['/v/*', '!!x']);
    expect(m.excludes('/v/!x', FILE)).toBe(false);
    expect(m.excludes('/v/x', FILE)).toBe(true);
    expect(matcher(['**/!x']).excludes('/v/!x', FILE)).toBe(true);
    expect(matcher(['**/!x']).excludes('/v/x', FILE)).toBe(false);
    expect(matcher(['a!b']).excludes('/v/a!b', FILE)).toBe(true);
  });
});

describe('Windows paths', () => {
  it('accepts \\ separators in paths', () => {
    const m = matcher(['*.tmp', 'node_modules', 'C:/Users/*/AppData/Local/Temp']);
    expect(m.excludes('C:\\Users\\me\\a.tmp', FILE)).toBe(true);
    expect(m.excludes('C:\\p\\node_modules\\x\\y.js', FILE)).toBe(true);
    expect(m.excludes('C:\\Users\\me\\AppData\\Local\\Temp', DIR)).toBe(true);
    expect(m.excludes('C:\\Users\\me\\AppData\\Local\\Temp\\x\\y.txt', FILE)).toBe(true);
    expect(m.excludes('C:\\Users\\me\\AppData\\Local\\Other', DIR)).toBe(false);
    expect(m.excludes('D:\\Users\\me\\AppData\\Local\\Temp', DIR)).toBe(false);
  });

  it('accepts \\ separators in patterns', () => {
    const m = matcher(['C:\\Users\\*\\Downloads', 'AppData\\Local\\Temp']);
    expect(m.excludes('C:\\Users\\me\\Downloads\\x.zip', FILE)).toBe(true);
    expect(m.excludes('C:/Users/me/Downloads', DIR)).toBe(true);
    expect(m.excludes('D:\\Users\\me\\AppData\\Local\\Temp', DIR)).toBe(true);
  });

  it('drive letters match whatever their case, even when matching is case-sensitive', () => {
    const m = matcher(['c:/Data/**']);
    expect(m.excludes('C:\\Data\\x', FILE)).toBe(true);
    expect(m.excludes('c:\\Data\\x', FILE)).toBe(true);
    expect(m.excludes('c:\\data\\x', FILE)).toBe(false);
    expect(matcher(['/Data']).excludes('C:\\Data', DIR)).toBe(false);
  });

  it('a whole drive can be excluded', () => {
    expect(matcher(['D:']).excludes('d:\\x\\y', FILE)).toBe(true);
    expect(matcher(['D:/']).excludes('D:\\', DIR)).toBe(true);
    expect(matcher(['D:']).excludes('C:\\D:\\y', FILE)).toBe(false);
  });

  it('normalises \\\\?\\ prefixes and keeps UNC paths', () => {
    const m = matcher(['C:/Data', '//server/share/tmp', 'cache']);
    expect(m.excludes('\\\\?\\C:\\Data\\x', FILE)).toBe(true);
    expect(m.excludes('\\\\server\\share\\tmp\\x', FILE)).toBe(true);
    expect(m.excludes('\\\\?\\UNC\\server\\share\\tmp\\x', FILE)).toBe(true);
    expect(m.excludes('\\\\server\\share\\cache', DIR)).toBe(true);
    expect(m.excludes('\\\\server\\share\\keep', DIR)).toBe(false);
  });

  it('treats parentheses, spaces and $ in names literally', () => {
    const m = matcher(['C:/Program Files (x86)/**', '$RECYCLE.BIN', 'a|b', '"q"']);
    expect(m.excludes('C:\\Program Files (x86)\\App\\x.dll', FILE)).toBe(true);
    expect(m.excludes('C:\\Program Files x86\\App\\x.dll', FILE)).toBe(false);
    expect(m.excludes('C:\\$RECYCLE.BIN\\S-1-5', DIR)).toBe(true);
    expect(m.excludes('/v/a|b', FILE)).toBe(true);
    expect(m.excludes('/v/a', FILE)).toBe(false);
    expect(m.excludes('/v/"q"', FILE)).toBe(true);
    expect(m.excludes('/v/q', FILE)).toBe(false);
  });
});

describe('path normalisation', () => {
  it('ignores trailing and doubled slashes in the path', () => {
    const m = matcher(['/home/*/Downloads', 'build/']);
    expect(m.excludes('/home/me/Downloads/', DIR)).toBe(true);
    expect(m.excludes('/home//me///Downloads', DIR)).toBe(true);
    expect(m.excludes('/p/build/', DIR)).toBe(true);
  });

  it('matches NFC patterns against NFD paths (macOS) and the reverse', () => {
    const nfc = 'Caf\u00e9';
    const nfd = 'Cafe\u0301';
    expect(matcher([nfc]).excludes(`/Users/me/${nfd}`, DIR)).toBe(true);
    expect(matcher([`/Users/*/${nfd}`]).excludes(`/Users/me/${nfc}/x`, FILE)).toBe(true);
  });
});

describe('case sensitivity', () => {
  it('is exact when caseInsensitive is false', () => {
    const m = createPathMatcher(['*.TMP', '/Home/*/Downloads'], { caseInsensitive: false });
    expect(m.excludes('/x/a.TMP', FILE)).toBe(true);
    expect(m.excludes('/x/a.tmp', FILE)).toBe(false);
    expect(m.excludes('/home/me/Downloads', DIR)).toBe(false);
  });

  it('ignores case when caseInsensitive is true, also in negations', () => {
    const m = createPathMatcher(['*.TMP', '/Home/*/Downloads', '!KEEP.tmp'], { caseInsensitive: true });
    expect(m.excludes('/x/a.tmp', FILE)).toBe(true);
    expect(m.excludes('/HOME/me/downloads/x', FILE)).toBe(true);
    expect(m.excludes('/x/keep.TMP', FILE)).toBe(false);
    expect(m.excludes('C:\\Users\\Me\\A.Tmp', FILE)).toBe(true);
  });

  it('defaults to insensitive on win32 and darwin, sensitive elsewhere', () => {
    const insensitive = process.platform === 'win32' || process.platform === 'darwin';
    expect(createPathMatcher(['*.TMP']).excludes('/x/a.tmp', FILE)).toBe(insensitive);
  });
});

describe('other glob syntax', () => {
  it('supports classes, negated classes, braces and ranges', () => {
    expect(matcher(['[ab]*.log']).excludes('/v/a1.log', FILE)).toBe(true);
    expect(matcher(['[ab]*.log']).excludes('/v/c1.log', FILE)).toBe(false);
    expect(matcher(['[!ab]*.log']).excludes('/v/c1.log', FILE)).toBe(true);
    expect(matcher(['[!ab]*.log']).excludes('/v/a1.log', FILE)).toBe(false);
    expect(matcher(['*.{jpg,png}']).excludes('/v/x.png', FILE)).toBe(true);
    expect(matcher(['*.{jpg,png}']).excludes('/v/x.gif', FILE)).toBe(false);
    expect(matcher(['log.{1..3}']).excludes('/v/log.2', FILE)).toBe(true);
    expect(matcher(['log.{1..3}']).excludes('/v/log.4', FILE)).toBe(false);
    expect(matcher(['[[:digit:]]x']).excludes('/v/7x', FILE)).toBe(true);
    expect(matcher(['[[:digit:]]x']).excludes('/v/ax', FILE)).toBe(false);
  });

  it('matches a literal * or ? through a class', () => {
    expect(matcher(['[*]x']).excludes('/v/*x', FILE)).toBe(true);
    expect(matcher(['[*]x']).excludes('/v/ax', FILE)).toBe(false);
    expect(matcher(['[?]']).excludes('/v/?', FILE)).toBe(true);
    expect(matcher(['[?]']).excludes('/v/a', FILE)).toBe(false);
    expect(matcher(['[[]x]']).excludes('/v/[x]', FILE)).toBe(true);
    expect(matcher(['[{]a,b}']).excludes('/v/{a,b}', FILE)).toBe(true);
  });
});

describe('EXCLUDE_PRESETS', () => {
  const all = Object.values(EXCLUDE_PRESETS).flat();

  it('are frozen, so one caller cannot change them for all', () => {
    expect(Object.isFrozen(EXCLUDE_PRESETS)).toBe(true);
    expect(Object.isFrozen(EXCLUDE_PRESETS.temp)).toBe(true);
  });

  it('all compile', () => {
    for (const [name, patterns] of Object.entries(EXCLUDE_PRESETS)) {
      expect(patterns.length, name).toBeGreaterThan(0);
      expect(() => createPathMatcher(patterns)).not.toThrow();
    }
  });

  const excluded: [keyof typeof EXCLUDE_PRESETS, string, boolean][] = [
    ['caches', '/home/me/.cache/fontconfig/x', FILE],
    ['caches', '/Users/me/Library/Caches/com.apple.x', DIR],
    ['caches', 'C:\\Users\\me\\AppData\\Local\\Microsoft\\Windows\\INetCache\\IE', DIR],
    ['caches', 'C:\\Users\\me\\AppData\\Local\\Microsoft\\Windows\\Explorer\\thumbcache_256.db', FILE],
    ['caches', '/home/me/p/__pycache__/m.cpython-312.pyc', FILE],
    ['node_modules', '/home/me/p/node_modules/react/index.js', FILE],
    ['node_modules', 'C:\\dev\\p\\node_modules', DIR],
    ['temp', '/home/me/a.tmp', FILE],
    ['temp', 'C:\\Users\\me\\Documents\\~$report.docx', FILE],
    ['temp', '/home/me/.~lock.report.odt#', FILE],
    ['temp', 'C:\\Users\\me\\AppData\\Local\\Temp\\x', FILE],
    ['temp', 'C:\\Windows\\Temp', DIR],
    ['temp', '/tmp/x', FILE],
    ['temp', '/private/var/folders/ab/cd/T/x', FILE],
    ['browser-caches', '/home/me/.cache/google-chrome/Default/Cache/Cache_Data/f_0001', FILE],
    ['browser-caches', '/home/me/.config/google-chrome/Default/Code Cache/js/x', FILE],
    ['browser-caches', '/home/me/.config/Code/GPUCache/data_1', FILE],
    ['browser-caches', 'C:\\Users\\me\\AppData\\Local\\Google\\Chrome\\User Data\\Default\\Cache', DIR],
    ['browser-caches', 'C:\\Users\\me\\AppData\\Local\\Microsoft\\Edge\\User Data\\Profile 1\\Cache', DIR],
    ['browser-caches', '/Users/me/Library/Caches/Google/Chrome/Default/Cache/x', FILE],
    ['browser-caches', '/home/me/.cache/mozilla/firefox/abc.default-release/cache2/entries/x', FILE],
    ['browser-caches', 'C:\\Users\\me\\AppData\\Local\\Mozilla\\Firefox\\Profiles\\abc.default\\cache2', DIR],
    ['browser-caches', '/Users/me/Library/Caches/Firefox/Profiles/abc.default/cache2', DIR],
    ['browser-caches', '/Users/me/Library/Caches/com.apple.Safari/Cache.db', FILE],
  ];
  it.each(excluded)('%s excludes %s', (preset, path, isDir) => {
    expect(createPathMatcher(EXCLUDE_PRESETS[preset], { caseInsensitive: false }).excludes(path, isDir)).toBe(true);
  });

  it.each([
    ['/home/me/Documents/cache.txt', FILE],
    ['/home/me/Documents/report.docx', FILE],
    ['/home/me/src/app/Cache/Cache.ts', FILE],
    ['/home/me/src/app/temp/notes.md', FILE],
    ['/home/me/.config/google-chrome/Default/Bookmarks', FILE],
    ['/home/me/.mozilla/firefox/abc.default/places.sqlite', FILE],
    ['C:\\Users\\me\\AppData\\Roaming\\App\\settings.json', FILE],
    ['/Users/me/Library/Preferences/x.plist', FILE],
    ['/home/me/projects/tmp', FILE],
  ])('all presets together keep %s', (path, isDir) => {
    expect(createPathMatcher(all, { caseInsensitive: false }).excludes(path, isDir)).toBe(false);
  });
});

/**
 * The matcher answers from one combined regex and walks parent folders only when it must. This
 * reference implements the documented rules literally, with picomatch's own matcher on every
 * level of the path, and the two must agree on random pattern lists and paths.
 */
describe('agrees with a literal implementation of the rules', () => {
  const POOL = [
    '*.tmp', 'node_modules', 'build/', '/home/*/Downloads', '**/cache/**', '.*', 'a/**/b', 'Library/Caches',
    '/home/me/**', '/home/me/*', 'x?', '[ab]*', '{c,d}.log', '*', '*/', 'b/', 'cache', '/home/**/b', 'C:/Users/*/a',
    'a/b/', '**/c', '/home', 'me/a/**',
  ];
  const NAMES = ['home', 'me', 'a', 'b', 'c', 'c.log', 'x.tmp', 'xy', 'x1', '.cache', 'cache', 'Downloads', 'node_modules', 'build', 'Library', 'Caches'];

  function reference(patterns: string[]): (path: string, isDir: boolean) => boolean {
    const rules = patterns.map((raw) => {
      const negate = raw.startsWith('!');
      let glob = negate ? raw.slice(1) : raw;
      const dirOnly = glob.endsWith('/');
      if (dirOnly) glob = glob.slice(0, -1);
      const anchored = glob.startsWith('/') || /^[A-Z]:/.test(glob);
      if (glob.endsWith('/**')) glob += '/*';
      const isMatch = picomatch(anchored ? glob : `**/${glob}`, { dot: true, windows: false });
      return { negate, dirOnly, isMatch };
    });
    const levels = (path: string) => path.split('/').slice(1).map((_, i, parts) => `/${parts.slice(0, i + 1).join('/')}`);
    return (path, isDir) => {
      const all = levels(path);
      const covers = (rule: (typeof rules)[number], level: number) =>
        all.slice(0, level + 1).some((p, i) => (!rule.dirOnly || i < all.length - 1 || isDir) && rule.isMatch(p));
      return all.some((_, level) => {
        let last: (typeof rules)[number] | undefined;
        for (const rule of rules) if (covers(rule, level)) last = rule;
        return last !== undefined && !last.negate;
      });
    };
  }

  it('on 20 000 random cases', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let excludedCount = 0;
    for (let round = 0; round < 2000; round++) {
      const patterns = Array.from({ length: 1 + random(5) }, () => (random(3) === 0 ? '!' : '') + POOL[random(POOL.length)]);
      const fast = createPathMatcher(patterns, { caseInsensitive: false });
      const slow = reference(patterns);
      for (let i = 0; i < 10; i++) {
        const path = '/' + Array.from({ length: 1 + random(6) }, () => NAMES[random(NAMES.length)]).join('/');
        const isDir = random(2) === 0;
        const expected = slow(path, isDir);
        if (expected) excludedCount++;
        expect(fast.excludes(path, isDir), `${JSON.stringify(patterns)} ${path} ${isDir ? 'dir' : 'file'}`).toBe(expected);
      }
    }
    // The cases must exercise both outcomes.
    expect(excludedCount).toBeGreaterThan(2000);
    expect(excludedCount).toBeLessThan(18000);
  });
});
