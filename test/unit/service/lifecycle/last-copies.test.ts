/**
 * Which files deleted from the computer lose their last backup copy when points are deleted
 * (findLastCopies), as lifecycle decides it (selectExpired → lastCopiesOf), and how the finding is
 * kept and announced (LastCopyWarnings, on a real state folder).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastCopiesOf, lastCopyMessage, LastCopyWarnings, bytesText, presentOrUnreachable } from '../../../../main/service/last-copy-warnings.js';
import { findLastCopies, selectExpired, type LastCopies, type LifecyclePoint, type PointFile } from '../../../../main/service/lifecycle/index.js';
import { makeTempDir, removeTempDirs } from '../../../helpers/files.js';

const f = (p: string, contentId: string, size = 10): PointFile => ({ path: p, contentId, size });

/** Point id → its files; `onDisk` the paths that exist on the computer now. */
function setup(files: Record<string, PointFile[]>, onDisk: string[] = []) {
  const walked: string[] = [];
  return {
    walked,
    filesOf: (id: string) => {
      walked.push(id);
      return files[id] ?? [];
    },
    existsNow: (p: string) => onDisk.includes(p),
  };
}

describe('findLastCopies', () => {
  const doomed = [{ id: 'old', deleteAt: '2026-12-02T10:00:00.000Z', planName: 'Work' }];

  it('counts a file deleted from the computer that only doomed points hold', () => {
    const s = setup({ old: [f('/home/a/x.doc', 'c1', 1500), f('/home/a/kept.txt', 'c2')], new: [f('/home/a/kept.txt', 'c2')] }, ['/home/a/kept.txt']);
    const r = findLastCopies({ doomed, staying: ['new'], ...s });
    expect(r).toMatchObject({ count: 1, bytes: 1500, examples: ['/home/a/x.doc'], earliestLostAt: '2026-12-02T10:00:00.000Z', planNames: ['Work'] });
    expect(r.key).not.toBe('');
  });

  it('does not count a file still on the computer', () => {
    const s = setup({ old: [f('/home/a/x.doc', 'c1')], new: [] }, ['/home/a/x.doc']);
    expect(findLastCopies({ doomed, staying: ['new'], ...s })).toMatchObject({ count: 0, bytes: 0, examples: [], earliestLostAt: null, key: '' });
  });

  it('does not count a file a staying point holds at the same path (any version) or with the same content elsewhere', () => {
    const s = setup({
      old: [f('/a/edited.txt', 'v1'), f('/a/moved.txt', 'm1'), f('/a/gone.txt', 'g1')],
      new: [f('/a/edited.txt', 'v2'), f('/b/renamed.txt', 'm1')],
    });
    expect(findLastCopies({ doomed, staying: ['new'], ...s })).toMatchObject({ count: 1, examples: ['/a/gone.txt'] });
  });

  it('counts a path once across doomed points, lost when the last of them goes; caps examples', () => {
    const s = setup({ p1: [f('/a/x', 'v1', 5), ...['/z/1', '/z/2', '/z/3'].map((p) => f(p, p))], p2: [f('/a/x', 'v2', 7)] });
    const r = findLastCopies({
      doomed: [
        { id: 'p1', deleteAt: '2026-12-01T00:00:00.000Z' },
        { id: 'p2', deleteAt: '2026-12-05T00:00:00.000Z', planName: 'B' },
      ],
      staying: [],
      maxExamples: 2,
      ...s,
    });
    expect(r).toMatchObject({ count: 4, bytes: 7 + 30, examples: ['/a/x', '/z/1'], earliestLostAt: '2026-12-01T00:00:00.000Z', planNames: ['B'] });
  });

  it('stops walking staying points once every candidate is safe, and asks the disk only about the rest', () => {
    const asked: string[] = [];
    const s = setup({ old: [f('/a/x', 'c')], new: [f('/a/x', 'c')], older: [f('/a/x', 'c')] });
    const r = findLastCopies({ doomed, staying: ['new', 'older'], filesOf: s.filesOf, existsNow: (p) => (asked.push(p), false) });
    expect(r.count).toBe(0);
    expect(s.walked).toEqual(['old', 'new']);
    expect(asked).toEqual([]);
  });

  it('a key names the set of files, whatever the order they were found in', () => {
    const a = findLastCopies({ doomed, staying: [], ...setup({ old: [f('/a', '1'), f('/b', '2')] }) });
    const b = findLastCopies({ doomed, staying: [], ...setup({ old: [f('/b', '2'), f('/a', '1')] }) });
    const c = findLastCopies({ doomed, staying: [], ...setup({ old: [f('/a', '1'), f('/c', '2')] }) });
    expect(a.key).toBe(b.key);
    expect(a.key).not.toBe(c.key);
  });
});

