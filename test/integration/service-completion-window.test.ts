/**
 * A plan rule's completion window, through the service on a fake clock: the window closing stops
 * the backup and keeps what it finished (PARTIAL point, job COMPLETED "completed with issues", exit
 * 3, folder ATTENTION); closing before any file is finished leaves no point (job FAILED); a cancel
 * still commits nothing; the next run makes a complete point reusing what was stored.
 *
 * Deterministic without sleeps: the clock moves only from the service's own `job` events (which
 * the job runner sends synchronously from the engine's progress callback), so the window closes
 * exactly after the first finished file (the engine reports its first file at once; later ones
 * are throttled in real time, so the engine-level test, test/integration/backup-stop.test.ts, is
 * where stops after seeded counts of files are checked), or before any.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../main/core/model.js';
import { exitCodeOfJob } from '../../main/cli/service-commands.js';
import { FileKeyStore } from '../../main/service/keys/key-store.js';
import { DeskVaultService } from '../../main/service/index.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';
import { xorshiftBytes } from '../helpers/engine-fixtures.js';
import { FakeClock } from '../unit/service/schedule/fake-clock.js';

const WINDOW_MINUTES = 30;
const NAMES = Array.from({ length: 8 }, (_, i) => `f${i}.bin`);

describe('completion window', () => {
  let home: string;
  let src: string;
  let svc: DeskVaultService;
  const clock = new FakeClock('2026-05-01T01:00:00Z');

  beforeAll(async () => {
    home = makeTempDir('dv-home-');
    src = makeTempDir('dv-src-');
    NAMES.forEach((n, i) => fs.writeFileSync(path.join(src, n), xorshiftBytes(100 + i, 20_000 + i * 1000)));
    svc = await DeskVaultService.start({ home, kind: 'test', keyStore: new FileKeyStore(home), clock, background: false });
    await svc.api['plans.create']({ name: 'Docs', resources: [{ path: src }], rules: [{ targetVault: 'local', schedule: 'rate(1 day)', completionWindowMinutes: WINDOW_MINUTES }] });
  });

  afterAll(async () => {
    await svc?.stop({ cancelJobs: true });
    removeTempDirs();
  });

  /**
   * Runs a backup of the plan. Every `job` event of the running backup moves the clock one second
   * (so the job runner's throttled progress gets through); once its completion timer is armed and
   * `filesDone` reaches `after`, `act` runs (close the window, or cancel) — once. Only this test's
   * backups run, one at a time, so the running BACKUP job is this one (it may start before
   * `backups.start` returns its id).
   */
  async function backupWith(after: number | null, act: (job: Job) => void): Promise<Job> {
    let acted = false;
    const off = svc.on((name, data) => {
      const job = data as Job;
      if (name !== 'job' || after === null || acted || job.kind !== 'BACKUP' || job.state !== 'RUNNING') return;
      if (clock.pending().length > 0 && job.counters.filesDone >= after) {
        acted = true;
        act(job);
      } else clock.advanceTo(new Date(clock.now().getTime() + 1000));
    });
    try {
      const job = await svc.api['backups.start']({ plan: 'Docs' });
      return await finalState(job.id);
    } finally {
      off();
    }
  }

  /** Polls the job (real time, briefly) until it is final. */
  async function finalState(id: string): Promise<Job> {
    for (;;) {
      const j = svc.jobs.get(id);
      if (['COMPLETED', 'FAILED', 'ABORTED', 'EXPIRED'].includes(j.state)) return j;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  const closeWindow = (): void => clock.advanceTo(new Date(clock.now().getTime() + (WINDOW_MINUTES + 1) * 60_000));

  it('closing before any file is finished: no point, job FAILED with the reason, folder ERROR', async () => {
    const job = await backupWith(0, closeWindow);
    expect(job.state).toBe('FAILED');
    expect(job.error?.code).toBe('COMPLETION_WINDOW');
    expect(job.statusMessage).toMatch(/^stopped at its completion window of 30 minutes before any file was backed up/);
    expect(job.recoveryPointId).toBeNull();
    expect(exitCodeOfJob(job)).toBe(1);
    expect(await svc.api['points.list']({ vault: 'local' })).toEqual([]);
    expect((await svc.api['status.get']({})).folders[0].state).toBe('ERROR');
  });

  it('a cancel still aborts without a point', async () => {
    const job = await backupWith(1, (j) => svc.jobs.cancel(j.id));
    expect(job.state).toBe('ABORTED');
    expect(exitCodeOfJob(job)).toBe(130);
    expect(await svc.api['points.list']({ vault: 'local' })).toEqual([]);
  });

  it('closing after the first file: a PARTIAL point with exactly that file, job COMPLETED with issues, folder ATTENTION', async () => {
    const job = await backupWith(1, closeWindow);
    expect(job.state).toBe('COMPLETED');
    expect(job.statusMessage).toBe('completed with issues: stopped at its completion window of 30 minutes with 1 file backed up; the next run backs up the rest');
    expect(job.log.some((l) => l.includes('completion window of 30 minutes reached'))).toBe(true);
    expect(exitCodeOfJob(job)).toBe(3);
    const [point] = await svc.api['points.list']({ vault: 'local' });
    expect(point).toMatchObject({ id: job.recoveryPointId, status: 'PARTIAL', files: 1 });
    expect(point.partialReason).toBe(`the plan's completion window closed before ${path.join(src, NAMES[1])}: it and what follows it are not in this point, and the next backup takes them`);
    const listed = await svc.api['points.browse']({ vault: 'local', point: point.id, path: src });
    expect(listed.entries.map((e) => [e.name, e.size])).toEqual([[NAMES[0], fs.statSync(path.join(src, NAMES[0])).size]]);
    const manifest = (await (await svc.registry.open('local')).points()).find((p) => p.id === point.id)!;
    expect(manifest.incomplete).toEqual({ reason: 'COMPLETION_WINDOW', stoppedAt: path.join(src, NAMES[1]) });
    const folder = (await svc.api['status.get']({})).folders[0];
    expect(folder).toMatchObject({ state: 'ATTENTION', lastGoodPointId: point.id, message: job.statusMessage });
  });

  it('the next run makes a complete point, reusing the file the stopped one stored', async () => {
    const job = await backupWith(null, () => undefined);
    expect(job.state).toBe('COMPLETED');
    expect(job.statusMessage).toBeNull();
    expect(exitCodeOfJob(job)).toBe(0);
    const points = await (await svc.registry.open('local')).points();
    const last = points.find((p) => p.id === job.recoveryPointId)!;
    expect(last.status).toBe('COMPLETED');
    expect(last.incomplete).toBeUndefined();
    expect(last.stats).toMatchObject({ files: NAMES.length, unchangedFiles: 1, newFiles: NAMES.length - 1 });
    const listed = await svc.api['points.browse']({ vault: 'local', point: last.id, path: src });
    expect(listed.entries.map((e) => e.name)).toEqual(NAMES);
    expect((await svc.api['status.get']({})).folders[0].state).toBe('PROTECTED');
  });
});

