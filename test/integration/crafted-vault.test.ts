/**
 * A vault is data from somewhere else: a restore must stay inside its target whatever the trees
 * say. These points are crafted with the engine's own writer (valid encryption and ids, hostile
 * content): unsafe names, a symlink followed by a later point that writes "through" it, duplicate
 * names, privileged modes. Nothing may appear or change outside the target, and the errors must
 * name what was refused.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobWriter } from '../../main/engine/repo/blob-writer.js';
import { emptyStats, type RecoveryPoint } from '../../main/engine/repo/point.js';
import type { Vault } from '../../main/engine/repo/vault.js';
import { restore, type RestoreOptions, type RestoreResult } from '../../main/engine/restore/restore.js';
import { createVault, makeTempDir, removeTempDirs, snapshotFiles } from '../helpers/engine-fixtures.js';

afterAll(removeTempDirs);

/** Builds blobs for one crafted point; entries are raw JSON, so nothing checks them on the way in. */
class Crafter {
  private constructor(
    private readonly vault: Vault,
    private readonly writer: BlobWriter,
  ) {}

  static async start(vault: Vault): Promise<Crafter> {
    const { index } = await vault.loadIndex();
    return new Crafter(vault, new BlobWriter(vault, index));
  }

  file(name: string, content: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const bytes = Buffer.from(content);
    const chunks: string[] = [];
    if (bytes.length > 0) {
      const id = this.vault.chunkId(bytes);
      this.writer.add('data', id, bytes);
      chunks.push(id.toString('hex'));
    }
    return { name, type: 'file', mode: 0o644, uid: 0, gid: 0, mtimeNs: '1600000000000000000', size: bytes.length, chunks, ...extra };
  }

  dir(name: string, entries: Record<string, unknown>[], extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { name, type: 'dir', mode: 0o755, uid: 0, gid: 0, mtimeNs: '1600000000000000000', tree: this.tree(entries), ...extra };
  }

  symlink(name: string, target: string): Record<string, unknown> {
    return { name, type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtimeNs: '1600000000000000000', target };
  }

  /** Stores a tree exactly as given (no sorting, no checks) and returns its id. */
  tree(entries: Record<string, unknown>[]): string {
    const bytes = Buffer.from(JSON.stringify({ version: 1, entries }));
    const id = this.vault.chunkId(bytes);
    this.writer.add('tree', id, bytes);
    return id.toString('hex');
  }

  /** Writes packs and index, then the manifest whose root tree holds `rootEntries`. */
  async commit(rootEntries: Record<string, unknown>[], paths = ['/crafted']): Promise<RecoveryPoint> {
    const tree = this.tree(rootEntries);
    await this.writer.finish();
    const point: RecoveryPoint = {
      version: 1,
      id: randomBytes(32).toString('hex'),
      time: new Date().toISOString(),
      host: 'crafted',
      user: 'mallory',
      paths,
      tags: [],
      tree,
      parent: null,
      status: 'COMPLETED',
      stats: emptyStats(),
      errors: [],
    };
    await this.vault.putJson(`points/${point.id}`, point);
    return point;
  }
}

async function craft(vault: Vault, build: (c: Crafter) => Record<string, unknown>[]): Promise<RecoveryPoint> {
  const c = await Crafter.start(vault);
  return c.commit(build(c));
}

