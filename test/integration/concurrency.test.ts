/**
 * Backups and prunes at the same time on one vault (docs/vault-format.md, "Leases" and
 * "Two-phase prune"). Interleavings are made deterministic by pausing a CLI child (SIGSTOP) at a
 * chosen instant with the test-only preload test/helpers/child-hooks.mjs, running the other
 * command, then resuming it (SIGCONT). Lease expiry is tested by shifting a child's clock.
 *
 * Every vault here starts as a copy of one template: `proj` backed up twice, the first point
 * forgotten, so the first point's unique data is garbage. The concurrent backups back up
 * `copies` (copies of files only the forgotten point had: same chunks) or `elsewhere` (a folder
 * moved out of `proj` after the first point: same chunks and the same folder listing, i.e. tree).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  buildSourceTree,
  copyTree,
  dv,
  expectStatus,
  expireLeases,
  killStarted,
  listObjects,
  listPackKeys,
  makeTempDir,
  parseJson,
  points,
  Prng,
  removeTempDirs,
  restoreDiff,
  resume,
  show,
  startDv,
  waitUntilStopped,
  type RunResult,
} from '../helpers/cli.js';

const SEED = 0xc0c0_2026;
const KiB = 1024;
const MINUTE = 60_000;

interface PruneJson {
  packsDeleted: number;
  packsRepacked: number;
  packsPending: number;
  packsRescued: number;
  bytesPending: number;
  reclaimableBytes: number;
}

const DEFERRED_NOTE = /pack\(s\) will be deleted by a later prune, once the 1 operation\(s\) running on this vault have finished/;

let template: string;
let proj: string;
let copies: string;
let elsewhere: string;

beforeAll(() => {
  const root = makeTempDir('dv-it-src-');
  proj = path.join(root, 'proj');
  copies = path.join(root, 'copies');
  elsewhere = path.join(root, 'elsewhere');
  buildSourceTree(proj, SEED, { files: 60, maxSize: 200 * KiB });
  buildSourceTree(path.join(proj, 'moving'), SEED + 1, { files: 15, maxSize: 100 * KiB, specials: false });
  template = makeTempDir('dv-it-vault-');
  expectStatus(dv(template, 'init'), 0);
  expectStatus(dv(template, 'backup', [proj]), 0);

  // Second state of proj: `moving` moved out (its listing unchanged), about 80% of the other
  // files moved to `copies` (renamed, so their folder listings differ), new files added. The
  // first point's data pack is then mostly garbage: prune repacks its live part and schedules
  // it for deletion, and with it the chunks of `copies` and `elsewhere`.
  fs.mkdirSync(elsewhere);
  fs.renameSync(path.join(proj, 'moving'), path.join(elsewhere, 'moving'));
  fs.mkdirSync(copies);
  const rng = new Prng(SEED + 2);
  const walk = (d: string): string[] =>
    fs
      .readdirSync(d, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.isFile() ? [path.join(d, e.name)] : []));
  for (const [i, f] of walk(proj).entries()) {
    if (rng.next() < 0.8) {
      fs.copyFileSync(f, path.join(copies, `c${i}-${path.basename(f)}`));
      fs.rmSync(f);
    }
  }
  buildSourceTree(path.join(proj, 'new'), SEED + 3, { files: 20, maxSize: 100 * KiB, specials: false });
  expectStatus(dv(template, 'backup', [proj]), 0);
  expectStatus(dv(template, 'forget', ['--keep-last', '1']), 0);
  expect(points(template)).toHaveLength(1);
});

afterEach(async () => {
  await killStarted();
});

afterAll(() => {
  removeTempDirs();
});

/** check --read-data, and every point restores to equal its source folders (soft: all are reported). */
async function expectVaultWhole(v: string, when: string): Promise<void> {
  const c = dv(v, 'check', ['--read-data']);
  expect.soft(c.status, `${when}: check --read-data\n${show(c)}`).toBe(0);
  const pts = points(v);
  for (const p of pts) expect.soft(await restoreDiff(v, p.id, p.paths), `${when}: restore of ${p.id.slice(0, 8)} (${p.paths.join(', ')})`).toEqual([]);
}

function pruneJson(r: RunResult): PruneJson {
  return parseJson<PruneJson>(expectStatus(r, 0));
}

