/**
 * Damage on disk: one flipped byte inside a pack. A restore must name every file the damage
 * affects, never leave wrong bytes under a real name, and restore everything else intact.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backup } from '../../main/engine/backup/backup.js';
import type { ChunkIndex } from '../../main/engine/repo/chunk-index.js';
import { packKey } from '../../main/engine/repo/pack-format.js';
import type { RecoveryPoint } from '../../main/engine/repo/point.js';
import type { TreeNode } from '../../main/engine/repo/tree.js';
import { Vault } from '../../main/engine/repo/vault.js';
import { restore } from '../../main/engine/restore/restore.js';
import { LocalStore } from '../../main/engine/storage/local-store.js';
import { createVault, listObjects, makeTempDir, PASSPHRASE, removeTempDirs, snapshotFiles } from '../helpers/engine-fixtures.js';

afterAll(removeTempDirs);

interface Setup {
  root: string;
  src: string;
  vaultDir: string;
  point: RecoveryPoint;
  files: Map<string, Buffer>;
}

/** A source folder with files of several chunks each, two identical files, and a sub-folder. */
async function setUp(): Promise<Setup> {
  const root = makeTempDir();
  const src = path.join(root, 'src');
  fs.mkdirSync(path.join(src, 'sub'), { recursive: true });
  const files = new Map<string, Buffer>();
  const add = (rel: string, content: Buffer): void => {
    fs.writeFileSync(path.join(src, rel), content);
    files.set(path.join(src, rel), content);
  };
  add('victim.bin', randomBytes(200 * 1024));
  for (let i = 0; i < 6; i++) add(`other-${i}.bin`, randomBytes(60 * 1024 + i));
  add('small.txt', Buffer.from('small and alone'));
  const same = randomBytes(50 * 1024);
  add('dup-a.bin', same);
  add(path.join('sub', 'dup-b.bin'), same);
  add(path.join('sub', 'in-sub.txt'), Buffer.from('a file in a sub-folder'));
  const vaultDir = path.join(root, 'vault');
  const vault = await createVault(vaultDir);
  const { point } = await backup(vault, { paths: [src] });
  expect(point.status).toBe('COMPLETED');
  return { root, src, vaultDir, point, files };
}

async function openVault(dir: string): Promise<{ vault: Vault; index: ChunkIndex }> {
  const vault = await Vault.open(new LocalStore(dir), PASSPHRASE);
  const { index } = await vault.loadIndex();
  return { vault, index };
}

async function nodeAt(vault: Vault, index: ChunkIndex, point: RecoveryPoint, absPath: string): Promise<TreeNode> {
  let tree = await vault.readTree(index, point.tree);
  let node: TreeNode | undefined;
  for (const c of absPath.split('/').filter(Boolean)) {
    node = tree.entries.find((e) => e.name === c);
    if (!node) throw new Error(`${absPath} not in the point`);
    if (node.type === 'dir') tree = await vault.readTree(index, node.tree!);
  }
  return node!;
}

/** Flips one byte in the middle of a blob's sealed bytes, in place in its pack file. */
function damageBlob(vaultDir: string, index: ChunkIndex, idHex: string): string {
  const loc = index.get(Buffer.from(idHex, 'hex'));
  if (!loc) throw new Error('blob not indexed');
  const key = packKey(loc.packKind, loc.packId);
  const file = path.join(vaultDir, ...key.split('/'));
  const fd = fs.openSync(file, 'r+');
  try {
    const at = loc.offset + Math.floor(loc.length / 2);
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, at);
    b[0] ^= 0x10;
    fs.writeSync(fd, b, 0, 1, at);
  } finally {
    fs.closeSync(fd);
  }
  return key;
}

/** Every file of the point whose chunk list contains chunk `idHex`. */
async function filesUsing(vault: Vault, index: ChunkIndex, s: Setup, idHex: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of s.files.keys()) if ((await nodeAt(vault, index, s.point, p)).chunks?.includes(idHex)) out.push(p);
  return out.sort();
}

function expectRestoredExceptDamaged(s: Setup, target: string, damaged: string[]): void {
  for (const [p, content] of s.files) {
    const restored = path.join(target, p);
    if (damaged.includes(p)) {
      // No wrong bytes under the real name: the file is simply absent.
      expect(fs.existsSync(restored), p).toBe(false);
    } else {
      expect(fs.readFileSync(restored).equals(content), p).toBe(true);
    }
  }
  const leftovers = [...snapshotFiles(target).keys()].filter((k) => path.basename(k).startsWith('.dvrestore-'));
  expect(leftovers).toEqual([]);
}

