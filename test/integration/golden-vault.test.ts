/**
 * The golden vault (test/fixtures/golden-vault, format 1.0, written once by make-golden-vault.mjs)
 * must stay readable by every later version: points, listings, restore and a full data check.
 * If this fails after a change, the change broke the on-disk format.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { check } from '../../main/engine/check/check.js';
import { restore } from '../../main/engine/restore/restore.js';
import { Vault } from '../../main/engine/repo/vault.js';
import { LocalStore } from '../../main/engine/storage/local-store.js';

interface Expected {
  passphrase: string;
  source: string;
  pointId: string;
  vaultId: string;
  entries: { path: string; type: string; size?: number; mode?: number; sha256?: string; target?: string }[];
}

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const expected = JSON.parse(fs.readFileSync(path.join(fixtures, 'golden-vault.expected.json'), 'utf8')) as Expected;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dv-golden-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function openCopy(): Promise<Vault> {
  // A copy, so nothing a test does can alter the committed fixture.
  const dir = path.join(work, `vault-${Math.random().toString(16).slice(2)}`);
  fs.cpSync(path.join(fixtures, 'golden-vault'), dir, { recursive: true });
  return Vault.open(new LocalStore(dir), expected.passphrase);
}

describe('golden vault (format 1.0)', () => {
  it('opens with its config and lists its one point', async () => {
    const vault = await openCopy();
    expect(vault.id).toBe(expected.vaultId);
    expect(vault.config.version).toEqual({ major: 1, minor: 0 });
    const points = await vault.listPoints();
    expect(points.map((p) => p.id)).toEqual([expected.pointId]);
    expect(points[0]).toMatchObject({ host: 'golden-host', user: 'golden', tags: ['golden'], paths: [expected.source], status: 'COMPLETED' });
  });

  it('reads one point by its full id, without a listing, as the listing gives it', async () => {
    const listed = (await (await openCopy()).listPoints())[0];
    const fresh = await openCopy();
    const read = await fresh.readPoint(expected.pointId);
    expect(read).toEqual(listed);
    // A caller's edits of what it got never reach the cache.
    read.tags.push('edited');
    expect((await fresh.readPoint(expected.pointId)).tags).toEqual(['golden']);
    await expect(fresh.readPoint('0'.repeat(64))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(fresh.readPoint(expected.pointId.slice(0, 8))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('restores every file, folder and link exactly', async () => {
    const vault = await openCopy();
    const { index } = await vault.loadIndex();
    const point = await vault.resolvePoint('latest');
    const target = path.join(work, 'restore');
    const r = await restore(vault, index, { point, mode: { kind: 'target', dir: target } });
    expect(r.errors).toEqual([]);
    const root = path.join(target, expected.source);
    for (const e of expected.entries) {
      const p = path.join(root, e.path);
      const st = fs.lstatSync(p);
      if (e.type === 'symlink') expect(fs.readlinkSync(p)).toBe(e.target);
      else if (e.type === 'dir') expect(st.isDirectory()).toBe(true);
      else {
        expect(st.size).toBe(e.size);
        expect(st.mode & 0o777).toBe(e.mode);
        expect(createHash('sha256').update(fs.readFileSync(p)).digest('hex')).toBe(e.sha256);
      }
    }
    const restoredCount = (dir: string): number => fs.readdirSync(dir).reduce((n, name) => {
      const p = path.join(dir, name);
      return n + 1 + (fs.lstatSync(p).isDirectory() ? restoredCount(p) : 0);
    }, 0);
    expect(restoredCount(root)).toBe(expected.entries.length);
  });

  it('passes a full data check', async () => {
    const vault = await openCopy();
    const r = await check(vault, { readData: true });
    expect(r.problems).toEqual([]);
    expect(r.packsRead).toBeGreaterThan(2);
  });
});