describe('restoring crafted recovery points', () => {
  let root: string;
  let vault: Vault;
  let n = 0;
  /** Targets two levels below root, so `../../../../x` from target/crafted/bad lands at root/x. */
  const newTarget = (): string => path.join(root, 'targets', `t${++n}`);

  const run = async (point: RecoveryPoint, opts: Omit<RestoreOptions, 'point'>): Promise<RestoreResult> => {
    const { index } = await vault.loadIndex();
    return restore(vault, index, { point, ...opts });
  };

  /**
   * A folder outside every target, with a file in it, for one test: a crafted point aims at it.
   * Its listing, contents, permissions and times must never change.
   */
  interface Outside {
    dir: string;
    snapshot: Map<string, string>;
    stat: { mode: string; mtimeNs: bigint };
  }
  const statOf = (p: string): { mode: string; mtimeNs: bigint } => {
    const st = fs.statSync(p, { bigint: true });
    return { mode: (st.mode & 0o7777n).toString(8), mtimeNs: st.mtimeNs };
  };
  const makeOutside = (): Outside => {
    const dir = path.join(root, `outside-${++n}`);
    fs.mkdirSync(dir);
    fs.chmodSync(dir, 0o750);
    fs.writeFileSync(path.join(dir, 'precious.txt'), 'do not touch');
    fs.chmodSync(path.join(dir, 'precious.txt'), 0o640);
    fs.utimesSync(path.join(dir, 'precious.txt'), 1_000_000_000, 1_000_000_000);
    fs.utimesSync(dir, 1_000_000_000, 1_000_000_000);
    return { dir, snapshot: snapshotFiles(dir), stat: statOf(dir) };
  };

  const expectOutsideUntouched = (out: Outside): void => {
    expect(snapshotFiles(out.dir)).toEqual(out.snapshot);
    expect(statOf(out.dir), 'permissions and mtime of the folder outside the target').toEqual(out.stat);
    expect(statOf(path.join(out.dir, 'precious.txt'))).toEqual({ mode: '640', mtimeNs: 1_000_000_000_000_000_000n });
    // Nothing else appeared next to the targets, nor at the top of the file system.
    expect(fs.readdirSync(root).filter((e) => e !== 'vault' && e !== 'targets' && !e.startsWith('outside-'))).toEqual([]);
    for (const p of ['/escape-abs', '/escape-rel', '/escape-bs', '/etc/deskvault-crafted', '/crafted']) expect(fs.existsSync(p), p).toBe(false);
  };

  const messages = (r: RestoreResult): string => r.errors.map((e) => `${e.path}: ${e.message}`).join('\n');

  beforeAll(async () => {
    root = makeTempDir();
    vault = await createVault(path.join(root, 'vault'));
    fs.mkdirSync(path.join(root, 'targets'));
  });

  /** `<root>` stands for the test's temporary folder (known only once it exists). */
  it.each([['..'], ['.'], ['../../../../escape-rel'], ['../../etc'], ['a/b'], ['..\\..\\..\\..\\escape-bs'], ['<root>/escape-abs'], ['/escape-abs'], ['/etc/deskvault-crafted'], [''], ['nul\0name']])(
    'refuses the entry name %j as a file, a folder and a symlink',
    async (template) => {
      const name = template.replace('<root>', root);
      const out = makeOutside();
      const outside = out.dir;
      const point = await craft(vault, (c) => [
        c.dir('crafted', [
          c.dir('bad', [c.file(name, 'escaped file')]),
          c.dir('bad-dir', [c.dir(name, [c.file('deskvault-crafted', 'escaped through a folder')])]),
          c.dir('bad-link', [c.symlink(name, outside)]),
          c.dir('good', [c.file('fine.txt', 'fine')]),
        ]),
      ]);
      const target = newTarget();
      const r = await run(point, { mode: { kind: 'target', dir: target } });
      expectOutsideUntouched(out);
      // The folders holding the unsafe name are refused and named, with the name in the message.
      const errs = r.errors.map((e) => e.path).sort();
      expect(errs).toEqual(['/crafted/bad', '/crafted/bad-dir', '/crafted/bad-link']);
      for (const e of r.errors) expect(e.message).toContain(JSON.stringify(name));
      // The rest of the point still restores, and only the safe content exists.
      expect(fs.readFileSync(path.join(target, 'crafted', 'good', 'fine.txt'), 'utf8')).toBe('fine');
      expect([...snapshotFiles(target).keys()]).toEqual(['crafted/', 'crafted/bad/', 'crafted/bad-dir/', 'crafted/bad-link/', 'crafted/good/', 'crafted/good/fine.txt']);
    },
  );

  it('refuses an unsafe name in the root tree itself (target, and an explicit path)', async () => {
    const out = makeOutside();
    const outside = out.dir;
    const point = await craft(vault, (c) => [c.dir('..', [c.file('x', 'x'), c.symlink('l', outside)]), c.file('ok', 'ok')]);
    const target = newTarget();
    const r = await run(point, { mode: { kind: 'target', dir: target } });
    expect(messages(r)).toContain('".."');
    expectOutsideUntouched(out);
    expect(fs.existsSync(path.join(target, 'ok'))).toBe(false); // the whole root listing is refused
    await expect(run(point, { mode: { kind: 'into', dir: newTarget() }, paths: ['/ok'] })).rejects.toMatchObject({ code: 'UNSAFE_PATH' });
    await expect(run(point, { mode: { kind: 'target', dir: newTarget() }, paths: ['/../x'] })).rejects.toMatchObject({ code: expect.stringMatching(/UNSAFE_PATH|NOT_FOUND/) });
    expectOutsideUntouched(out);
  });

  it('refuses duplicate names (a folder and a symlink called the same) without creating either', async () => {
    const out = makeOutside();
    const outside = out.dir;
    const point = await craft(vault, (c) => [
      c.dir('crafted', [c.dir('dup', [c.file('deskvault-crafted', 'through the link?')]), c.symlink('dup', outside), c.file('dup', 'and a file')]),
    ]);
    const target = newTarget();
    const r = await run(point, { mode: { kind: 'target', dir: target } });
    expect(r.errors.map((e) => e.path)).toEqual(['/crafted']);
    expect(r.errors[0].message).toContain('"dup"');
    expect(r.errors[0].message).toMatch(/twice/);
    expect(fs.existsSync(path.join(target, 'crafted', 'dup'))).toBe(false);
    expectOutsideUntouched(out);
  });

  it('a later point cannot write through a symlink an earlier point restored (files, folder metadata)', async () => {
    const out = makeOutside();
    const outside = out.dir;
    const p1 = await craft(vault, (c) => [c.dir('crafted', [c.symlink('link', outside), c.file('a.txt', 'first')])]);
    // Same place, now a folder: its files and its metadata (mode 0777, mtime 1970) must not reach `outside`.
    const p2 = await craft(vault, (c) => [
      c.dir('crafted', [
        c.dir('link', [c.file('planted.txt', 'planted through the link'), c.file('precious.txt', 'overwritten through the link'), c.dir('sub', [c.file('deep.txt', 'deep')], { mode: 0o777 })], { mode: 0o777, mtimeNs: '0' }),
        c.file('a.txt', 'second'),
      ]),
    ]);
    const target = newTarget();
    const r1 = await run(p1, { mode: { kind: 'target', dir: target } });
    expect(r1.errors).toEqual([]);
    expect(fs.readlinkSync(path.join(target, 'crafted', 'link'))).toBe(outside);
    for (const conflict of ['keep-both', 'overwrite', 'skip'] as const) {
      const r2 = await run(p2, { mode: { kind: 'target', dir: target }, conflict });
      expectOutsideUntouched(out);
      expect(r2.errors.length, conflict).toBeGreaterThan(0);
      expect(messages(r2)).toMatch(/symbolic link/);
      expect(r2.errors.every((e) => e.path.startsWith('/crafted/link'))).toBe(true);
      // The link is still a link, and nothing was written below it.
      expect(fs.lstatSync(path.join(target, 'crafted', 'link')).isSymbolicLink()).toBe(true);
    }
    // Restoring only the folder, by path, is refused as well.
    const r3 = await run(p2, { mode: { kind: 'target', dir: target }, paths: ['/crafted/link'], conflict: 'overwrite' });
    expect(r3.errors.length).toBeGreaterThan(0);
    expectOutsideUntouched(out);
  });

  it('`into` with two selections of the same name (a folder and a symlink) never writes through the link', async () => {
    const out = makeOutside();
    const outside = out.dir;
    const point = await craft(vault, (c) => [
      c.dir('crafted', [c.dir('a', [c.symlink('x', outside)]), c.dir('b', [c.dir('x', [c.file('deskvault-crafted', 'x')], { mode: 0o777, mtimeNs: '0' })])]),
    ]);
    for (const order of [
      ['/crafted/a/x', '/crafted/b/x'],
      ['/crafted/b/x', '/crafted/a/x'],
    ]) {
      const dir = newTarget();
      await run(point, { mode: { kind: 'into', dir }, paths: order });
      expectOutsideUntouched(out);
      expect(fs.lstatSync(path.join(dir, 'x')).isDirectory()).toBe(true);
    }
  });

  it('an existing symlink in the target is replaced by a restored file, never followed', async () => {
    const out = makeOutside();
    const outside = out.dir;
    const point = await craft(vault, (c) => [c.dir('crafted', [c.file('precious.txt', 'restored content')])]);
    const target = newTarget();
    fs.mkdirSync(path.join(target, 'crafted'), { recursive: true });
    fs.symlinkSync(path.join(outside, 'precious.txt'), path.join(target, 'crafted', 'precious.txt'));
    for (const conflict of ['skip', 'keep-both', 'overwrite'] as const) {
      const r = await run(point, { mode: { kind: 'target', dir: target }, conflict });
      expect(r.errors).toEqual([]);
      expectOutsideUntouched(out);
    }
    expect(fs.lstatSync(path.join(target, 'crafted', 'precious.txt')).isFile()).toBe(true);
    expect(fs.readFileSync(path.join(target, 'crafted', 'precious.txt'), 'utf8')).toBe('restored content');
  });

  it('an existing symlink on the way to the target (a parent folder) is refused', async () => {
    const out = makeOutside();
    const outside = out.dir;
    const point = await craft(vault, (c) => [c.dir('crafted', [c.dir('sub', [c.file('deskvault-crafted', 'x')])])]);
    const target = newTarget();
    fs.mkdirSync(target, { recursive: true });
    fs.symlinkSync(outside, path.join(target, 'crafted'));
    const r = await run(point, { mode: { kind: 'target', dir: target } });
    expect(messages(r)).toMatch(/symbolic link/);
    expectOutsideUntouched(out);
    const r2 = await run(point, { mode: { kind: 'target', dir: target }, paths: ['/crafted/sub/deskvault-crafted'] });
    expect(messages(r2)).toMatch(/symbolic link/);
    expectOutsideUntouched(out);
  });

  it('drops setuid and setgid bits from restored files', async () => {
    const out = makeOutside();
    const point = await craft(vault, (c) => [c.dir('crafted', [c.file('suid', '#!/bin/sh\n', { mode: 0o6755 }), c.dir('sticky', [], { mode: 0o1777 })])]);
    const target = newTarget();
    const r = await run(point, { mode: { kind: 'target', dir: target } });
    expect(r.errors).toEqual([]);
    expect(fs.statSync(path.join(target, 'crafted', 'suid')).mode & 0o7777).toBe(0o755);
    expect(fs.statSync(path.join(target, 'crafted', 'sticky')).mode & 0o7777).toBe(0o1777);
    expectOutsideUntouched(out);
  });
});
