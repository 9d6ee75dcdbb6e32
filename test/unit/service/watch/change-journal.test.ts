import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChangeJournal } from '../../../../main/service/watch/change-journal.js';
import { makeTempDir, removeTempDirs } from '../../../helpers/files.js';

afterAll(removeTempDirs);

async function fresh(): Promise<ChangeJournal> {
  const j = await ChangeJournal.open(path.join(makeTempDir('dv-journal-'), 'state', 'plan.journal'));
  // A new journal knows nothing yet: it asks for a rescan, which a first (full) backup clears.
  expect(j.take().rescan).toBe(true);
  await j.clear(j.take());
  return j;
}

describe('ChangeJournal', () => {
  it('keeps added paths across a reopen (each add is durable when it resolves)', async () => {
    const j = await fresh();
    await j.add(['/a/1', '/a/2']);
    await j.add(['/a/2', '/b']);
    const again = await ChangeJournal.open(j.file);
    expect(again.take()).toMatchObject({ paths: ['/a/1', '/a/2', '/b'], rescan: false });
  });

  it('clears only what the committed point covered: a path changed again during the backup stays', async () => {
    const j = await fresh();
    await j.add(['/x', '/y']);
    const taken = j.take();
    await j.add(['/y', '/z']); // arrives while the backup of `taken` runs
    await j.clear(taken);
    expect(j.take().paths.sort()).toEqual(['/y', '/z']);
    expect((await ChangeJournal.open(j.file)).take().paths.sort()).toEqual(['/y', '/z']);
  });

  it('a crash between the backup and the clear only means backing the same paths up again', async () => {
    const j = await fresh();
    await j.add(['/p']);
    const taken = j.take();
    // The backup commits, then the process dies before clear(): no clear call happens.
    const afterCrash = await ChangeJournal.open(j.file);
    expect(afterCrash.take().paths).toEqual(taken.paths);
  });

  it('ignores a temp file left by a write that crashed before its rename, and removes it', async () => {
    const j = await fresh();
    await j.add(['/kept']);
    const torn = `${j.file}.tmp-999-deadbeef`;
    fs.writeFileSync(torn, '{"format":"deskvault-change-jou');
    const again = await ChangeJournal.open(j.file);
    expect(again.take().paths).toEqual(['/kept']);
    expect(fs.existsSync(torn)).toBe(false);
    expect(fs.readdirSync(path.dirname(j.file)).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('opens an unreadable journal as a rescan, and a rescan clear covers every older path', async () => {
    const j = await fresh();
    fs.writeFileSync(j.file, 'not json');
    const broken = await ChangeJournal.open(j.file);
    expect(broken.take()).toMatchObject({ rescan: true });
    await broken.add(['/q']);
    await broken.clear(broken.take());
    expect(broken.isEmpty).toBe(true);
  });

  it('a rescan asked for during a backup survives that backup’s clear', async () => {
    const j = await fresh();
    await j.add(['/a']);
    const taken = j.take();
    await j.markRescan('scheduled reconcile scan');
    await j.clear(taken);
    expect(j.take()).toMatchObject({ paths: [], rescan: true, reasons: ['scheduled reconcile scan'] });
  });

  it('collapses into a rescan past maxPaths', async () => {
    const dir = makeTempDir('dv-journal-');
    const j = await ChangeJournal.open(path.join(dir, 'j'), { maxPaths: 3 });
    await j.clear(j.take());
    await j.add(['/1', '/2', '/3', '/4']);
    expect(j.take()).toMatchObject({ paths: [], rescan: true });
  });

  it('concurrent adds all become durable', async () => {
    const j = await fresh();
    await Promise.all(Array.from({ length: 50 }, (_, i) => j.add([`/f${i}`])));
    expect((await ChangeJournal.open(j.file)).take().paths.length).toBe(50);
  });
});