describe('completion window of a scheduled run (the protection loop on the fake clock)', () => {
  let home: string;
  let src: string;
  let svc: DeskVaultService;
  const clock = new FakeClock('2026-06-01T10:00:00Z');

  beforeAll(async () => {
    home = makeTempDir('dv-home-');
    src = makeTempDir('dv-src-');
    NAMES.forEach((n, i) => fs.writeFileSync(path.join(src, n), xorshiftBytes(300 + i, 10_000 + i)));
    svc = await DeskVaultService.start({ home, kind: 'test', keyStore: new FileKeyStore(home), clock, background: true });
  });

  afterAll(async () => {
    await svc?.stop({ cancelJobs: true });
    removeTempDirs();
  });

  it('the scheduler starts the run, its window closes after the first file: PARTIAL; the next occurrence completes it', async () => {
    await svc.api['plans.create']({ name: 'Hourly', resources: [{ path: src }], rules: [{ targetVault: 'local', schedule: 'rate(1 hour)', completionWindowMinutes: WINDOW_MINUTES }] });
    const jobs: Job[] = [];
    let closeAfter: number | null = 1;
    svc.on((name, data) => {
      const job = data as Job;
      if (name !== 'job' || job.kind !== 'BACKUP') return;
      jobs.push(job);
      if (job.state !== 'RUNNING' || closeAfter === null) return;
      // The rule's completion timer is the one pending before the next hourly occurrence.
      const windowTimer = clock.pending().some((t) => t.getTime() - clock.now().getTime() <= WINDOW_MINUTES * 60_000);
      if (windowTimer && job.counters.filesDone >= closeAfter) {
        closeAfter = null;
        clock.advanceTo(new Date(clock.now().getTime() + (WINDOW_MINUTES + 1) * 60_000));
      } else clock.advanceTo(new Date(clock.now().getTime() + 1000));
    });
    const settled = async (n: number): Promise<Job> => {
      for (;;) {
        const done = jobs.filter((j) => ['COMPLETED', 'FAILED', 'ABORTED', 'EXPIRED'].includes(j.state));
        if (done.length >= n) return done[n - 1];
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    clock.advanceTo('2026-06-01T11:00:00Z'); // the first hourly occurrence
    const first = await settled(1);
    expect(first).toMatchObject({ trigger: 'schedule', state: 'COMPLETED', planName: 'Hourly' });
    expect(first.statusMessage).toBe('completed with issues: stopped at its completion window of 30 minutes with 1 file backed up; the next run backs up the rest');
    const partial = (await svc.api['points.list']({ vault: 'local' }))[0];
    expect(partial).toMatchObject({ id: first.recoveryPointId, status: 'PARTIAL', files: 1 });
    expect((await svc.api['status.get']({})).folders[0].state).toBe('ATTENTION');

    clock.advanceTo('2026-06-01T12:00:00Z'); // the next occurrence
    const second = await settled(2);
    expect(second).toMatchObject({ trigger: 'schedule', state: 'COMPLETED', statusMessage: null });
    const complete = (await svc.api['points.list']({ vault: 'local' }))[0];
    expect(complete).toMatchObject({ id: second.recoveryPointId, status: 'COMPLETED', partialReason: null, files: NAMES.length });
    expect((await svc.api['status.get']({})).folders[0].state).toBe('PROTECTED');
  });
});
