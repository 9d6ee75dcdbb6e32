import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createIgnorePredicate } from '../../../../main/service/watch/ignore-predicate.js';
import { makeTempDir, removeTempDirs } from '../../../helpers/files.js';

afterAll(removeTempDirs);

describe('createIgnorePredicate', () => {
  it('applies the plan excludes with the engine matcher’s meaning', () => {
    const ignore = createIgnorePredicate({ excludes: ['*.tmp', 'node_modules/', '/home/*/Downloads'], caseInsensitive: false });
    expect(ignore('/home/a/doc.tmp', false)).toBe(true);
    expect(ignore('/home/a/doc.txt', false)).toBe(false);
    expect(ignore('/home/a/p/node_modules/x/y.js', false)).toBe(true);
    expect(ignore('/home/a/p/node_modules', true)).toBe(true);
    // A file that happens to be named like a folder-only pattern is kept.
    expect(ignore('/home/a/p/node_modules', false)).toBe(false);
    expect(ignore('/home/a/Downloads/big.iso', false)).toBe(true);
    expect(ignore('/home/a/x/Downloads/big.iso', false)).toBe(false);
  });

  it('always excludes the vault and state folders and what is below them, also by their real path', () => {
    const root = makeTempDir('dv-ignore-');
    const vault = path.join(root, 'vault');
    fs.mkdirSync(vault);
    const link = path.join(root, 'vault-link');
    fs.symlinkSync(vault, link);
    const ignore = createIgnorePredicate({ alwaysExcluded: [link, path.join(root, 'state')] });
    expect(ignore(vault, true)).toBe(true);
    expect(ignore(path.join(vault, 'data', 'ab', 'pack'), false)).toBe(true);
    expect(ignore(path.join(root, 'state', 'plan.journal'), false)).toBe(true);
    expect(ignore(path.join(root, 'vault2', 'x'), false)).toBe(false);
    expect(ignore(path.join(root, 'statement.pdf'), false)).toBe(false);
  });
});