describe('a backup running while prune runs', () => {
  it('backup paused right after taking its lease (index not read yet): prune defers deletion; afterwards all is whole and the next prune frees the garbage', async () => {
    const v = copyTree(template);
    const backup = startDv(v, 'backup', [copies], { pause: { at: 'after', dir: 'leases' } });
    await waitUntilStopped(backup);
    expect(listObjects(v, 'leases/')).toHaveLength(1);
    const before = listPackKeys(v);

    const p1 = dv(v, 'prune', ['--json']);
    const r1 = pruneJson(p1);
    expect(r1.packsPending, show(p1)).toBeGreaterThan(0);
    expect(r1.packsDeleted).toBe(0);
    expect(p1.stderr).toMatch(DEFERRED_NOTE);
    const after = new Set(listPackKeys(v));
    expect(before.filter((k) => !after.has(k)), 'prune deleted packs while a backup held a lease').toEqual([]);

    resume(backup);
    expectStatus(await backup.done, 0);
    await expectVaultWhole(v, 'after the backup finished');

    const r2 = pruneJson(dv(v, 'prune', ['--json']));
    expect(r2.packsDeleted).toBeGreaterThan(0);
    expect(r2.packsPending).toBe(0);
    await expectVaultWhole(v, 'after the second prune');
    expect(points(v)).toHaveLength(2);
  });

  it('backup paused after reading the index, reusing chunks of packs prune then schedules for deletion: its point is whole at once, and the next prune keeps those packs', async () => {
    const v = copyTree(template);
    const backup = startDv(v, 'backup', ['--json', copies], { pause: { at: 'open', path: copies } });
    await waitUntilStopped(backup);
    const before = listPackKeys(v);

    const p1 = dv(v, 'prune', ['--json']);
    const r1 = pruneJson(p1);
    expect(r1.packsPending, show(p1)).toBeGreaterThan(0);
    expect(p1.stderr).toMatch(DEFERRED_NOTE);
    const after = new Set(listPackKeys(v));
    expect(before.filter((k) => !after.has(k)), 'prune deleted packs while a backup held a lease').toEqual([]);

    resume(backup);
    const b = expectStatus(await backup.done, 0);
    // The backup deduplicated against the packs prune scheduled for deletion: it stored (almost) nothing.
    expect(parseJson<{ stats: { storedBytes: number; bytes: number } }>(b).stats.storedBytes).toBeLessThan(64 * KiB);

    // A point that exists is whole: check and restore must work now, not only after the next prune.
    await expectVaultWhole(v, 'after the backup finished, before the next prune');

    const p2 = dv(v, 'prune', ['--json']);
    expect.soft(p2.status, `second prune\n${show(p2)}`).toBe(0);
    if (p2.status === 0) expect.soft(pruneJson(p2).packsRescued, 'packs the new point uses are rescued').toBeGreaterThan(0);
    await expectVaultWhole(v, 'after the second prune');
  });

  it('backup paused after reading the index, reusing a whole folder listing (tree) from a pack prune then schedules for deletion: the vault stays checkable, restorable and prunable', async () => {
    const v = copyTree(template);
    const backup = startDv(v, 'backup', [elsewhere], { pause: { at: 'open', path: elsewhere } });
    await waitUntilStopped(backup);

    const p1 = dv(v, 'prune', ['--json']);
    expect(pruneJson(p1).packsPending, show(p1)).toBeGreaterThan(0);

    resume(backup);
    expectStatus(await backup.done, 0);
    await expectVaultWhole(v, 'after the backup finished, before the next prune');

    const p2 = dv(v, 'prune');
    expect.soft(p2.status, `second prune\n${show(p2)}`).toBe(0);
    await expectVaultWhole(v, 'after the second prune');
    const p3 = dv(v, 'prune');
    expect.soft(p3.status, `third prune\n${show(p3)}`).toBe(0);
  });
});

