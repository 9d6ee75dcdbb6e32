/**
 * Mass-change detection through the service on a real vault and folder: a backup after most files
 * were overwritten with random bytes (what ransomware does) puts a legal hold on the plan's earlier
 * points, says so in the job and in status, notifies once, is audited as the service's own call,
 * and lifecycle then keeps the held points. A backup changing a few files does nothing. The
 * service's clock is shifted (injected `now`) to make points old; nothing sleeps.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../main/core/model.js';
import { FileKeyStore } from '../../main/service/keys/key-store.js';
import { DeskVaultService } from '../../main/service/index.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';

const DAY = 86_400_000;
const FILES = 150;

/** Runs a plan's backup and waits for it to end COMPLETED. */
async function backUpPlan(svc: DeskVaultService, plan: string): Promise<Job> {
  let j = await svc.api['backups.start']({ plan });
  while (!['COMPLETED', 'FAILED', 'ABORTED', 'EXPIRED'].includes(j.state)) {
    await new Promise((r) => setTimeout(r, 50));
    j = await svc.api['jobs.get']({ id: j.id });
  }
  expect(j.state).toBe('COMPLETED');
  return j;
}

describe('mass change after a backup', () => {
  let svc: DeskVaultService;
  let src: string;
  let offset = 0;
  const notes: { type: string; message: string; jobId?: string }[] = [];
  const jobs: Job[] = [];

  const finished = async (job: Job): Promise<Job> => {
    for (;;) {
      const j = await svc.api['jobs.get']({ id: job.id });
      if (['COMPLETED', 'FAILED', 'ABORTED', 'EXPIRED'].includes(j.state)) return j;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const backUp = async (): Promise<Job> => {
    const j = await finished(await svc.api['backups.start']({ plan: 'Work' }));
    expect(j.state).toBe('COMPLETED');
    jobs.push(j);
    return j;
  };
  const massNotes = () => notes.filter((n) => n.type === 'MASS_CHANGE_DETECTED');
  const file = (i: number) => path.join(src, `doc${i}.txt`);

  beforeAll(async () => {
    const home = makeTempDir('dv-home-');
    src = makeTempDir('dv-src-');
    for (let i = 0; i < FILES; i++) writeFileSync(file(i), `document ${i}: the quarterly numbers look fine.\n`.repeat(40));
    svc = await DeskVaultService.start({ home, keyStore: new FileKeyStore(home), now: () => new Date(Date.now() + offset) });
    svc.on((name, data) => {
      if (name === 'notification') notes.push(data as (typeof notes)[number]);
    });
    await svc.api['plans.create']({ name: 'Work', resources: [{ path: src }], rules: [{ targetVault: 'local', schedule: 'rate(1 day)', lifecycle: { deleteAfterDays: 7 } }] });
  });

  afterAll(async () => {
    await svc?.stop();
    removeTempDirs();
  });

  it('the first backup and one changing a few files do nothing', async () => {
    await backUp();
    for (let i = 0; i < 5; i++) writeFileSync(file(i), `document ${i}, edited\n`.repeat(30));
    const j = await backUp();
    expect(j.statusMessage).toBeNull();
    expect(await svc.api['holds.list']({})).toEqual([]);
    expect((await svc.api['status.get']({})).folders[0].state).toBe('PROTECTED');
    expect(massNotes()).toEqual([]);
  });

  it('most files overwritten with random bytes: the earlier points go on legal hold, the job, status and one notification say so', async () => {
    for (let i = 0; i < 140; i++) writeFileSync(file(i), randomBytes(2000));
    const job = await backUp();
    const [good1, good2, suspicious] = (await svc.api['points.list']({ vault: 'local' })).reverse();
    expect(suspicious.id).toBe(job.recoveryPointId);

    const holds = await svc.api['holds.list']({});
    expect(holds).toHaveLength(1);
    const [hold] = holds;
    expect(hold).toMatchObject({ planNames: ['Work'], vaultNames: ['local'], to: good2.time });
    expect(hold.from).toBeUndefined();
    expect(hold.title).toMatch(/^Mass change detected in Work on \d{4}-\d{2}-\d{2}$/);
    expect(hold.description).toContain(suspicious.id);

    // The held points say so; the suspicious one is not held.
    const points = await svc.api['points.list']({ vault: 'local' });
    expect(points.find((p) => p.id === good1.id)?.heldBy).toEqual([hold.title]);
    expect(points.find((p) => p.id === good2.id)?.heldBy).toEqual([hold.title]);
    expect(points.find((p) => p.id === suspicious.id)?.heldBy).toEqual([]);

    expect(job.statusMessage).toBe(`completed with issues: 140 of ${FILES} files changed at once (93 %; the new data does not compress, as encrypted data does); the earlier points are on legal hold ${hold.id} until you release it`);
    const status = await svc.api['status.get']({});
    expect(status.folders[0]).toMatchObject({ state: 'ATTENTION', message: job.statusMessage });
    expect(status.warnings.filter((w) => w.startsWith('Mass change detected in Work'))).toEqual([expect.stringContaining(`are on legal hold ${hold.id} and are not deleted until you release it`)]);

    expect(massNotes()).toHaveLength(1);
    expect(massNotes()[0]).toMatchObject({ jobId: job.id });
    expect(massNotes()[0].message).toContain(`legal hold ${hold.id}`);

    const audit = (await svc.api['audit.list']({ limit: 50 })).filter((r) => r.action === 'holds.create');
    expect(audit).toEqual([expect.objectContaining({ source: 'service', outcome: 'ok' })]);
  });

  it('once per episode: the next backup of the damaged files changes nothing and adds nothing', async () => {
    const j = await backUp();
    expect(j.statusMessage).toBeNull();
    expect(await svc.api['holds.list']({})).toHaveLength(1);
    expect(massNotes()).toHaveLength(1);
    // The folder is protected again by the new point; the warning stays while the hold stands.
    const status = await svc.api['status.get']({});
    expect(status.folders[0].state).toBe('PROTECTED');
    expect(status.warnings.some((w) => w.startsWith('Mass change detected in Work'))).toBe(true);
  });

  it('lifecycle keeps the held points past their retention and deletes the others; releasing ends the warning', async () => {
    const [good1, good2] = (await svc.api['points.list']({ vault: 'local' })).reverse();
    offset = 30 * DAY;
    const run = await finished(await svc.api['lifecycle.run']({ vault: 'local' }));
    expect(run.state).toBe('COMPLETED');
    expect(run.statusMessage).toBe('deleted 2 of 4 recovery points');
    expect((await svc.api['points.list']({ vault: 'local' })).map((p) => p.id).sort()).toEqual([good1.id, good2.id].sort());

    const [hold] = await svc.api['holds.list']({});
    await svc.api['holds.release']({ id: hold.id });
    expect((await svc.api['status.get']({})).warnings.filter((w) => w.startsWith('Mass change detected'))).toEqual([]);
    offset = 0;
  });
});

describe('mass change by renaming (x.doc encrypted to x.doc.locked, the original deleted)', () => {
  let svc: DeskVaultService;
  let src: string;

  const backUp = (): Promise<Job> => backUpPlan(svc, 'Docs');

  beforeAll(async () => {
    const home = makeTempDir('dv-home-');
    src = makeTempDir('dv-src-');
    for (let i = 0; i < FILES; i++) writeFileSync(path.join(src, `doc${i}.txt`), `letter ${i}: see you on Tuesday.\n`.repeat(40));
    svc = await DeskVaultService.start({ home, keyStore: new FileKeyStore(home) });
    await svc.api['plans.create']({ name: 'Docs', resources: [{ path: src }], rules: [{ targetVault: 'local', schedule: 'rate(1 day)' }] });
    await backUp();
  });

  afterAll(async () => {
    await svc?.stop();
    removeTempDirs();
  });

  it('moving most files into another folder (same content, new names) is no alarm', async () => {
    mkdirSync(path.join(src, 'archive'));
    for (let i = 0; i < 120; i++) renameSync(path.join(src, `doc${i}.txt`), path.join(src, 'archive', `doc${i}.txt`));
    const j = await backUp();
    expect(j.statusMessage).toBeNull();
    expect(await svc.api['holds.list']({})).toEqual([]);
  });

  it('most files replaced by encrypted copies under new names: the earlier points go on legal hold', async () => {
    for (let i = 0; i < 120; i++) {
      const from = path.join(src, 'archive', `doc${i}.txt`);
      const plain = readFileSync(from);
      writeFileSync(`${from}.locked`, Buffer.concat([randomBytes(16), randomBytes(plain.length)]));
      unlinkSync(from);
    }
    const j = await backUp();
    expect(j.statusMessage).toMatch(/^completed with issues: 120 of 150 files changed at once \(120 of them replaced by new files under other names; 80 %/);
    const holds = await svc.api['holds.list']({});
    expect(holds).toHaveLength(1);
    expect(holds[0]).toMatchObject({ planNames: ['Docs'], vaultNames: ['local'] });
  });
});

describe('mass change spread over several points (a continuous plan makes one a minute)', () => {
  let svc: DeskVaultService;
  let src: string;
  const file = (i: number) => path.join(src, `note${i}.txt`);

  const backUp = (): Promise<Job> => backUpPlan(svc, 'Notes');

  beforeAll(async () => {
    const home = makeTempDir('dv-home-');
    src = makeTempDir('dv-src-');
    for (let i = 0; i < FILES; i++) writeFileSync(file(i), `note ${i}: buy milk.\n`.repeat(40));
    svc = await DeskVaultService.start({ home, keyStore: new FileKeyStore(home) });
    await svc.api['plans.create']({ name: 'Notes', resources: [{ path: src }], rules: [{ targetVault: 'local', schedule: 'rate(1 day)' }] });
    await backUp();
  });

  afterAll(async () => {
    await svc?.stop();
    removeTempDirs();
  });

  it('the same few files saved over and over (autosave) are no alarm, however many saves', async () => {
    for (let round = 0; round < 12; round++) {
      for (let i = 0; i < 10; i++) writeFileSync(file(i), `note ${i}, draft ${round}\n`.repeat(30));
      const j = await backUp();
      expect(j.statusMessage).toBeNull();
    }
    expect(await svc.api['holds.list']({})).toEqual([]);
  });

  it('25 files encrypted per point, point after point: the last hour as a whole is judged, the points before it held, once', async () => {
    const before = await svc.api['points.list']({ vault: 'local' }); // newest first
    const statuses: (string | null)[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 20 + round * 25; i < 20 + (round + 1) * 25; i++) writeFileSync(file(i), randomBytes(1500));
      statuses.push((await backUp()).statusMessage);
    }
    // No point alone crosses the rule (25 files each); the fourth makes 100 distinct files since the
    // base (the plan's first point, the oldest within the hour) — 110 with the 10 autosaved ones of
    // the test before, each counted once — and the fifth is the same episode.
    expect(statuses[0]).toBeNull();
    expect(statuses[1]).toBeNull();
    expect(statuses[2]).toBeNull();
    expect(statuses[3]).toMatch(/^completed with issues: 110 of 150 files changed at once \(73 %\); the earlier points are on legal hold [0-9a-f]+ until you release it$/);
    expect(statuses[4]).toBeNull();
    const holds = await svc.api['holds.list']({});
    expect(holds).toHaveLength(1);
    expect(holds[0]).toMatchObject({ planNames: ['Notes'], vaultNames: ['local'], to: before[before.length - 1].time });
  });
});
