/**
 * The service's events reach a vault's webhook and the desktop notifier (and every edge as a
 * `notification` event): job started/completed, a failure with its code. Real HTTP receiver.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../main/service/keys/key-store.js';
import { DeskVaultService } from '../../main/service/index.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';

async function until<T>(what: string, probe: () => T | null | undefined | false): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('service notifications', () => {
  const received: { type: string; vault: string; plan?: string; errorCode?: string }[] = [];
  const desktop: string[] = [];
  const edge: string[] = [];
  const statuses: string[] = [];
  let server: http.Server;
  let svc: DeskVaultService;
  let src: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const home = makeTempDir('dv-home-');
    src = makeTempDir('dv-src-');
    writeFileSync(path.join(src, 'a.txt'), 'a');
    svc = await DeskVaultService.start({ home, keyStore: new FileKeyStore(home), showDesktopNotification: (n) => void desktop.push(n.event.type) });
    svc.on((name, data) => {
      if (name === 'notification') edge.push((data as { type: string }).type);
      if (name === 'status') statuses.push((data as { state: string }).state);
    });
    const port = (server.address() as AddressInfo).port;
    await svc.api['vaults.setNotifications']({ name: 'local', notifications: { webhookUrl: `http://127.0.0.1:${port}/hook?secret=s3cr3t` } });
  });

  afterAll(async () => {
    await svc?.stop();
    server?.close();
    removeTempDirs();
  });

  it('announces a backup starting and completing to the webhook, the desktop and the edges', async () => {
    await svc.api['plans.create']({ name: 'Daily', resources: [{ path: src }], rules: [{ targetVault: 'local', schedule: 'cron(0 2 * * ? *)' }] });
    const job = await svc.api['backups.start']({ plan: 'Daily' });
    await until('the completed event', () => received.find((e) => e.type === 'BACKUP_JOB_COMPLETED'));
    expect(received.map((e) => e.type)).toEqual(['BACKUP_JOB_STARTED', 'BACKUP_JOB_COMPLETED']);
    expect(received.every((e) => e.vault === 'local' && e.plan === 'Daily')).toBe(true);
    expect(desktop).toEqual(['BACKUP_JOB_STARTED', 'BACKUP_JOB_COMPLETED']);
    expect(edge).toEqual(['BACKUP_JOB_STARTED', 'BACKUP_JOB_COMPLETED']);
    expect((await svc.api['jobs.get']({ id: job.id })).state).toBe('COMPLETED');
    // The tray's state is pushed too, ending with the folder protected.
    await until('a PROTECTED status event', () => statuses.includes('PROTECTED'));
  });

  it('announces a failed backup with its error code', async () => {
    const gone = path.join(src, 'sub');
    mkdirSync(gone);
    await svc.api['plans.create']({ name: 'Broken', resources: [{ path: gone }], rules: [{ targetVault: 'local', schedule: 'rate(1 day)' }] });
    // A vault whose folder became a file cannot be written: the job fails.
    await svc.api['vaults.add']({ name: 'bad', location: path.join(makeTempDir('dv-bad-'), 'v'), keyProvider: 'passphrase', passphrase: 'pw' });
    const bad = (await svc.api['vaults.list']({})).find((v) => v.name === 'bad')!;
    await svc.api['vaults.setNotifications']({ name: 'bad', notifications: { webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bad` } });
    await svc.api['plans.update']({ name: 'Broken', resources: [{ path: gone }], rules: [{ targetVault: 'bad', schedule: 'rate(1 day)' }] });
    const { rmSync } = await import('node:fs');
    rmSync(bad.location, { recursive: true, force: true });
    writeFileSync(bad.location, 'not a folder');
    await svc.api['backups.start']({ plan: 'Broken' });
    const failed = await until('the failure event', () => received.find((e) => e.type === 'BACKUP_JOB_FAILED'));
    expect(failed.vault).toBe('bad');
    expect(failed.errorCode).toMatch(/^[A-Z_]+$/);
  });
});
