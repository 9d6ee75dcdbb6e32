/**
 * Lifecycle, legal holds, restore tests and reports through the service API, on a real vault.
 * The service's clock is shifted (injected `now`) to make points old; nothing sleeps.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../main/core/model.js';
import { FileKeyStore } from '../../main/service/keys/key-store.js';
import { DeskVaultService } from '../../main/service/index.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';

const DAY = 86_400_000;

describe('lifecycle, holds, restore tests and reports', () => {
  let svc: DeskVaultService;
  let src: string;
  let offset = 0;

  const finished = async (job: Job): Promise<Job> => {
    for (;;) {
      const j = await svc.api['jobs.get']({ id: job.id });
      if (['COMPLETED', 'FAILED', 'ABORTED', 'EXPIRED'].includes(j.state)) return j;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    const home = makeTempDir('dv-home-');
    src = makeTempDir('dv-src-');
    for (let i = 0; i < 30; i++) writeFileSync(path.join(src, `f${i}.txt`), `file ${i}\n`.repeat(i + 1));
    svc = await DeskVaultService.start({ home, keyStore: new FileKeyStore(home), now: () => new Date(Date.now() + offset) });
    await svc.api['plans.create']({ name: 'Work', resources: [{ path: src }], rules: [{ targetVault: 'local', schedule: 'rate(1 day)', lifecycle: { deleteAfterDays: 7 } }] });
    for (let i = 0; i < 3; i++) {
      writeFileSync(path.join(src, 'changing.txt'), `version ${i}\n`);
      expect((await finished(await svc.api['backups.start']({ plan: 'Work' }))).state).toBe('COMPLETED');
    }
  });

  afterAll(async () => {
    await svc?.stop();
    removeTempDirs();
  });

  it('keeps points within deleteAfterDays, and says why', async () => {
    const job = await finished(await svc.api['lifecycle.run']({ vault: 'local' }));
    expect(job.state).toBe('COMPLETED');
    expect(job.statusMessage).toBe('deleted 0 of 3 recovery points');
    expect(job.log.filter((l) => l.includes('within deleteAfterDays (7 days)'))).toHaveLength(3);
  });

  it('a legal hold keeps expired points; releasing it lets lifecycle delete them and prune the data', async () => {
    offset = 10 * DAY;
    const hold = await svc.api['holds.create']({ title: 'Audit 2026', vaultNames: ['local'] });
    const held = await finished(await svc.api['lifecycle.run']({ vault: 'local' }));
    expect(held.statusMessage).toBe('deleted 0 of 3 recovery points');
    expect(held.log.filter((l) => l.includes("kept by legal hold 'Audit 2026'"))).toHaveLength(3);
    expect(await svc.api['points.list']({ vault: 'local' })).toHaveLength(3);

    const dry = await finished(await svc.api['lifecycle.run']({ vault: 'local', dryRun: true }));
    expect(dry.statusMessage).toBe('would delete 0 of 3 recovery points');

    await svc.api['holds.release']({ id: hold.id });
    const run = await finished(await svc.api['lifecycle.run']({ vault: 'local' }));
    expect(run.statusMessage).toBe('deleted 3 of 3 recovery points');
    expect(run.log.some((l) => l.startsWith(run.log[0].slice(0, 4)) && l.includes('prune:'))).toBe(true);
    expect(await svc.api['points.list']({ vault: 'local' })).toHaveLength(0);
    offset = 0;
  });

  it('a restore test restores a sample, verifies it and estimates a full restore', async () => {
    expect((await finished(await svc.api['backups.start']({ plan: 'Work' }))).state).toBe('COMPLETED');
    const job = await finished(await svc.api['restoreTests.run']({ vault: 'local', sampleFiles: 5 }));
    expect(job.state).toBe('COMPLETED');
    expect(job.statusMessage).toMatch(/^SUCCESSFUL: 5 files verified at .* MiB\/s; a full restore would take about \d+/);
    const [latest] = await svc.api['restoreTests.list']({});
    expect(latest).toMatchObject({ vaultName: 'local', result: 'SUCCESSFUL', files: 5 });
    expect(latest.estimatedFullRestoreSeconds).not.toBeNull();
  });

  it('checks a vault as a job, reading all of its data', async () => {
    const job = await finished(await svc.api['vaults.check']({ vault: 'local', readData: 'all' }));
    expect(job.state).toBe('COMPLETED');
    expect(job.statusMessage).toMatch(/^no problems found: 1 points, \d+ folder listings, \d+ packs; \d+ packs read/);
  });

  it('re-adding a vault whose passphrase this machine saved, with an app-managed key, opens it by that key', async () => {
    const location = path.join(makeTempDir('dv-readd-'), 'v');
    await svc.api['vaults.add']({ name: 'mine', location, keyProvider: 'passphrase', passphrase: 'saved secret' });
    await svc.api['vaults.remove']({ name: 'mine' });
    const again = await svc.api['vaults.add']({ name: 'mine-again', location });
    expect(again.created).toBe(false);
    svc.registry['sessions'].clear(); // open afresh, with the key the registry stored
    expect(await svc.api['points.list']({ vault: 'mine-again' })).toEqual([]);
    await svc.api['vaults.remove']({ name: 'mine-again' });
  });

  it('a restore test of a vault without points fails with the reason', async () => {
    await svc.api['vaults.add']({ name: 'empty', location: path.join(makeTempDir('dv-empty-'), 'v') });
    const job = await finished(await svc.api['restoreTests.run']({ vault: 'empty' }));
    expect(job.state).toBe('FAILED');
    expect(job.statusMessage).toBe('FAILED: vault empty has no recovery point to test');
  });

  it('mirrors the audit trail into the vault after backups, and detects an edit of the local file', async () => {
    const mirrored = await svc.api['audit.verify']({ vault: 'local' });
    expect(mirrored).toMatchObject({ ok: true, problem: null });
    expect(mirrored.records).toBeGreaterThan(3);
    const { readFileSync, writeFileSync: write } = await import('node:fs');
    const file = svc.audit.file;
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    lines[1] = lines[1].replace('"plans.create"', '"plans.delete"');
    write(file, lines.join('\n'));
    const local = await svc.api['audit.verify']({});
    expect(local.ok).toBe(false);
    expect(local.problem).toMatch(/record 2 was modified/);
    write(file, text);
    expect((await svc.api['audit.verify']({})).ok).toBe(true);
  });

  it('reports jobs as CSV over a date range, and a compliance summary', async () => {
    const csv = await svc.api['reports.jobs']({ format: 'csv', kinds: ['BACKUP'] });
    const lines = csv.content.trim().split('\r\n');
    expect(lines[0]).toBe('id,kind,state,statusMessage,vault,plan,trigger,createdAt,startedAt,endedAt,durationSeconds,files,bytes,recoveryPointId,errorCode');
    expect(lines).toHaveLength(1 + 4);
    expect(lines.slice(1).every((l) => l.includes(',BACKUP,COMPLETED,'))).toBe(true);
    const none = await svc.api['reports.jobs']({ format: 'json', to: '2000-01-01T00:00:00.000Z' });
    expect(JSON.parse(none.content)).toEqual([]);

    const c = await svc.api['reports.compliance']({});
    const work = c.plans.find((p) => p.plan === 'Work')!;
    expect(work.checks.map((x) => [x.name, x.ok])).toEqual([
      [`recent good point: ${src}`, true],
      ['retention (default)', false], // 7 days < the 30-day minimum
      ['restore test of local', true],
    ]);
    expect(c.ok).toBe(false);
  });
});
