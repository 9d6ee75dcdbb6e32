import { describe, expect, it } from 'vitest';
import { detectMassChange, massChangeSummary, massChangeThreshold, MIN_CHANGED_FILES, type MassChangeStats } from '../../../../main/service/backups/mass-change.js';
import { massChangeWarnings, MASS_CHANGE_HOLD_TITLE } from '../../../../main/service/mass-change-guard.js';
import type { LegalHold } from '../../../../main/core/model.js';

/** A point of `files` files, `changed` of them rewritten with new content (one new chunk each). */
const point = (files: number, changed: number, over: Partial<MassChangeStats> = {}): MassChangeStats => ({ files, newFiles: 0, changedFiles: changed, newChunks: changed, storedBytes: changed * 1000, ...over });

describe('detectMassChange', () => {
  it('never fires for a first backup (no parent)', () => {
    expect(detectMassChange({ point: point(1000, 0, { newFiles: 1000, newChunks: 1000 }), parent: null })).toBeNull();
    expect(detectMassChange({ point: point(1000, 1000), parent: null })).toBeNull();
  });

  it('fires at 30 % of the parent’s files, and not below', () => {
    expect(massChangeThreshold(1000)).toBe(300);
    expect(detectMassChange({ point: point(1000, 299), parent: { files: 1000 } })).toBeNull();
    expect(detectMassChange({ point: point(1000, 300), parent: { files: 1000 } })).toEqual({ changedFiles: 300, replacedFiles: 0, ofFiles: 1000, share: 0.3, incompressible: false });
  });

  it('needs at least MIN_CHANGED_FILES changed files, however small the folder', () => {
    expect(massChangeThreshold(150)).toBe(MIN_CHANGED_FILES);
    expect(detectMassChange({ point: point(150, 99), parent: { files: 150 } })).toBeNull();
    expect(detectMassChange({ point: point(150, 100), parent: { files: 150 } })).not.toBeNull();
    // A folder of fewer than 100 files: every file rewritten is still not judged.
    expect(detectMassChange({ point: point(80, 80), parent: { files: 80 } })).toBeNull();
  });

  it('counts files replaced by new ones under other names (x.doc → x.doc.locked), never a plain import or a moved folder', () => {
    // 400 of 1000 files deleted, 400 new ones with new content: 1000 − 400 + 400 files now.
    const renamed = point(1000, 0, { newFiles: 400, newChunks: 400 });
    expect(detectMassChange({ point: renamed, parent: { files: 1000 } })).toEqual({ changedFiles: 400, replacedFiles: 400, ofFiles: 1000, share: 0.4, incompressible: false });
    // The same 400 moved to another folder: new files whose content the vault has (no new chunks).
    expect(detectMassChange({ point: point(1000, 0, { newFiles: 400, newChunks: 0 }), parent: { files: 1000 } })).toBeNull();
    // 1000 new files added (an import), nothing deleted: 2000 files now.
    expect(detectMassChange({ point: point(2000, 0, { newFiles: 1000, newChunks: 1000 }), parent: { files: 1000 } })).toBeNull();
    // Rewritten and replaced add up: 200 + 150 of 1000.
    expect(detectMassChange({ point: point(1000, 200, { newFiles: 150, newChunks: 350 }), parent: { files: 1000 } })).toMatchObject({ changedFiles: 350, replacedFiles: 150 });
  });

  it('ignores changes without new content: chmod -R, a copy to a new disk, a whole-folder restore', () => {
    expect(detectMassChange({ point: point(1000, 1000, { newChunks: 0, storedBytes: 3000 }), parent: { files: 1000 } })).toBeNull();
    expect(detectMassChange({ point: point(1000, 1000, { newChunks: 499 }), parent: { files: 1000 } })).toBeNull();
    expect(detectMassChange({ point: point(1000, 1000, { newChunks: 500 }), parent: { files: 1000 } })).not.toBeNull();
  });

  it('judges a changed-paths (continuous) backup by the same stats: files carried over, changed files visited', () => {
    // The engine carried 5000 files over from the parent; the watcher named 1600 changed paths.
    const continuous = { files: 5000, newFiles: 0, changedFiles: 1600, newChunks: 1700, storedBytes: 1_700_000 };
    expect(detectMassChange({ point: continuous, parent: { files: 5000 } })).toMatchObject({ changedFiles: 1600, ofFiles: 5000, share: 0.32 });
    // A continuous point with a handful of changes in a big folder: nothing.
    expect(detectMassChange({ point: { ...continuous, changedFiles: 12, newChunks: 12 }, parent: { files: 5000 } })).toBeNull();
  });

  it('reports data that neither compressed nor deduplicated as evidence, never as the trigger', () => {
    const enc = point(200, 150, { storedBytes: 310_000 });
    expect(detectMassChange({ point: enc, parent: { files: 200 }, bytesRead: 300_000 })?.incompressible).toBe(true);
    expect(detectMassChange({ point: enc, parent: { files: 200 }, bytesRead: 1_000_000 })?.incompressible).toBe(false);
    // Too little read to say.
    expect(detectMassChange({ point: point(200, 150, { storedBytes: 60_000 }), parent: { files: 200 }, bytesRead: 60_000 })?.incompressible).toBe(false);
    // Incompressible but few files: no finding at all.
    expect(detectMassChange({ point: point(200, 20, { storedBytes: 10_000_000 }), parent: { files: 200 }, bytesRead: 10_000_000 })).toBeNull();
  });

  it('summarises for a person', () => {
    expect(massChangeSummary({ changedFiles: 150, replacedFiles: 0, ofFiles: 160, share: 150 / 160, incompressible: true })).toBe('150 of 160 files changed at once (94 %; the new data does not compress, as encrypted data does)');
    expect(massChangeSummary({ changedFiles: 300, replacedFiles: 0, ofFiles: 1000, share: 0.3, incompressible: false })).toBe('300 of 1000 files changed at once (30 %)');
    expect(massChangeSummary({ changedFiles: 400, replacedFiles: 400, ofFiles: 1000, share: 0.4, incompressible: false })).toBe('400 of 1000 files changed at once (400 of them replaced by new files under other names; 40 %)');
  });
});

describe('massChangeWarnings', () => {
  const hold = (over: Partial<LegalHold>): LegalHold => ({ id: 'h1', title: `${MASS_CHANGE_HOLD_TITLE}Work on 2026-03-10`, createdAt: '2026-03-10T12:00:00.000Z', planNames: ['Work'], vaultNames: ['local'], to: '2026-03-10T11:00:00.000Z', ...over });

  it('warns for each standing mass-change hold, naming plan, vault, time and the hold', () => {
    expect(massChangeWarnings([hold({})])).toEqual([
      'Mass change detected in Work on 2026-03-10: the recovery points of plan "Work" in vault "local" up to 2026-03-10 11:00 UTC are on legal hold h1 and are not deleted until you release it; check the files, restore them from one of those points if they were damaged, then release the hold.',
    ]);
  });

  it('says nothing for released holds or holds a person placed', () => {
    expect(massChangeWarnings([hold({ releasedAt: '2026-03-11T00:00:00.000Z' }), hold({ title: 'Audit 2026' })])).toEqual([]);
  });
});
