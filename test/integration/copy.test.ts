/**
 * Copying recovery points between vaults: with shared chunking only missing chunks travel, with
 * different chunking files are re-chunked; both are idempotent and restore byte for byte.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup } from '../../main/engine/backup/backup.js';
import { check } from '../../main/engine/check/check.js';
import { copyPoints } from '../../main/engine/copy/copy.js';
import { Vault } from '../../main/engine/repo/vault.js';
import { restore } from '../../main/engine/restore/restore.js';
import { LocalStore } from '../../main/engine/storage/local-store.js';
import { buildSourceTree, diffTrees, dvAsync, expectStatus, parseJson, runCliAsync } from '../helpers/cli.js';
import { SMALL_CHUNKER, SMALL_PACK } from '../helpers/engine-fixtures.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';

let src: string;
beforeAll(() => {
  src = path.join(makeTempDir('dv-copysrc-'), 'data');
  buildSourceTree(src, 21, { files: 40, maxSize: 120 * 1024, specials: true });
});
afterAll(() => removeTempDirs());

async function newVault(opts: { copyParamsFrom?: Vault; chunker?: typeof SMALL_CHUNKER } = {}): Promise<Vault> {
  return Vault.init(new LocalStore(path.join(makeTempDir('dv-copy-'), 'v')), { passphrase: 'pw', packSize: SMALL_PACK, chunker: opts.chunker ?? SMALL_CHUNKER, copyParamsFrom: opts.copyParamsFrom });
}

async function restoresTo(v: Vault, pointId: string, expected: string): Promise<void> {
  const { index } = await v.loadIndex();
  const point = await v.resolvePoint(pointId);
  const target = makeTempDir('dv-copyrestore-');
  const r = await restore(v, index, { point, mode: { kind: 'target', dir: target } });
  expect(r.errors).toEqual([]);
  expect(diffTrees(expected, path.join(target, src))).toEqual([]);
}

describe('copy with shared chunking (--copy-params-from)', () => {
  it('transfers only what the target lacks, keeps point ids, and is idempotent', async () => {
    const a = await newVault();
    const p1 = (await backup(a, { paths: [src] })).point;
    const b = await newVault({ copyParamsFrom: a });
    const first = await copyPoints(a, b, [p1]);
    expect(first).toMatchObject({ copied: [p1.id], skipped: [], rechunked: false });
    expect(first.blobsCopied).toBeGreaterThan(40);
    await restoresTo(b, p1.id, src);
    // A second point that changes one file: only its new chunks (and changed trees) travel.
    fs.appendFileSync(path.join(src, fs.readdirSync(src).find((n) => fs.statSync(path.join(src, n)).isFile())!), 'changed');
    const p2 = (await backup(a, { paths: [src] })).point;
    const second = await copyPoints(a, b, [p1, p2]);
    expect(second.copied).toEqual([p2.id]);
    expect(second.skipped).toEqual([p1.id]);
    expect(second.blobsCopied).toBeLessThan(10);
    await restoresTo(b, p2.id, src);
    expect((await check(b, { readData: true })).problems).toEqual([]);
  });
});

describe('copy between vaults with different chunking', () => {
  it('re-chunks, says so, and restores byte for byte', async () => {
    const a = await newVault();
    const p = (await backup(a, { paths: [src] })).point;
    const c = await newVault({ chunker: { minSize: 2048, avgSize: 8192, maxSize: 32768 } });
    const notes: string[] = [];
    const r = await copyPoints(a, c, [p], { onNotice: (m) => notes.push(m) });
    expect(r.rechunked).toBe(true);
    expect(notes.join('\n')).toMatch(/re-chunked/);
    await restoresTo(c, p.id, src);
    expect((await check(c, { readData: true })).problems).toEqual([]);
    expect((await copyPoints(a, c, [p])).skipped).toEqual([p.id]);
  });
});

describe('deskvault copy', () => {
  it('copies all points with the target passphrase from DESKVAULT_TO_PASSWORD', async () => {
    const a = path.join(makeTempDir('dv-copycli-'), 'a');
    const b = path.join(makeTempDir('dv-copycli-'), 'b');
    expectStatus(await dvAsync(a, 'init'), 0);
    expectStatus(await dvAsync(a, 'backup', [src]), 0);
    expectStatus(await dvAsync(b, 'init', [], { env: { DESKVAULT_PASSWORD: 'other' } }), 0);
    const r = parseJson<{ copied: string[] }>(expectStatus(await runCliAsync(['copy', '--from', a, '--to', b, '--json'], { env: { DESKVAULT_TO_PASSWORD: 'other' } }), 0));
    expect(r.copied).toHaveLength(1);
    const target = makeTempDir('dv-copycli-r-');
    expectStatus(await dvAsync(b, 'restore', ['latest', '--target', target], { env: { DESKVAULT_PASSWORD: 'other' } }), 0);
    expect(diffTrees(src, path.join(target, src))).toEqual([]);
  });
});
