/**
 * `points.preview` through the real service and a real vault: the bytes it returns are the
 * original file's first bytes (text spanning several chunks, cut inside a multi-byte character;
 * an image whole), only the chunks holding them are read, nothing is written or audited, and a
 * folder, a missing path or an oversized request are refused with the right code.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileKeyStore } from '../../main/service/keys/key-store.js';
import { DeskVaultService } from '../../main/service/index.js';
import type { VaultSession } from '../../main/service/vault-service.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';

/** A tiny valid PNG (1×1, one red pixel). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

/**
 * Deterministic random text (random enough for the chunker to cut it into several chunks), with
 * 2- and 3-byte characters among the letters.
 */
function bigText(bytes: number): Buffer {
  const letters = 'abcdefghijklmnopqrstuvwxyzéüç€ '.split('');
  let seed = 42;
  // mulberry32: a plain LCG's correlated outputs leave the chunker no cut point in megabytes.
  const next = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  const out: string[] = [];
  let n = 0;
  while (n < bytes) {
    const x = next();
    const c = x % 97 === 0 ? '\n' : letters[x % letters.length];
    out.push(c);
    n += Buffer.byteLength(c);
  }
  return Buffer.from(out.join(''));
}

/** How many chunks a file of the point has (walking the point's folder listings). */
async function chunksOf(session: VaultSession, pointId: string, file: string): Promise<number> {
  const index = await session.chunkIndex();
  let tree = await session.vault.readTree(index, (await session.resolvePoint(pointId)).tree);
  for (const name of file.split('/').filter(Boolean)) {
    const node = tree.entries.find((e) => e.name === name)!;
    if (node.type === 'file') return node.chunks!.length;
    tree = await session.vault.readTree(index, node.tree!);
  }
  throw new Error(`${file} is not a file`);
}

function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const p = path.join(e.parentPath, e.name);
      const st = statSync(p);
      return `${path.relative(dir, p)} ${st.size} ${st.mtimeMs}`;
    })
    .sort();
}

describe('points.preview (real service)', () => {
  let home: string;
  let src: string;
  let svc: DeskVaultService;
  let pointId: string;
  const text = bigText(4 * 1024 * 1024);

  beforeAll(async () => {
    home = makeTempDir('dv-prev-home-');
    src = makeTempDir('dv-prev-src-');
    writeFileSync(path.join(src, 'big.txt'), text);
    writeFileSync(path.join(src, 'pixel.png'), PNG);
    writeFileSync(path.join(src, 'noise.bin'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)));
    svc = await DeskVaultService.start({ home, kind: 'test', keyStore: new FileKeyStore(home), background: false });
    await svc.api['plans.create']({ name: 'Files', resources: [{ path: src }], rules: [{ targetVault: 'local', schedule: 'rate(30 days)' }] });
    const job = await svc.api['backups.start']({ plan: 'Files' });
    for (let i = 0; i < 600; i++) {
      const j = await svc.api['jobs.get']({ id: job.id });
      if (j.state === 'COMPLETED') {
        pointId = j.recoveryPointId!;
        break;
      }
      if (['FAILED', 'ABORTED', 'PARTIAL', 'EXPIRED'].includes(j.state)) throw new Error(`backup ${j.state}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(pointId).toMatch(/^[0-9a-f]{64}$/);
  });

  afterAll(async () => {
    await svc?.stop({ cancelJobs: true });
    removeTempDirs();
  });

  it('returns the first bytes of a text file spanning several chunks, cut before a partial character', async () => {
    const maxBytes = 1024 * 1024;
    const p = await svc.call('points.preview', { vault: 'local', point: 'latest', path: path.join(src, 'big.txt'), maxBytes }, 'http');
    expect(p).toMatchObject({ pointId, kind: 'text', mime: 'text/plain', size: text.length, bytesRead: maxBytes, truncated: true, base64: null });
    const got = Buffer.from(p.text!, 'utf8');
    expect(got.length).toBeGreaterThan(maxBytes - 4);
    expect(got.equals(text.subarray(0, got.length))).toBe(true);
  });

  it('reads only the chunks that hold the requested bytes', async () => {
    const session = await svc.registry.open('local');
    const file = path.join(src, 'big.txt');
    await svc.api['points.preview']({ vault: 'local', point: pointId, path: file, maxBytes: 100 }); // folder listings now cached
    const chunks = await chunksOf(session, pointId, file);
    expect(chunks).toBeGreaterThanOrEqual(2);
    const reads = vi.spyOn(session.vault, 'readBlob');
    try {
      const small = await svc.api['points.preview']({ vault: 'local', point: pointId, path: file, maxBytes: 100 });
      expect(Buffer.from(small.text!, 'utf8').equals(text.subarray(0, Buffer.byteLength(small.text!)))).toBe(true);
      expect(reads).toHaveBeenCalledTimes(1);
      reads.mockClear();
      const all = await svc.api['points.preview']({ vault: 'local', point: pointId, path: file, maxBytes: 1024 * 1024 });
      expect(all.bytesRead).toBe(1024 * 1024);
      // 1 MiB, with chunks of at least 512 KiB: one or two chunks read, whatever the file's length.
      expect(reads.mock.calls.length).toBeGreaterThanOrEqual(1);
      expect(reads.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      reads.mockRestore();
    }
  });

  it('returns an image whole, as base64', async () => {
    const p = await svc.api['points.preview']({ vault: 'local', point: pointId, path: path.join(src, 'pixel.png') });
    expect(p).toMatchObject({ kind: 'image', mime: 'image/png', size: PNG.length, truncated: false, text: null });
    expect(Buffer.from(p.base64!, 'base64').equals(readFileSync(path.join(src, 'pixel.png')))).toBe(true);
  });

  it('has no preview for binary data, and sends none of it', async () => {
    const p = await svc.api['points.preview']({ vault: 'local', point: pointId, path: path.join(src, 'noise.bin') });
    expect(p).toMatchObject({ kind: 'binary', mime: 'application/octet-stream', size: 5000, text: null, base64: null });
  });

  it('refuses a folder, a path not in the point and more than 1 MiB', async () => {
    await expect(svc.call('points.preview', { vault: 'local', point: pointId, path: src }, 'http')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(svc.call('points.preview', { vault: 'local', point: pointId, path: path.join(src, 'nope.txt') }, 'http')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(svc.call('points.preview', { vault: 'local', point: pointId, path: path.join(src, 'big.txt'), maxBytes: 1024 * 1024 + 1 }, 'http')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      data: { field: 'maxBytes' },
    });
  });

  it('writes nothing and is not in the audit trail', async () => {
    const before = listTree(home);
    await svc.call('points.preview', { vault: 'local', point: pointId, path: path.join(src, 'big.txt'), maxBytes: 4096 }, 'http');
    expect(listTree(home)).toEqual(before);
    expect((await svc.api['audit.list']({ limit: 1000 })).map((r) => r.action)).not.toContain('points.preview');
  });
});