describe('two prunes at once', () => {
  it('while one prune holds its lease, a second one fails with exit 1 naming the holder (host, pid); the first then completes', async () => {
    const v = copyTree(template);
    const first = startDv(v, 'prune', [], { pause: { at: 'after', dir: 'leases' } });
    await waitUntilStopped(first);
    const second = dv(v, 'prune');
    expect(second.status, show(second)).toBe(1);
    expect(second.stderr).toContain(`another prune is running on this vault (${os.hostname()}, pid ${first.pid}`);
    resume(first);
    expectStatus(await first.done, 0);
    expect(listObjects(v, 'leases/')).toEqual([]);
    await expectVaultWhole(v, 'after both prunes');
  });

  it('a prune whose lease is written after another prune checked for rivals, but timestamped earlier, still does not run alongside it', async () => {
    // B computes its lease (created = t_B) and is stopped just before the lease becomes visible.
    // A starts later (t_A > t_B), sees no rival, and proceeds; it is stopped after writing its
    // plan. B resumes: A's live exclusive lease is there, so B must give up.
    const v = copyTree(template);
    const b = startDv(v, 'prune', [], { pause: { at: 'before', dir: 'leases' } });
    await waitUntilStopped(b);
    const a = startDv(v, 'prune', [], { pause: { at: 'after', dir: 'prune' } });
    await waitUntilStopped(a);
    resume(b);
    const rb = await b.done;
    expect.soft(rb.status, `prune B ran while prune A held the exclusive lease\n${show(rb)}`).toBe(1);
    expect.soft(rb.stderr).toContain(`pid ${a.pid}`);
    resume(a);
    const ra = await a.done;
    expect.soft(ra.status, show(ra)).toBe(0);
    await expectVaultWhole(v, 'after both prunes');
    const again = dv(v, 'prune');
    expect.soft(again.status, show(again)).toBe(0);
    await expectVaultWhole(v, 'after a third prune');
  });

  it('started at the same instant (3 rounds): each either completes or fails naming the other; at least one completes; the vault stays whole', async () => {
    for (let round = 0; round < 3; round++) {
      const v = copyTree(template);
      const runs = [startDv(v, 'prune'), startDv(v, 'prune')];
      const results = await Promise.all(runs.map((r) => r.done));
      for (const [i, r] of results.entries()) {
        if (r.status === 0) continue;
        expect(r.status, `round ${round}: ${show(r)}`).toBe(1);
        expect(r.stderr, `round ${round}`).toContain(`another prune is running on this vault (${os.hostname()}, pid ${runs[1 - i].pid}`);
      }
      expect(results.some((r) => r.status === 0), `round ${round}: neither prune ran`).toBe(true);
      await expectVaultWhole(v, `round ${round}`);
      fs.rmSync(v, { recursive: true, force: true });
    }
  });
});

// A process on another machine cannot be checked for life: its lease only lapses by time. Those
// cases run the killed process as host OTHER (test/helpers/child-hooks.mjs). On this host a lease
// whose process is gone is taken over at once.
const OTHER = 'other-host';

