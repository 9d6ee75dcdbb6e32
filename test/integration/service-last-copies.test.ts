/**
 * Warning before the last backup copy of a file deleted from the computer expires, through the
 * service on a real vault and folder: the status warning after a backup, the notification, a legal
 * hold silencing it, and the lifecycle job's log when it deletes. The clock is injected; nothing sleeps.
 *
 * Point times come from the engine's wall clock, not the service's, so two points of one plan cannot
 * be days apart here; two plans on the same folder with different `deleteAfterDays` make the older
 * copy expire first instead: "Short" (3 days) still has the deleted file, "Long" (30 days) does not.
 */
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../main/core/model.js';
import { FileKeyStore } from '../../main/service/keys/key-store.js';
import { DeskVaultService } from '../../main/service/index.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';

const DAY = 86_400_000;

describe('last copies of files deleted from the computer', () => {
  let svc: DeskVaultService;
  let src: string;
  let home: string;
  let offset = 0;
  const notes: { type: string; message: string }[] = [];

  const finished = async (job: Job): Promise<Job> => {
    for (;;) {
      const j = await svc.api['jobs.get']({ id: job.id });
      if (['COMPLETED', 'FAILED', 'ABORTED', 'EXPIRED'].includes(j.state)) return j;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const backUp = async (plan: string): Promise<Job> => {
    const j = await finished(await svc.api['backups.start']({ plan }));
    expect(j.state).toBe('COMPLETED');
    return j;
  };
  const lastCopyWarnings = async (): Promise<string[]> => (await svc.api['status.get']({})).warnings.filter((w) => w.includes('last backup copy'));

  beforeAll(async () => {
    home = makeTempDir('dv-home-');
    src = makeTempDir('dv-src-');
    writeFileSync(path.join(src, 'kept.txt'), 'still here\n');
    writeFileSync(path.join(src, 'gone.doc'), 'x'.repeat(5000));
    svc = await DeskVaultService.start({ home, keyStore: new FileKeyStore(home), now: () => new Date(Date.now() + offset) });
    svc.on((name, data) => {
      if (name === 'notification') notes.push(data as { type: string; message: string });
    });
    await svc.api['plans.create']({ name: 'Short', resources: [{ path: src }], rules: [{ targetVault: 'local', schedule: 'rate(1 day)', lifecycle: { deleteAfterDays: 3 } }] });
    await svc.api['plans.create']({ name: 'Long', resources: [{ path: src }], rules: [{ targetVault: 'local', schedule: 'rate(1 day)', lifecycle: { deleteAfterDays: 30 } }] });
  });

  afterAll(async () => {
    await svc?.stop();
    removeTempDirs();
  });

  it('warns in status, once by notification, after the backup that leaves a vanished file only in a point expiring within 7 days', async () => {
    await backUp('Short'); // holds gone.doc, which is still on the computer: nothing to say
    expect(await lastCopyWarnings()).toEqual([]);
    rmSync(path.join(src, 'gone.doc'));
    await backUp('Long'); // without gone.doc: its last copy is Short's point, deleted on day 3
    const gone = path.join(src, 'gone.doc');
    const [warning] = await lastCopyWarnings();
    expect(warning).toMatch(/^1 file deleted from this computer \(5\.0 kB, e\.g\. .*\) loses its last backup copy when recovery points of plan "Short" in vault "local" are deleted on \d+ \w{3} \d{4}: restore it, or put a legal hold on those points\.$/);
    expect(warning).toContain(gone);
    expect(notes.filter((n) => n.type === 'LAST_COPY_EXPIRING')).toHaveLength(1);

    await backUp('Long'); // the same set: no second notification, the warning stays
    expect(notes.filter((n) => n.type === 'LAST_COPY_EXPIRING')).toHaveLength(1);
    expect(await lastCopyWarnings()).toHaveLength(1);
  });

  it('survives a restart (read from the state folder)', async () => {
    await svc.stop();
    svc = await DeskVaultService.start({ home, keyStore: new FileKeyStore(home), now: () => new Date(Date.now() + offset) });
    expect(await lastCopyWarnings()).toHaveLength(1);
  });

  it('a legal hold on the points silences it; releasing the hold brings it back', async () => {
    const hold = await svc.api['holds.create']({ title: 'Keep', planNames: ['Short'] });
    expect(await lastCopyWarnings()).toEqual([]);
    await svc.api['holds.release']({ id: hold.id });
    expect(await lastCopyWarnings()).toHaveLength(1);
  });

  it('the lifecycle job says so when it deletes the last copy, then looks ahead again', async () => {
    offset = 4 * DAY;
    const job = await finished(await svc.api['lifecycle.run']({ vault: 'local' }));
    expect(job.state).toBe('COMPLETED');
    expect(job.statusMessage).toBe('deleted 1 of 3 recovery points');
    const gone = path.join(src, 'gone.doc');
    expect(job.log).toContainEqual(expect.stringMatching(/1 file deleted from this computer has its last backup copy in the points deleted now \(e\.g\. /));
    expect(job.log.some((l) => l.includes(`e.g. ${gone}`))).toBe(true);
    expect(job.log.some((l) => l.endsWith(' in the next 7 days no file deleted from this computer loses its last backup copy'))).toBe(true);
    expect(await lastCopyWarnings()).toEqual([]);
  });
});
