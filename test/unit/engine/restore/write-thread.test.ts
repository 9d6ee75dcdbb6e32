/**
 * The restore's write thread on real files: chunks land at their offsets across many small arenas
 * (so batches, arena reuse and waiting for a free arena all happen), completed files get their mode
 * and mtime and their final name, failed and unfinished ones leave nothing behind, and every file
 * given to it is answered for exactly once — including completions sent after the last write.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WriteThread, type WriterFile } from '../../../../main/engine/restore/write-thread.js';
import { makeTempDir, removeTempDirs, xorshiftBytes } from '../../../helpers/engine-fixtures.js';

afterAll(() => removeTempDirs());

const MTIME = 1_700_000_000.5;

function fileList(dir: string, sizes: number[]): WriterFile[] {
  return sizes.map((size, i) => ({ dir, tmpPath: path.join(dir, `.dvrestore-t-${i}`), finalPath: path.join(dir, `f${i}`), size, mode: 0o640, mtime: MTIME }));
}

/** A write thread for files directly in `dir` (a base that exists). */
async function writerIn(dir: string, files: WriterFile[], onResult: (f: number, e: string | null) => void, arenaBytes: number, arenas: number): Promise<WriteThread> {
  const w = new WriteThread(files, onResult, arenaBytes, arenas);
  expect(await w.makeFolders([], [dir])).toEqual([]);
  return w;
}

function results(): { got: Map<number, string | null>; onResult: (f: number, e: string | null) => void } {
  const got = new Map<number, string | null>();
  return {
    got,
    onResult: (f, e) => {
      expect(got.has(f), `file ${f} answered twice`).toBe(false);
      got.set(f, e);
    },
  };
}