describe('leases of processes that died', () => {
  it('on this host, a killed backup\'s or prune\'s lease is taken over at once, and said so', async () => {
    const v = copyTree(template);
    // Prune first: a prune takes over stale leases before writing its own, which would move its
    // crash points. Crash point 4 of a lease write is just after its rename: the lease is in place.
    expect(dv(v, 'prune', [], { crashAt: 4 }).signal).toBe('SIGKILL');
    expect(dv(v, 'backup', [copies], { crashAt: 4 }).signal).toBe('SIGKILL');
    expect(listObjects(v, 'leases/')).toHaveLength(2);
    const p = dv(v, 'prune', ['--json']);
    expect(p.stderr).toMatch(new RegExp(`took over from a stale lease of (backup|prune) by ${os.hostname()} \\(pid \\d+\\): its process no longer exists`));
    expect(pruneJson(p).packsDeleted, show(p)).toBeGreaterThan(0);
    expect(listObjects(v, 'leases/')).toEqual([]);
    await expectVaultWhole(v, 'after the prune that took over');
  });

  it('a killed backup\'s lease (another host) makes prune defer deletion at once (it does not wait) and say so; 21 minutes later the lease has expired and prune frees the space', () => {
    const v = copyTree(template);
    // Crash points 1–4 are the lease's put; after the 4th (after rename) the lease is in place.
    const crash = dv(v, 'backup', [copies], { crashAt: 4, hostname: OTHER });
    expect(crash.signal, show(crash)).toBe('SIGKILL');
    expect(listObjects(v, 'leases/')).toHaveLength(1);
    const packs = listPackKeys(v);

    const started = Date.now();
    const p1 = dv(v, 'prune', ['--json'], { timeoutMs: 60_000 });
    const r1 = pruneJson(p1);
    expect(Date.now() - started, 'prune must not wait for the lease').toBeLessThan(30_000);
    expect(r1.packsPending, show(p1)).toBeGreaterThan(0);
    expect(r1.packsDeleted).toBe(0);
    expect(p1.stderr).toMatch(DEFERRED_NOTE);
    const left = new Set(listPackKeys(v));
    expect(packs.filter((k) => !left.has(k))).toEqual([]);
    expectStatus(dv(v, 'check'), 0);

    // Still within TTL (15 min) + clock-skew allowance (5 min): deletion stays deferred.
    const p2 = dv(v, 'prune', ['--json'], { clockOffsetMs: 16 * MINUTE });
    expect(pruneJson(p2).packsDeleted, show(p2)).toBe(0);

    const p3 = dv(v, 'prune', ['--json'], { clockOffsetMs: 21 * MINUTE });
    const r3 = pruneJson(p3);
    expect(p3.stderr).toMatch(new RegExp(`took over from a stale lease of backup by ${OTHER} \\(pid \\d+\\): expired`));
    expect(r3.packsDeleted, show(p3)).toBeGreaterThan(0);
    expect(r3.packsPending).toBe(0);
    expect(listObjects(v, 'leases/')).toEqual([]);
    expectStatus(dv(v, 'check', ['--read-data']), 0);
  });

  it('a killed prune\'s exclusive lease (another host) refuses other prunes until it expires (TTL + skew), then is removed by the next prune, which completes', async () => {
    const v = copyTree(template);
    const crash = dv(v, 'prune', [], { crashAt: 4, hostname: OTHER });
    expect(crash.signal, show(crash)).toBe('SIGKILL');
    expect(listObjects(v, 'leases/')).toHaveLength(1);
    const early = dv(v, 'prune', [], { clockOffsetMs: 16 * MINUTE });
    expect(early.status, show(early)).toBe(1);
    expect(early.stderr).toMatch(/another prune is running on this vault/);
    const later = dv(v, 'prune', ['--json'], { clockOffsetMs: 21 * MINUTE });
    expect(pruneJson(later).packsDeleted, show(later)).toBeGreaterThan(0);
    expect(later.stderr).toMatch(/took over from a stale lease of prune/);
    expect(listObjects(v, 'leases/')).toEqual([]);
    await expectVaultWhole(v, 'after the prune that took over');
  });

  it('the refusal names the time the dead holder\'s lease lapses; a minute after that time, a prune proceeds', () => {
    const v = copyTree(template);
    expect(dv(v, 'prune', [], { crashAt: 4, hostname: OTHER }).signal).toBe('SIGKILL');
    const refused = dv(v, 'prune');
    expect(refused.status, show(refused)).toBe(1);
    const m = /lapses by itself at (\S+?Z)/.exec(refused.stderr);
    expect(m, refused.stderr).not.toBeNull();
    // The named time includes the clock-skew allowance.
    const early = dv(v, 'prune', [], { clockOffsetMs: Date.parse(m![1]) - MINUTE - Date.now() });
    expect(early.status, show(early)).toBe(1);
    const offset = Date.parse(m![1]) + MINUTE - Date.now();
    const p = dv(v, 'prune', [], { clockOffsetMs: offset });
    expect(p.status, `prune one minute after the announced expiry\n${show(p)}`).toBe(0);
  });

  it('removing stale leases by hand (what expiry does) is all a vault needs after killed operations', async () => {
    const v = copyTree(template);
    expect(dv(v, 'prune', [], { crashAt: 4, hostname: OTHER }).signal).toBe('SIGKILL');
    expect(dv(v, 'backup', [copies], { crashAt: 4, hostname: OTHER }).signal).toBe('SIGKILL');
    expect(expireLeases(v)).toBe(2);
    expect(pruneJson(dv(v, 'prune', ['--json'])).packsDeleted).toBeGreaterThan(0);
    await expectVaultWhole(v, 'after the prune');
  });

  it('a backup stalled longer than its lease (laptop lid closed) while another prune frees the space does not commit a point that references deleted packs', async () => {
    // The stalled backup cannot renew its lease; a prune 21 minutes later rightly treats it as
    // dead and deletes the garbage — including the packs the stalled backup's in-memory index
    // still names. When the backup wakes up it must notice that its lease was taken over and not
    // commit a point it cannot vouch for (or re-check the packs it reuses).
    const v = copyTree(template);
    const backup = startDv(v, 'backup', [copies], { pause: { at: 'open', path: copies } });
    await waitUntilStopped(backup);
    const p = dv(v, 'prune', ['--json'], { clockOffsetMs: 21 * MINUTE });
    const r = pruneJson(p);
    expect(p.stderr).toMatch(/took over from a stale lease of backup/);
    expect(r.packsDeleted, show(p)).toBeGreaterThan(0);
    resume(backup);
    const b = await backup.done;
    if (b.status === 0) {
      // It committed: then the point must be whole.
      await expectVaultWhole(v, 'after the stalled backup committed');
    } else {
      expect(b.status, show(b)).toBe(1);
      expect(points(v)).toHaveLength(1);
      expectStatus(dv(v, 'check'), 0);
    }
  });
});