describe('restore from a vault with a damaged data pack', () => {
  it('names the damaged file, writes nothing wrong, and restores every other file (including those in the same pack)', async () => {
    const s = await setUp();
    const { vault, index } = await openVault(s.vaultDir);
    const victim = await nodeAt(vault, index, s.point, path.join(s.src, 'victim.bin'));
    expect(victim.chunks!.length).toBeGreaterThan(3);
    const damagedChunk = victim.chunks![2];
    const packKeyDamaged = damageBlob(s.vaultDir, index, damagedChunk);
    expect(packKeyDamaged.startsWith('data/')).toBe(true);
    expect(listObjects(s.vaultDir, 'data/')).toContain(packKeyDamaged);
    // Some other file shares the damaged pack, so its neighbours in the pack are really exercised.
    const loc = index.get(Buffer.from(damagedChunk, 'hex'))!;
    const neighbours: string[] = [];
    for (const p of s.files.keys()) {
      const node = await nodeAt(vault, index, s.point, p);
      if (p !== path.join(s.src, 'victim.bin') && node.chunks?.some((c) => index.get(Buffer.from(c, 'hex'))?.packId === loc.packId)) neighbours.push(p);
    }
    expect(neighbours.length).toBeGreaterThan(0);

    const target = path.join(s.root, 'target');
    const res = await restore(vault, index, { point: s.point, mode: { kind: 'target', dir: target } });
    const affected = await filesUsing(vault, index, s, damagedChunk);
    expect(affected).toEqual([path.join(s.src, 'victim.bin')]);
    expect(res.errors.map((e) => e.path)).toEqual(affected);
    expect(res.errors[0].message).toMatch(/damaged|authentic|integrity/i);
    expect(res.files).toBe(s.files.size - 1);
    expectRestoredExceptDamaged(s, target, affected);
  });

  it('a damaged chunk shared by two files (deduplicated) is reported for both', async () => {
    const s = await setUp();
    const { vault, index } = await openVault(s.vaultDir);
    const a = await nodeAt(vault, index, s.point, path.join(s.src, 'dup-a.bin'));
    const b = await nodeAt(vault, index, s.point, path.join(s.src, 'sub', 'dup-b.bin'));
    expect(b.chunks).toEqual(a.chunks);
    damageBlob(s.vaultDir, index, a.chunks![0]);
    const target = path.join(s.root, 'target');
    const res = await restore(vault, index, { point: s.point, mode: { kind: 'target', dir: target } });
    const affected = [path.join(s.src, 'dup-a.bin'), path.join(s.src, 'sub', 'dup-b.bin')].sort();
    expect(res.errors.map((e) => e.path).sort()).toEqual(affected);
    expectRestoredExceptDamaged(s, target, affected);
  });

  it('selected-path and `into` restores report the damaged file the same way', async () => {
    const s = await setUp();
    const { vault, index } = await openVault(s.vaultDir);
    const victimPath = path.join(s.src, 'victim.bin');
    const victim = await nodeAt(vault, index, s.point, victimPath);
    damageBlob(s.vaultDir, index, victim.chunks![victim.chunks!.length - 1]);
    const dir = path.join(s.root, 'into');
    const res = await restore(vault, index, { point: s.point, mode: { kind: 'into', dir }, paths: [victimPath, path.join(s.src, 'small.txt')] });
    expect(res.errors.map((e) => e.path)).toEqual([victimPath]);
    expect(fs.readdirSync(dir)).toEqual(['small.txt']);
  });

  it('a damaged folder listing (tree) is reported by the folder path, and the rest restores', async () => {
    const s = await setUp();
    const { vault, index } = await openVault(s.vaultDir);
    const sub = await nodeAt(vault, index, s.point, path.join(s.src, 'sub'));
    damageBlob(s.vaultDir, index, sub.tree!);
    // A fresh vault object: no tree cached from reading the point above.
    const fresh = await openVault(s.vaultDir);
    const target = path.join(s.root, 'target');
    const res = await restore(fresh.vault, fresh.index, { point: s.point, mode: { kind: 'target', dir: target } });
    expect(res.errors.map((e) => e.path)).toEqual([path.join(s.src, 'sub')]);
    const lost = [path.join(s.src, 'sub', 'dup-b.bin'), path.join(s.src, 'sub', 'in-sub.txt')];
    expectRestoredExceptDamaged(s, target, lost);
  });
});
