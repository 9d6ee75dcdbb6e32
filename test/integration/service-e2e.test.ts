/**
 * The service end to end, through its typed API, on the real filesystem, the real watcher and the
 * real vault: default vault → plan with a folder → continuous change → recovery point → browse →
 * restore a file → bytes equal. Plus what must hold around it: the state folder's lock, the job
 * history surviving a restart, the catalog rebuilt from the vault equal to the one built live,
 * legal holds, the audit trail, and the app-managed key's recovery code opening the vault alone.
 */
import { promises as fs, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeskVaultError } from '../../main/core/errors.js';
import type { Job } from '../../main/core/model.js';
import { FileKeyStore } from '../../main/service/keys/key-store.js';
import { DeskVaultService } from '../../main/service/index.js';
import { openVault } from '../../main/service/vault-service.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';

const GENEROUS_MS = 60_000;

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + GENEROUS_MS;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('service end to end', () => {
  let home: string;
  let src: string;
  let svc: DeskVaultService;

  beforeAll(async () => {
    home = makeTempDir('dv-home-');
    src = makeTempDir('dv-src-');
    await fs.mkdir(path.join(src, 'docs'), { recursive: true });
    writeFileSync(path.join(src, 'docs', 'report.txt'), 'first draft\n');
    writeFileSync(path.join(src, 'notes.md'), '# notes\n');
    svc = await DeskVaultService.start({ home, kind: 'test', keyStore: new FileKeyStore(home), background: true });
  });

  afterAll(async () => {
    await svc?.stop({ cancelJobs: true });
    removeTempDirs();
  });

  it('creates the default vault with an app-managed key, and gives its recovery code once', async () => {
    const vaults = await svc.api['vaults.list']({});
    expect(vaults.map((v) => [v.name, v.keyProvider, v.location])).toEqual([['local', 'app', path.join(home, 'vaults', 'local')]]);
    const kit = await svc.api['vaults.recoveryKit']({ name: 'local' });
    expect(kit.recoveryCode).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    expect((await svc.api['vaults.recoveryKit']({ name: 'local' })).recoveryCode).toBeNull();
    // The recovery code alone opens the vault (a new machine: no registry, no key store).
    const session = await openVault(vaults[0].location, kit.recoveryCode!);
    expect(session.id).toBe(vaults[0].id);
  });

  it('refuses a second service on the same state folder, naming the holder', async () => {
    await expect(DeskVaultService.start({ home, keyStore: new FileKeyStore(home) })).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
  });

  it('refuses invalid input with the field named, and a plan protecting the vault itself', async () => {
    await expect(svc.call('plans.create', { name: 'x', resources: [], rules: [] }, 'http')).rejects.toMatchObject({ code: 'INVALID_INPUT', data: { field: 'resources' } });
    await expect(
      svc.api['plans.create']({ name: 'Self', resources: [{ path: home }], rules: [{ targetVault: 'local', schedule: 'rate(1 hour)' }] }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(svc.api['plans.create']({ name: 'Bad', resources: [{ path: src }], rules: [{ targetVault: 'local', schedule: 'every tuesday' }] })).rejects.toBeInstanceOf(DeskVaultError);
  });

  it('protects a folder continuously: a change becomes a point, browsable and restorable byte for byte', async () => {
    await svc.api['plans.create']({
      name: 'Documents',
      resources: [{ path: src, excludes: ['*.tmp'] }],
      rules: [{ targetVault: 'local', schedule: 'continuous', quietPeriodSeconds: 1 }],
    });
    // The first point (start-up rescan), then a change seen by the watcher.
    const first = await until('the first continuous point', async () => (await svc.api['jobs.list']({ limit: 50 })).find((j) => j.trigger === 'continuous' && j.state === 'COMPLETED'));
    writeFileSync(path.join(src, 'docs', 'report.txt'), 'second draft, longer\n');
    writeFileSync(path.join(src, 'scratch.tmp'), 'excluded');
    const job: Job = await until('a point with the change', async () => {
      const done = (await svc.api['jobs.list']({ limit: 50 })).filter((j) => j.trigger === 'continuous' && j.state === 'COMPLETED' && j.id !== first.id);
      return done.find((j) => j.counters.filesDone > 0) ?? null;
    });
    expect(job.recoveryPointId).toMatch(/^[0-9a-f]{64}$/);

    const dir = await svc.api['points.browse']({ vault: 'local', point: job.recoveryPointId!, path: path.join(src, 'docs') });
    expect(dir.entries.map((e) => [e.name, e.size])).toEqual([['report.txt', 'second draft, longer\n'.length]]);
    const top = await svc.api['points.browse']({ vault: 'local', point: job.recoveryPointId!, path: src });
    expect(top.entries.map((e) => e.name).sort()).toEqual(['docs', 'notes.md']); // *.tmp excluded

    const target = makeTempDir('dv-restore-');
    const restore = await svc.api['restores.start']({ vault: 'local', point: job.recoveryPointId!, paths: [path.join(src, 'docs', 'report.txt')], mode: 'into', target });
    const finished = await until('the restore', async () => {
      const j = await svc.api['jobs.get']({ id: restore.id });
      return ['COMPLETED', 'FAILED', 'ABORTED'].includes(j.state) ? j : null;
    });
    expect(finished.state).toBe('COMPLETED');
    expect(readFileSync(path.join(target, 'report.txt'), 'utf8')).toBe('second draft, longer\n');

    const versions = await svc.api['points.versions']({ vault: 'local', path: path.join(src, 'docs', 'report.txt') });
    expect(versions.versions.map((v) => v.size)).toEqual(['first draft\n'.length, 'second draft, longer\n'.length]);
    const diff = await svc.api['points.diff']({ vault: 'local', from: first.recoveryPointId!, to: job.recoveryPointId! });
    expect(diff.changed).toContain(path.join(src, 'docs', 'report.txt'));

    const status = await svc.api['status.get']({});
    expect(status.folders.map((f) => [f.path, f.continuous])).toEqual([[src, true]]);
  });

  it('places and releases legal holds, shown on the points they cover', async () => {
    const hold = await svc.api['holds.create']({ title: 'Audit 2026', planNames: ['Documents'] });
    const points = await svc.api['points.list']({ vault: 'local' });
    expect(points.length).toBeGreaterThan(0);
    expect(points.every((p) => p.heldBy.includes('Audit 2026'))).toBe(true);
    await svc.api['holds.release']({ id: hold.id });
    expect((await svc.api['points.list']({ vault: 'local' })).every((p) => p.heldBy.length === 0)).toBe(true);
  });

  it('records every state-changing call in an intact audit trail, secrets redacted', async () => {
    const v = await svc.api['audit.verify']({});
    expect(v).toMatchObject({ ok: true, problem: null });
    const records = await svc.api['audit.list']({ limit: 100 });
    const actions = records.map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['vaults.add', 'plans.create', 'restores.start', 'holds.create', 'holds.release']));
    expect(records.find((r) => r.action === 'plans.create' && r.outcome === 'error')).toBeTruthy();
    expect(JSON.stringify(records)).not.toMatch(/[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}/); // no recovery code
  });

  it('keeps the job history and the catalog across a restart; a deleted catalog rebuilds equal', async () => {
    const before = await svc.api['jobs.list']({ limit: 100 });
    const pointsBefore = await svc.api['points.list']({ vault: 'local' });
    const latest = pointsBefore[0].id;
    const listing = await svc.api['points.browse']({ vault: 'local', point: latest, path: src });
    const search = await svc.api['points.search']({ vault: 'local', glob: '*.txt' });
    await svc.stop();
    await fs.rm(path.join(home, 'catalog'), { recursive: true, force: true });
    svc = await DeskVaultService.start({ home, kind: 'test', keyStore: new FileKeyStore(home), background: false });
    expect((await svc.api['jobs.list']({ limit: 100 })).map((j) => [j.id, j.state])).toEqual(before.map((j) => [j.id, j.state]));
    expect(await svc.api['points.browse']({ vault: 'local', point: latest, path: src })).toEqual(listing);
    expect(await svc.api['points.search']({ vault: 'local', glob: '*.txt' })).toEqual(search);
  });
});