describe('lastCopiesOf (lifecycle decisions)', () => {
  const now = new Date('2026-12-09T12:00:00Z');
  const point = (id: string, time: string): LifecyclePoint => ({ id, time, vaultName: 'local', planName: 'Work', ruleId: 'Work', status: 'COMPLETED', lifecycle: { deleteAfterDays: 30 } });
  const files = setup({ old: [f('/home/a/x.doc', 'c1')], new: [] });

  it('counts the files of an expired point', () => {
    const decisions = selectExpired([point('old', '2026-11-01T12:00:00.000Z'), point('new', '2026-12-08T12:00:00.000Z')], { now });
    expect(lastCopiesOf(decisions, files.filesOf, files.existsNow)).toMatchObject({ count: 1, examples: ['/home/a/x.doc'], earliestLostAt: '2026-12-01T12:00:00.000Z' });
  });

  it('does not count the files of a point a legal hold keeps', () => {
    const hold = { id: 'h', title: 'Audit', createdAt: '2026-01-01T00:00:00.000Z', selection: { vaultNames: ['local'] } };
    const decisions = selectExpired([point('old', '2026-11-01T12:00:00.000Z'), point('new', '2026-12-08T12:00:00.000Z')], { now, legalHolds: [hold] });
    expect(decisions[0].action).toBe('KEEP');
    expect(lastCopiesOf(decisions, files.filesOf, files.existsNow).count).toBe(0);
  });
});

describe('presentOrUnreachable', () => {
  it('calls a file deleted only when the folder it was backed up from is still there (an unplugged drive is not a deletion)', () => {
    const base = makeTempDir('dv-lc-roots-');
    const mounted = path.join(base, 'docs');
    mkdirSync(mounted);
    writeFileSync(path.join(mounted, 'kept.txt'), 'x');
    const unplugged = path.join(base, 'usb', 'photos');
    const there = presentOrUnreachable([mounted, unplugged]);
    expect(there(path.join(mounted, 'kept.txt'))).toBe(true);
    expect(there(path.join(mounted, 'gone.txt'))).toBe(false);
    expect(there(path.join(unplugged, '2024', 'a.jpg'))).toBe(true);
    // Outside every backed-up folder: the disk alone decides.
    expect(there(path.join(base, 'elsewhere.txt'))).toBe(false);
    // A root is matched by whole folder names, not by a prefix of one.
    expect(there(`${mounted}-old/x.txt`)).toBe(false);
  });
});

describe('LastCopyWarnings', () => {
  afterAll(() => removeTempDirs());
  const found: LastCopies = { count: 3, bytes: 12_000_000, examples: ['/home/a/x.doc'], earliestLostAt: '2026-12-02T10:00:00.000Z', planNames: ['P'], key: 'k1' };
  const now = new Date('2026-11-28T00:00:00Z');

  it('says what is lost, when, and what to do', () => {
    expect(lastCopyMessage('local', found, now)).toBe(
      '3 files deleted from this computer (12 MB, e.g. /home/a/x.doc) lose their last backup copy when recovery points of plan "P" in vault "local" are deleted on 2 Dec 2026: restore them, or put a legal hold on those points.',
    );
    expect(bytesText(900)).toBe('900 B');
    expect(bytesText(1500)).toBe('1.5 kB');
  });

  it('keeps the newest finding per vault on disk, announces a set once, and clears it', async () => {
    const home = makeTempDir('dv-lastcopy-');
    const announced: string[] = [];
    const w = new LastCopyWarnings(home, (vault, message) => announced.push(`${vault}: ${message}`));
    await w.record('local', found, now);
    await w.record('local', { ...found }, now);
    expect(announced).toHaveLength(1);
    expect(await w.warnings(now)).toEqual([lastCopyMessage('local', found, now)]);

    const again = new LastCopyWarnings(home, (vault) => announced.push(vault));
    expect(await again.warnings(now)).toEqual([lastCopyMessage('local', found, now)]);
    await again.record('local', { ...found, count: 4, key: 'k2' }, now);
    expect(announced).toHaveLength(2);

    await again.record('local', { ...found, count: 0, key: '' }, now);
    expect(await again.warnings(now)).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(home, 'last-copies.json'), 'utf8'))).toEqual({ version: 1, vaults: {} });
  });
});
