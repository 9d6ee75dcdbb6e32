/**
 * Rebuilding a vault's catalog as a job (`catalog.rebuild`): the rebuilt catalog answers exactly as
 * the one built live, its progress arrives through the ordinary `job` events (recovery points
 * done/total) and reaches the total, connecting an existing vault on another machine (another
 * state folder) starts it by itself, and it works through the HTTP server and the CLI.
 *
 * The service runs on a fake clock that the test moves one second per `job` event of the rebuild,
 * so the job runner's throttle (one event per 250 ms) lets every progress step through — no sleeps.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../main/core/model.js';
import { startServer } from '../../main/server/index.js';
import { FileKeyStore } from '../../main/service/keys/key-store.js';
import { DeskVaultService } from '../../main/service/index.js';
import { expectStatus, parseJson, runCli } from '../helpers/cli.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';
import { FakeClock } from '../unit/service/schedule/fake-clock.js';

const FINAL = ['COMPLETED', 'FAILED', 'ABORTED', 'EXPIRED'];

async function finalState(svc: DeskVaultService, id: string): Promise<Job> {
  for (;;) {
    const j = svc.jobs.get(id);
    if (FINAL.includes(j.state)) return j;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('catalog rebuild', () => {
  let home: string;
  let src: string;
  let svc: DeskVaultService;
  let location: string;
  const clock = new FakeClock('2026-05-01T08:00:00Z');
  /** Every `job` event of CATALOG jobs, as sent. */
  const events: Job[] = [];
  const points: string[] = [];

  /** What browsing and searching the vault answers (the catalog's whole job). */
  async function answers(s: DeskVaultService, vault: string) {
    const browse = [];
    for (const id of points) {
      for (const dir of [src, path.join(src, 'docs')]) browse.push((await s.api['points.browse']({ vault, point: id, path: dir })).entries);
    }
    return {
      browse,
      search: (await s.api['points.search']({ vault, glob: '*.txt' })).hits,
      versions: (await s.api['points.versions']({ vault, path: path.join(src, 'docs', 'a.txt') })).versions,
      diff: await s.api['points.diff']({ vault, from: points[0], to: points[points.length - 1] }),
    };
  }

  beforeAll(async () => {
    home = makeTempDir('dv-home-');
    src = makeTempDir('dv-src-');
    fs.mkdirSync(path.join(src, 'docs'));
    svc = await DeskVaultService.start({ home, kind: 'test', keyStore: new FileKeyStore(home), clock, background: false });
    svc.on((name, data) => {
      const job = data as Job;
      if (name !== 'job' || job.kind !== 'CATALOG') return;
      events.push(job);
      clock.advanceTo(new Date(clock.now().getTime() + 1000));
    });
    location = (await svc.api['vaults.list']({}))[0].location;
    await svc.api['plans.create']({ name: 'Docs', resources: [{ path: src }], rules: [{ targetVault: 'local', schedule: 'rate(1 day)' }] });
    for (let i = 0; i < 4; i++) {
      fs.writeFileSync(path.join(src, 'docs', 'a.txt'), `version ${i % 2}`);
      fs.writeFileSync(path.join(src, 'docs', `new-${i}.txt`), `added at ${i}`);
      fs.writeFileSync(path.join(src, 'top.bin'), Buffer.alloc(100 + i));
      const job = await finalState(svc, (await svc.api['backups.start']({ plan: 'Docs' })).id);
      expect(job.state).toBe('COMPLETED');
      points.push(job.recoveryPointId!);
    }
  });

  afterAll(async () => {
    await svc?.stop({ cancelJobs: true });
    removeTempDirs();
  });

  it('answers exactly as the live catalog, and reports points done/total live until the total', async () => {
    const live = await answers(svc, 'local');
    const vaultId = (await svc.api['vaults.list']({}))[0].id;
    const manifestFile = path.join(home, 'catalog', vaultId, 'catalog.json');
    const segmentsBefore = (JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { segments: { file: string }[] }).segments.map((s) => s.file);

    const started = await svc.api['catalog.rebuild']({ vault: 'local' });
    expect(started).toMatchObject({ kind: 'CATALOG', vaultName: 'local', state: 'PENDING' });
    const job = await finalState(svc, started.id);
    expect(job.state).toBe('COMPLETED');
    expect(job.statusMessage).toMatch(/^catalog rebuilt: 4 recovery points, \d+ folder listings, \d+ entries$/);
    expect(job.counters).toMatchObject({ filesDone: 4, filesTotal: 4, bytesDone: 0 });

    const mine = events.filter((e) => e.id === started.id);
    const running = mine.filter((e) => e.state === 'RUNNING' && e.counters.filesTotal === 4);
    const done = running.map((e) => e.counters.filesDone);
    expect(done).toEqual([...done].sort((a, b) => a - b)); // never goes back
    expect(new Set(done)).toEqual(new Set([0, 1, 2, 3, 4])); // every point, as it went
    expect(mine.at(-1)).toMatchObject({ state: 'COMPLETED', counters: { filesDone: 4, filesTotal: 4 } });

    const segmentsAfter = (JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { segments: { file: string }[] }).segments.map((s) => s.file);
    expect(segmentsAfter.some((f) => segmentsBefore.includes(f))).toBe(false); // really read again
    expect(await answers(svc, 'local')).toEqual(live);
    expect((await svc.api['audit.list']({ limit: 1 }))[0]).toMatchObject({ action: 'catalog.rebuild', source: 'service' });
  });

  it('adopting the vault on another machine (connect) rebuilds its catalog by itself', async () => {
    const code = (await svc.api['vaults.recoveryKit']({ name: 'local' })).recoveryCode!;
    const home2 = makeTempDir('dv-home2-');
    const other = await DeskVaultService.start({ home: home2, kind: 'test', keyStore: new FileKeyStore(home2), noDefaultVault: true });
    try {
      const r = await other.api['vaults.add']({ name: 'adopted', location, passphrase: code });
      expect(r.created).toBe(false);
      expect(r.catalogJobId).toMatch(/^\d{14}-[0-9a-f]{8}$/);
      const job = await finalState(other, r.catalogJobId!);
      expect(job).toMatchObject({ kind: 'CATALOG', vaultName: 'adopted', state: 'COMPLETED', counters: { filesDone: 4, filesTotal: 4 } });
      expect(fs.existsSync(path.join(home2, 'catalog', r.vault.id, 'catalog.json'))).toBe(true);
      expect(await answers(other, 'adopted')).toEqual(await answers(svc, 'local'));
    } finally {
      await other.stop();
    }
  });

  it('works through the HTTP server', async () => {
    const server = await startServer({ api: svc.api, callWith: (s) => svc.apiFor(s), events: { subscribe: (l) => svc.on(l) } });
    try {
      const call = async (method: string, input: unknown): Promise<Job> => {
        const res = await fetch(`http://127.0.0.1:${server.port}/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });
        expect(res.status).toBe(200);
        return ((await res.json()) as { result: Job }).result;
      };
      const started = await call('catalog.rebuild', { vault: 'local' });
      expect(started.kind).toBe('CATALOG');
      let job = started;
      while (!FINAL.includes(job.state)) job = await call('jobs.get', { id: started.id });
      expect(job).toMatchObject({ state: 'COMPLETED', counters: { filesDone: 4, filesTotal: 4 } });
      expect((await svc.api['audit.list']({ limit: 1 }))[0]).toMatchObject({ action: 'catalog.rebuild', source: 'http' });
    } finally {
      await server.close();
    }
  });

  it('deskvault catalog rebuild --vault NAME --wait runs it and prints the job', async () => {
    await svc.stop();
    try {
      const r = runCli(['catalog', 'rebuild', '--vault', 'local', '--wait', '--json'], { env: { DESKVAULT_HOME: home, DESKVAULT_KEYSTORE: 'file' } });
      const job = parseJson<Job>(expectStatus(r, 0));
      expect(job).toMatchObject({ kind: 'CATALOG', state: 'COMPLETED', counters: { filesDone: 4, filesTotal: 4 } });
    } finally {
      svc = await DeskVaultService.start({ home, kind: 'test', keyStore: new FileKeyStore(home), clock, background: false });
    }
  });
});
