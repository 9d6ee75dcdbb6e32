/**
 * `repair index` (docs/vault-format.md, "Packs": a lost index is rebuilt from the packs' own
 * headers). A vault with two points loses all, one, or a damaged index object: `check` must
 * notice (exit 1), `repair index` must rebuild, and then `check --read-data` passes and both
 * points restore byte for byte.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSourceTree,
  copyTree,
  dv,
  expectStatus,
  listObjects,
  makeTempDir,
  parseJson,
  points,
  Prng,
  removeTempDirs,
  restoreDiff,
  show,
} from '../helpers/cli.js';

const SEED = 0x4e9a_2026;
const KiB = 1024;

let template: string;
let proj: string;
let projV1: string; // snapshot of proj as the first point saw it
let firstPoint: string;
let secondPoint: string;
let firstIndex: string; // index/<id> written by the first backup
let secondIndex: string;

beforeAll(() => {
  const root = makeTempDir('dv-it-src-');
  proj = path.join(root, 'proj');
  buildSourceTree(proj, SEED, { files: 80, maxSize: 300 * KiB });
  projV1 = path.join(makeTempDir('dv-it-snap-'), 'proj');
  fs.cpSync(proj, projV1, { recursive: true, verbatimSymlinks: true });
  template = makeTempDir('dv-it-vault-');
  expectStatus(dv(template, 'init'), 0);
  firstPoint = parseJson<{ id: string }>(expectStatus(dv(template, 'backup', ['--json', proj]), 0)).id;
  [firstIndex] = listObjects(template, 'index/');
  // Second state: some files changed, some removed, some added.
  const rng = new Prng(SEED + 1);
  for (const name of fs.readdirSync(proj).sort()) {
    const p = path.join(proj, name);
    if (!fs.lstatSync(p).isFile()) continue;
    const x = rng.next();
    if (x < 0.3) fs.rmSync(p);
    else if (x < 0.6) fs.appendFileSync(p, rng.bytes(rng.int(1, 50 * KiB)));
  }
  buildSourceTree(path.join(proj, 'added'), SEED + 2, { files: 30, maxSize: 200 * KiB, specials: false });
  secondPoint = parseJson<{ id: string }>(expectStatus(dv(template, 'backup', ['--json', proj]), 0)).id;
  secondIndex = listObjects(template, 'index/').find((k) => k !== firstIndex)!;
  expect(listObjects(template, 'index/')).toHaveLength(2);
  expectStatus(dv(template, 'check', ['--read-data']), 0);
});

afterAll(() => {
  removeTempDirs();
});

const rm = (vault: string, key: string): void => fs.rmSync(path.join(vault, ...key.split('/')));

/** check --read-data passes and both points restore byte for byte. */
async function expectRepaired(v: string): Promise<void> {
  const c = dv(v, 'check', ['--read-data']);
  expect(c.status, show(c)).toBe(0);
  expect(points(v).map((p) => p.id).sort()).toEqual([firstPoint, secondPoint].sort());
  expect(await restoreDiff(v, firstPoint, [{ path: proj, expected: projV1 }])).toEqual([]);
  expect(await restoreDiff(v, secondPoint, [proj])).toEqual([]);
}

function repair(v: string): { packs: number; entries: number; damagedPacks: unknown[]; replacedIndexObjects: number } {
  return parseJson(expectStatus(dv(v, ['repair', 'index'], ['--json']), 0));
}

describe('repair index', () => {
  it('rebuilds a vault whose index objects are all gone', async () => {
    const v = copyTree(template);
    for (const k of listObjects(v, 'index/')) rm(v, k);
    const c = dv(v, 'check');
    expect(c.status, show(c)).toBe(1);
    expect(c.stderr).toMatch(/is not in the index/);
    const r = repair(v);
    expect(r.packs).toBe(listObjects(v, 'data/').length + listObjects(v, 'meta/').length);
    expect(r.damagedPacks).toEqual([]);
    expect(r.replacedIndexObjects).toBe(0);
    expect(listObjects(v, 'index/')).toHaveLength(1);
    await expectRepaired(v);
    // The rebuilt index serves deduplication: backing up the same files again stores only folder listings.
    const again = parseJson<{ stats: { storedBytes: number } }>(expectStatus(dv(v, 'backup', ['--json', proj]), 0));
    expect(again.stats.storedBytes).toBeLessThan(64 * KiB);
  });

  it('rebuilds a vault that lost one of its two index objects', async () => {
    const v = copyTree(template);
    rm(v, secondIndex);
    const c = dv(v, 'check');
    expect(c.status, show(c)).toBe(1);
    expect(c.stderr).toMatch(/is not in the index/);
    const r = repair(v);
    expect(r.replacedIndexObjects).toBe(1);
    expect(listObjects(v, 'index/')).toHaveLength(1);
    expect(listObjects(v, 'index/')).not.toContain(firstIndex);
    await expectRepaired(v);
  });

  it('rebuilds a vault with a damaged index object (one byte flipped) and removes the damaged object', async () => {
    const v = copyTree(template);
    const file = path.join(v, ...firstIndex.split('/'));
    const bytes = fs.readFileSync(file);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    fs.writeFileSync(file, bytes);
    const c = dv(v, 'check');
    expect(c.status, show(c)).toBe(1);
    expect(c.stderr).toContain(`${firstIndex} is unreadable`);
    const r = repair(v);
    expect(r.replacedIndexObjects).toBe(2);
    expect(r.damagedPacks).toEqual([]);
    expect(listObjects(v, 'index/')).toHaveLength(1);
    expect(listObjects(v, 'index/')).not.toContain(firstIndex);
    await expectRepaired(v);
  });

  it('a backup after the index is lost re-indexes the packs by itself and reuses them', async () => {
    const v = copyTree(template);
    for (const k of listObjects(v, 'index/')) rm(v, k);
    const b = expectStatus(dv(v, 'backup', ['--json', proj]), 0);
    expect(b.stderr).toMatch(/re-indexed \d+ pack\(s\)/);
    expect(parseJson<{ stats: { storedBytes: number } }>(b).stats.storedBytes).toBeLessThan(64 * KiB);
    const c = dv(v, 'check', ['--read-data']);
    expect(c.status, show(c)).toBe(0);
    expect(await restoreDiff(v, firstPoint, [{ path: proj, expected: projV1 }])).toEqual([]);
    expect(await restoreDiff(v, secondPoint, [proj])).toEqual([]);
  });
});
