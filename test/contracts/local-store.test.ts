import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalStore } from '../../main/engine/storage/local-store.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';
import { objectStoreContract } from './object-store.contract.js';

afterAll(() => removeTempDirs());

objectStoreContract('local folder', async () => new LocalStore(makeTempDir('dv-store-')));

describe('LocalStore specifics', () => {
  it('never lists unfinished writes, and removes old ones on request', async () => {
    const dir = makeTempDir('dv-store-');
    const s = new LocalStore(dir);
    await s.put('data/aa/x', Buffer.from('x'));
    const tmp = path.join(dir, 'data', 'aa', '.tmp-deadbeef');
    fs.writeFileSync(tmp, 'half');
    const listed: string[] = [];
    for await (const o of s.list('data/')) listed.push(o.key);
    expect(listed).toEqual(['data/aa/x']);
    expect(await s.cleanTemporaryFiles(60_000)).toBe(0); // too young: a writer may be using it
    const old = new Date(Date.now() - 2 * 86_400_000);
    fs.utimesSync(tmp, old, old);
    expect(await s.cleanTemporaryFiles(60_000)).toBe(1);
    expect(fs.existsSync(tmp)).toBe(false);
  });

  // Root ignores permissions, so there is nothing to provoke when the tests run as root (CI).
  it.skipIf(process.getuid?.() === 0)('a failed write leaves no temporary file and the old object intact', async () => {
    const dir = makeTempDir('dv-store-');
    const s = new LocalStore(dir);
    await s.put('points/p', Buffer.from('old'));
    fs.chmodSync(path.join(dir, 'points'), 0o500);
    try {
      await expect(s.put('points/p', Buffer.from('new'))).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
      expect(fs.readdirSync(path.join(dir, 'points'))).toEqual(['p']);
      expect((await s.get('points/p')).toString()).toBe('old');
    } finally {
      fs.chmodSync(path.join(dir, 'points'), 0o700);
    }
  });
});