describe('WriteThread', () => {
  it('writes chunks at their offsets through many small arenas and puts each file in place with its mode and mtime', async () => {
    const dir = makeTempDir('dv-wt-');
    const CHUNK = 1000;
    const contents = [0, 1, 2, 3].map((i) => xorshiftBytes(i + 1, 7 * CHUNK + i));
    const files = fileList(dir, contents.map((c) => c.length));
    const r = results();
    // Arenas of 2.5 chunks, 2 of them: a batch every two chunks, and waits for the worker.
    const w = await writerIn(dir, files, r.onResult, 2500, 2);
    // Interleaved, last chunk first, as packs deliver them.
    for (let off = 7 * CHUNK; off >= 0; off -= CHUNK) {
      for (const [i, c] of contents.entries()) {
        const part = c.subarray(off, Math.min(off + CHUNK, c.length));
        if (part.length === 0) continue;
        await w.room(part.length);
        w.writeMany([{ file: i, offset: off }], part);
      }
    }
    w.send();
    for (let i = 0; i < contents.length; i++) w.complete(i); // a batch with no arena, after the last write
    await w.end();
    expect([...r.got.entries()].sort()).toEqual([0, 1, 2, 3].map((i) => [i, null]));
    for (const [i, c] of contents.entries()) {
      const p = path.join(dir, `f${i}`);
      expect(fs.readFileSync(p).equals(c)).toBe(true);
      const st = fs.statSync(p);
      expect(st.mode & 0o7777).toBe(0o640);
      expect(st.mtimeMs).toBe(Math.floor(MTIME * 1000));
    }
    expect(fs.readdirSync(dir).sort()).toEqual(['f0', 'f1', 'f2', 'f3']);
    expect(w.unfinished()).toEqual([]);
  });

  it('one copy of a chunk written to several files; a file with no writes is sized, sparse, and complete', async () => {
    const dir = makeTempDir('dv-wt-');
    const chunk = xorshiftBytes(9, 4096);
    const files = fileList(dir, [4096, 8192, 1 << 20]);
    const r = results();
    const w = await writerIn(dir, files, r.onResult, 1 << 16, 2);
    await w.room(chunk.length);
    w.writeMany(
      [
        { file: 0, offset: 0 },
        { file: 1, offset: 4096 },
      ],
      chunk,
    );
    // File 1's first half and all of file 2 are zeros: nothing is written for them.
    for (const i of [0, 1, 2]) w.complete(i);
    await w.end();
    expect(fs.readFileSync(path.join(dir, 'f0')).equals(chunk)).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'f1')).equals(Buffer.concat([Buffer.alloc(4096), chunk]))).toBe(true);
    const st = fs.statSync(path.join(dir, 'f2'));
    expect(st.size).toBe(1 << 20);
    expect(st.blocks * 512, 'no blocks allocated for zeros').toBeLessThan(1 << 20);
    expect(r.got.size).toBe(3);
  });

  it('a failed file is removed and reported with its reason; later writes to it are ignored; others complete', async () => {
    const dir = makeTempDir('dv-wt-');
    const files = fileList(dir, [3000, 3000]);
    const r = results();
    const w = await writerIn(dir, files, r.onResult, 1 << 16, 2);
    const bytes = xorshiftBytes(3, 1000);
    await w.room(2000);
    w.writeMany([{ file: 0, offset: 0 }], bytes);
    w.writeMany([{ file: 1, offset: 0 }], bytes);
    w.send();
    w.fail(0, 'damaged data: chunk 0123 in data/00/x');
    await w.room(1000);
    w.writeMany([{ file: 0, offset: 1000 }], bytes);
    w.complete(1);
    await w.end();
    expect(r.got.get(0)).toBe('damaged data: chunk 0123 in data/00/x');
    expect(r.got.get(1)).toBeNull();
    expect(fs.readdirSync(dir)).toEqual(['f1']);
  });

  it('a file that cannot be created is reported as a write failure', async () => {
    const dir = makeTempDir('dv-wt-');
    // A folder made, then removed behind the thread's back: creating the file fails.
    const sub = path.join(dir, 'gone');
    const files: WriterFile[] = [{ dir: sub, tmpPath: path.join(sub, '.t'), finalPath: path.join(sub, 'f'), size: 10, mode: 0o600, mtime: MTIME }];
    const r = results();
    const w = new WriteThread(files, r.onResult, 1024, 2);
    expect(await w.makeFolders([{ base: dir, rel: ['gone'] }], [dir])).toEqual([]);
    fs.rmdirSync(sub);
    await w.room(10);
    w.writeMany([{ file: 0, offset: 0 }], Buffer.alloc(10, 1));
    w.complete(0);
    await w.end();
    expect(r.got.get(0)).toMatch(/^cannot write: ENOENT/);
  });

  it('end() before a file is complete (a cancelled restore): its temporary file is removed and it stays unanswered', async () => {
    const dir = makeTempDir('dv-wt-');
    const files = fileList(dir, [2000, 10]);
    const r = results();
    const w = await writerIn(dir, files, r.onResult, 1 << 16, 2);
    await w.room(1000);
    w.writeMany([{ file: 0, offset: 0 }], xorshiftBytes(4, 1000));
    w.complete(1);
    await w.end();
    expect(r.got.has(0)).toBe(false);
    expect(w.unfinished()).toEqual([0]);
    expect(fs.readdirSync(dir)).toEqual(['f1']);
    await w.end(); // idempotent
  });

  it('makes folders component by component; a symbolic link or a file on the way fails that folder, and nothing is created through it', async () => {
    const dir = makeTempDir('dv-wt-');
    const outside = makeTempDir('dv-wt-outside-');
    fs.symlinkSync(outside, path.join(dir, 'link'));
    fs.writeFileSync(path.join(dir, 'plain'), 'x');
    const inLink = path.join(dir, 'link', 'sub');
    const made = path.join(dir, 'a', 'b');
    const files: WriterFile[] = [
      { dir: inLink, tmpPath: path.join(inLink, '.t0'), finalPath: path.join(inLink, 'f0'), size: 3, mode: 0o600, mtime: MTIME },
      { dir: made, tmpPath: path.join(made, '.t1'), finalPath: path.join(made, 'f1'), size: 3, mode: 0o600, mtime: MTIME },
      { dir: path.join(dir, 'elsewhere'), tmpPath: path.join(dir, 'elsewhere', '.t2'), finalPath: path.join(dir, 'elsewhere', 'f2'), size: 3, mode: 0o600, mtime: MTIME },
    ];
    const r = results();
    const w = new WriteThread(files, r.onResult, 1024, 2);
    const failed = await w.makeFolders(
      [
        { base: dir, rel: ['link', 'sub'] },
        { base: dir, rel: ['a'] },
        { base: dir, rel: ['a', 'b'] },
        { base: dir, rel: ['plain', 'c'] },
      ],
      [dir],
    );
    expect(failed).toEqual([
      [0, `refusing to restore through the symbolic link ${path.join(dir, 'link')}`],
      [3, `${path.join(dir, 'plain')} exists and is not a folder`],
    ]);
    for (const f of [0, 1, 2]) {
      await w.room(3);
      w.writeMany([{ file: f, offset: 0 }], Buffer.from('abc'));
      w.complete(f);
    }
    await w.end();
    expect(r.got.get(0)).toBe(`refusing to restore through the symbolic link ${path.join(dir, 'link')}`);
    expect(r.got.get(1)).toBeNull();
    expect(r.got.get(2), 'a folder never prepared is never written into').toMatch(/was not prepared for restoring into/);
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(fs.readFileSync(path.join(made, 'f1'), 'utf8')).toBe('abc');
  });
});
