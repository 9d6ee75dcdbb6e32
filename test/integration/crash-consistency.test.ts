/**
 * Crash consistency of the CLI (docs/vault-format.md, "Write order and crash safety" and
 * "Two-phase prune"): a process SIGKILLed at any crash point (DESKVAULT_CRASH_AT=N: inside
 * LocalStore.put — before write, after write, after fsync, after rename — and before each delete)
 * must leave a vault that `check` accepts, that the next run of the same command completes, and
 * whose points restore byte for byte. Instants come from a seeded PRNG, so any failure replays
 * exactly: the failure message names the instant.
 *
 * Each instant runs on a fresh copy of a template vault. Sweeps run two instants side by side
 * (DV_IT_JOBS to change).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSourceTree,
  chooseInstants,
  copyTree,
  countCrashPoints,
  dv,
  dvAsync,
  expectStatus,
  expireLeases,
  killStarted,
  listObjects,
  listPackKeys,
  listTmpFiles,
  makeTempDir,
  parseJson,
  points,
  pool,
  Prng,
  removeTempDirs,
  restoreDiff,
  show,
  SWEEP_JOBS,
  type RunResult,
} from '../helpers/cli.js';

const SEED = 0x5eed_2026;
const KiB = 1024;
const MiB = 1024 * KiB;

interface BackupJson {
  id: string;
  status: string;
  stats: { files: number; bytes: number; storedBytes: number; newChunks: number };
}

interface PruneJson {
  packsDeleted: number;
  packsRepacked: number;
  packsPending: number;
  packsRescued: number;
  reclaimableBytes: number;
}

function packBytes(vault: string, keys: string[]): number {
  return keys.reduce((a, k) => a + fs.statSync(path.join(vault, ...k.split('/'))).size, 0);
}

afterAll(async () => {
  await killStarted();
  removeTempDirs();
});

// ---------------------------------------------------------------------------------------------
describe('backup killed at any crash point', () => {
  let srcRoot: string;
  let docs: string; // backed up once into the template, before the crashing backups
  let big: string; // what the crashing backup writes: several 16 MiB data packs
  let template: string;
  let docsPoint: string;
  let count = 0;
  let fullStored = 0;
  let fullPacks = 0;
  let fullDataPacks = 0;

  beforeAll(async () => {
    srcRoot = makeTempDir('dv-it-src-');
    docs = path.join(srcRoot, 'docs');
    big = path.join(srcRoot, 'big');
    buildSourceTree(docs, SEED + 1, { files: 40, maxSize: 64 * KiB });
    // ~20 MiB stored (mostly random): 2 data packs at the default 16 MiB pack size, + 1 meta pack.
    buildSourceTree(big, SEED + 2, { files: 150, maxSize: 300 * KiB, bigFiles: 2, bigSize: 5 * MiB });
    template = makeTempDir('dv-it-vault-');
    expectStatus(dv(template, 'init'), 0);
    docsPoint = parseJson<BackupJson>(expectStatus(dv(template, 'backup', ['--json', docs]), 0)).id;

    count = await countCrashPoints(async (n) => {
      const v = copyTree(template);
      const r = await dvAsync(v, 'backup', [big], { crashAt: n });
      fs.rmSync(v, { recursive: true, force: true });
      return r;
    });
    const v = copyTree(template);
    // The first instant past the last crash point: a normal, complete backup.
    const full = expectStatus(await dvAsync(v, 'backup', ['--json', big], { crashAt: count + 1 }), 0);
    fullStored = parseJson<BackupJson>(full).stats.storedBytes;
    fullPacks = listPackKeys(v).length - listPackKeys(template).length;
    fullDataPacks = listObjects(v, 'data/').length - listObjects(template, 'data/').length;
    fs.rmSync(v, { recursive: true, force: true });
  });

  it('passes a crash point at every durable step (lease, each pack, index, manifest, lease release)', () => {
    expect(fullDataPacks, 'the backup should fill several data packs').toBeGreaterThanOrEqual(2);
    // 4 per put (lease, each pack, index, manifest) + 1 per delete (the lease at the end). The
    // lease is not renewed before the manifest: a backup of seconds holds a fresh one
    // (test/unit/engine/repo/leases.test.ts covers the renewal of a lease that is due).
    expect(count).toBe(4 * (1 + fullPacks + 1 + 1) + 1);
    const v = copyTree(template);
    expect(dv(v, 'backup', [big], { crashAt: count }).signal, `instant ${count} is the last crash point`).toBe('SIGKILL');
  });

  it('after a crash at any of ~10 seeded instants: check passes, the next backup completes and reuses what was written, and every point restores byte for byte', async () => {
    const instants = chooseInstants(count, 10, SEED);
    // The prime reuse case: every pack written, index not yet (index and manifest are the last
    // two puts, then the lease delete: the index's "before write" is instant count - 8).
    const allPacksNoIndex = count - 8;
    if (!instants.includes(allPacksNoIndex)) instants.push(allPacksNoIndex);
    instants.sort((a, b) => a - b);
    console.info(`backup: ${count} crash points; instants ${instants.join(', ')} (replay: DESKVAULT_CRASH_AT=N)`);
    const templatePacks = new Set(listPackKeys(template));
    const templateIndexes = listObjects(template, 'index/').length;
    const reuse: { n: number; orphanBytes: number; stored: number }[] = [];

    const failures = await pool(instants, SWEEP_JOBS, async (n) => {
      const problems: string[] = [];
      const fail = (what: string, r?: RunResult): void => void problems.push(`instant ${n}: ${what}${r ? `\n${show(r)}` : ''}`);
      const v = copyTree(template);
      try {
        const crash = await dvAsync(v, 'backup', [big], { crashAt: n });
        if (crash.signal !== 'SIGKILL') return [`instant ${n}: backup was not killed\n${show(crash)}`];

        const newData = listObjects(v, 'data/').filter((k) => !templatePacks.has(k));
        const indexWritten = listObjects(v, 'index/').length > templateIndexes;
        const orphanBytes = indexWritten ? 0 : packBytes(v, newData);

        const c1 = await dvAsync(v, 'check');
        if (c1.status !== 0) fail('check after the crash failed', c1);

        const again = await dvAsync(v, 'backup', ['--json', big]);
        if (again.status !== 0) {
          fail('the backup after the crash did not complete', again);
          return problems;
        }
        const stored = parseJson<BackupJson>(again).stats.storedBytes;
        if (orphanBytes > 0) {
          reuse.push({ n, orphanBytes, stored });
          if (!/re-indexed \d+ pack/.test(again.stderr)) fail('packs left by the crash were not re-indexed (no "re-indexed" note)', again);
          // Everything in the orphan packs is reused: only the rest is stored again.
          if (stored > fullStored - orphanBytes * 0.9) fail(`stored ${stored} B again although ${orphanBytes} B of packs were already written (full backup: ${fullStored} B)`);
        }
        if (indexWritten && stored > fullStored * 0.05) fail(`stored ${stored} B again although the crashed run had indexed its packs`);

        const c2 = await dvAsync(v, 'check', ['--read-data']);
        if (c2.status !== 0) fail('check --read-data after the recovery backup failed', c2);

        // Every point restores: the template's, the recovery backup's, and the crashed run's if
        // its manifest made it (a point that exists is whole).
        const pts = parseJson<{ id: string; paths: string[] }[]>(await dvAsync(v, 'points', ['--json']));
        if (pts.length < 2 || pts.length > 3) fail(`expected 2 or 3 points, found ${pts.length}`);
        for (const p of pts) {
          const src = p.id === docsPoint ? docs : big;
          problems.push(...(await restoreDiff(v, p.id, [src])).map((d) => `instant ${n}: ${d}`));
        }
      } finally {
        fs.rmSync(v, { recursive: true, force: true });
      }
      return problems;
    });

    expect(failures.flat()).toEqual([]);
    // The sweep really exercised reuse of packs left by an interrupted backup, several packs' worth.
    expect(reuse.length).toBeGreaterThan(0);
    expect(Math.max(...reuse.map((r) => r.orphanBytes))).toBeGreaterThan(16 * MiB);
  });

  it('a second crash, while the next backup re-indexes the packs the first one left, loses nothing either', async () => {
    // First crash: every pack written, no index. The next backup takes its lease (crash points
    // 1–4), then writes one index object for the orphans (5–8): kill it inside that write.
    for (const second of [6, 8]) {
      const v = copyTree(template);
      expect(dv(v, 'backup', [big], { crashAt: count - 8 }).signal).toBe('SIGKILL');
      const c2 = dv(v, 'backup', [big], { crashAt: second });
      expect(c2.signal, `second crash at ${second}: ${show(c2)}`).toBe('SIGKILL');
      expectStatus(dv(v, 'check'), 0);
      const again = parseJson<BackupJson>(expectStatus(dv(v, 'backup', ['--json', big]), 0));
      expect(again.stats.storedBytes, `second crash at ${second}`).toBeLessThan(fullStored * 0.05);
      expectStatus(dv(v, 'check', ['--read-data']), 0);
      expect(await restoreDiff(v, 'latest', [big])).toEqual([]);
      fs.rmSync(v, { recursive: true, force: true });
    }
  });

  it('the next writer removes unfinished writes (.tmp-*) older than a day', () => {
    // docs/vault-format.md: ".tmp-* files are removed by the next writer when older than a day".
    const v = copyTree(template);
    // Crash points 5–7 are inside the first pack write (after the 4 of the lease): a .tmp-* is left.
    const crash = dv(v, 'backup', [big], { crashAt: 6 });
    expect(crash.signal, show(crash)).toBe('SIGKILL');
    const tmps = listTmpFiles(v);
    expect(tmps.length).toBeGreaterThan(0);
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    for (const t of tmps) fs.utimesSync(t, twoDaysAgo, twoDaysAgo);
    expectStatus(dv(v, 'backup', [docs]), 0);
    expectStatus(dv(v, 'check'), 0);
    expect(listTmpFiles(v), 'stale .tmp-* files should have been removed by the backup').toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('prune and forget --prune killed at any crash point', () => {
  let srcRoot: string;
  let proj: string; // backed up twice; the first point is forgotten
  let other: string; // its own point (another path group), never forgotten
  let revived: string; // copies of files only the forgotten point had
  let beforeForget: string; // vault: proj v1, other, proj v2
  let template: string; // same after forget --keep-last 1
  let pruneCount = 0;
  let forgetCount = 0;
  /** What `prune --dry-run` still finds after an uninterrupted forget --prune + prune. */
  let cleanLeftover = 0;

  beforeAll(async () => {
    srcRoot = makeTempDir('dv-it-src-');
    proj = path.join(srcRoot, 'proj');
    other = path.join(srcRoot, 'other');
    revived = path.join(srcRoot, 'revived');
    buildSourceTree(proj, SEED + 10, { files: 120, maxSize: 200 * KiB });
    buildSourceTree(other, SEED + 11, { files: 30, maxSize: 64 * KiB });
    beforeForget = makeTempDir('dv-it-vault-');
    expectStatus(dv(beforeForget, 'init'), 0);
    expectStatus(dv(beforeForget, 'backup', [proj]), 0);
    expectStatus(dv(beforeForget, 'backup', [other]), 0);

    // proj v2: most files deleted (their copies go to `revived`), a few changed, some added, so
    // v1's packs become partly garbage (repack) or entirely (delete).
    const rng = new Prng(SEED + 12);
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile()) files.push(p);
      }
    };
    walk(proj);
    fs.mkdirSync(revived);
    for (const [i, f] of files.entries()) {
      const x = rng.next();
      if (x < 0.65) {
        if (i % 3 === 0) fs.copyFileSync(f, path.join(revived, `r${i}-${path.basename(f)}`));
        fs.rmSync(f);
      } else if (x < 0.75) fs.appendFileSync(f, rng.bytes(rng.int(1, 20 * KiB)));
    }
    buildSourceTree(path.join(proj, 'added'), SEED + 13, { files: 40, maxSize: 200 * KiB, specials: false });
    expectStatus(dv(beforeForget, 'backup', [proj]), 0);

    template = copyTree(beforeForget);
    expectStatus(dv(template, 'forget', ['--keep-last', '1']), 0);
    expect(points(template).length).toBe(2);
    const dry = parseJson<PruneJson>(expectStatus(dv(template, 'prune', ['--dry-run', '--json']), 0));
    expect(dry.reclaimableBytes, 'the forgotten point must leave garbage to prune').toBeGreaterThan(0);

    pruneCount = await countCrashPoints(async (n) => {
      const v = copyTree(template);
      const r = await dvAsync(v, 'prune', [], { crashAt: n });
      fs.rmSync(v, { recursive: true, force: true });
      return r;
    });
    const clean = copyTree(beforeForget);
    expectStatus(dv(clean, 'forget', ['--keep-last', '1', '--prune']), 0);
    expectStatus(dv(clean, 'prune'), 0);
    cleanLeftover = parseJson<PruneJson>(expectStatus(dv(clean, 'prune', ['--dry-run', '--json']), 0)).reclaimableBytes;
    forgetCount = await countCrashPoints(async (n) => {
      const v = copyTree(beforeForget);
      const r = await dvAsync(v, 'forget', ['--keep-last', '1', '--prune'], { crashAt: n });
      fs.rmSync(v, { recursive: true, force: true });
      return r;
    });
  });

  /** The checks after a crash and the recovery run: check, read-data check, every point restores. */
  async function verifyRecovered(v: string, n: number, expectPoints: number, problems: string[]): Promise<void> {
    const c2 = await dvAsync(v, 'check', ['--read-data']);
    if (c2.status !== 0) problems.push(`instant ${n}: check --read-data after recovery failed\n${show(c2)}`);
    const pts = parseJson<{ id: string; paths: string[] }[]>(await dvAsync(v, 'points', ['--json']));
    if (pts.length !== expectPoints) problems.push(`instant ${n}: expected ${expectPoints} points, found ${pts.length}`);
    for (const p of pts) problems.push(...(await restoreDiff(v, p.id, p.paths)).map((d) => `instant ${n}: ${d}`));
  }

  it('prune passes crash points at each step (lease, repack, plan, index, deletions)', () => {
    // lease (4) + repacked pack (4) + index of it (4) + plan (4) + consolidated index (4)
    // + old index deletions + pack deletions + plan deletion + lease release.
    expect(pruneCount).toBeGreaterThanOrEqual(20);
    expect(forgetCount).toBe(pruneCount + 1); // + the deletion of the forgotten manifest
  });

  it('after a prune is killed at ~12 seeded instants: check passes; backup, prune, check --read-data and restores all succeed', async () => {
    const instants = chooseInstants(pruneCount, 12, SEED + 20);
    console.info(`prune: ${pruneCount} crash points; instants ${instants.join(', ')}`);
    const failures = await pool(instants, SWEEP_JOBS, async (n) => {
      const problems: string[] = [];
      const v = copyTree(template);
      try {
        const crash = await dvAsync(v, 'prune', [], { crashAt: n });
        if (crash.signal !== 'SIGKILL') return [`instant ${n}: prune was not killed\n${show(crash)}`];
        const c1 = await dvAsync(v, 'check');
        if (c1.status !== 0) problems.push(`instant ${n}: check after the crash failed\n${show(c1)}`);
        // A backup in the state the crash left, of data only the forgotten point had (so it
        // deduplicates against whatever garbage is still indexed).
        const b = await dvAsync(v, 'backup', [revived]);
        if (b.status !== 0) problems.push(`instant ${n}: backup after the crash failed\n${show(b)}`);
        const c1b = await dvAsync(v, 'check');
        if (c1b.status !== 0) problems.push(`instant ${n}: check after crash + backup failed\n${show(c1b)}`);
        // The killed prune's exclusive lease lives 20 min (TTL + skew); stand in for that wait.
        expireLeases(v);
        const p = await dvAsync(v, 'prune');
        if (p.status !== 0) {
          problems.push(`instant ${n}: prune after the crash failed\n${show(p)}`);
          return problems;
        }
        await verifyRecovered(v, n, 3, problems);
      } finally {
        fs.rmSync(v, { recursive: true, force: true });
      }
      return problems;
    });
    expect(failures.flat()).toEqual([]);
  });

  it('after forget --prune is killed at ~9 seeded instants: check passes; rerunning it (and prune) completes; check --read-data and restores succeed', async () => {
    const instants = chooseInstants(forgetCount, 9, SEED + 30);
    console.info(`forget --prune: ${forgetCount} crash points; instants ${instants.join(', ')}`);
    const failures = await pool(instants, SWEEP_JOBS, async (n) => {
      const problems: string[] = [];
      const v = copyTree(beforeForget);
      try {
        const crash = await dvAsync(v, 'forget', ['--keep-last', '1', '--prune'], { crashAt: n });
        if (crash.signal !== 'SIGKILL') return [`instant ${n}: forget --prune was not killed\n${show(crash)}`];
        const c1 = await dvAsync(v, 'check');
        if (c1.status !== 0) problems.push(`instant ${n}: check after the crash failed\n${show(c1)}`);
        expireLeases(v);
        // Rerun the interrupted command; it prunes only if it still removes a point, so finish
        // an interrupted prune with `prune`.
        const again = await dvAsync(v, 'forget', ['--keep-last', '1', '--prune']);
        if (again.status !== 0) problems.push(`instant ${n}: forget --prune after the crash failed\n${show(again)}`);
        const p = await dvAsync(v, 'prune', ['--json']);
        if (p.status !== 0) {
          problems.push(`instant ${n}: prune after the crash failed\n${show(p)}`);
          return problems;
        }
        await verifyRecovered(v, n, 2, problems);
        // The interrupted prune's garbage is gone: no more is left than after an uninterrupted run.
        const dry = parseJson<PruneJson>(await dvAsync(v, 'prune', ['--dry-run', '--json']));
        if (dry.reclaimableBytes > cleanLeftover) problems.push(`instant ${n}: ${dry.reclaimableBytes} B reclaimable after the recovery prune (uninterrupted: ${cleanLeftover} B)`);
      } finally {
        fs.rmSync(v, { recursive: true, force: true });
      }
      return problems;
    });
    expect(failures.flat()).toEqual([]);
  });

  it('a prune killed mid-way does not keep the next prune out of the vault (its holder is dead)', () => {
    // The holder of the lease died (same host, pid gone). docs/vault-format.md promises that
    // nobody has to unlock a vault by hand; today the next prune is refused for TTL + skew (20 min).
    const v = copyTree(template);
    const crash = dv(v, 'prune', [], { crashAt: Math.floor(pruneCount / 2) });
    expect(crash.signal, show(crash)).toBe('SIGKILL');
    expectStatus(dv(v, 'check'), 0);
    const p = dv(v, 'prune');
    expect(p.status, show(p)).toBe(0);
    expectStatus(dv(v, 'check', ['--read-data']), 0);
  });

  it('prune converges: right after a complete prune, another one has nothing to free or repack', () => {
    const v = copyTree(template);
    expectStatus(dv(v, 'prune'), 0);
    const dry = parseJson<PruneJson>(expectStatus(dv(v, 'prune', ['--dry-run', '--json']), 0));
    // Today a pack whose few small blobs are all live is "mostly garbage" by the repack rule
    // (its header outweighs its blobs), so every prune rewrites it again, forever.
    expect(dry).toMatchObject({ packsDeleted: 0, packsRepacked: 0, reclaimableBytes: 0 });
  });
});
