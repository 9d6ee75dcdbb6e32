/**
 * The service host and the main process's client, end to end in one process: a real
 * DeskVaultService in a temporary state folder behind runServiceHost, the ServiceClient on the
 * other end of a node:worker_threads MessageChannel (structured clone, like Electron's utility
 * process port). Proves the round trip the window relies on — calls, typed errors as
 * { code, message, data }, events — and a clean stop that releases the state folder.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import type { Job, ServiceStatus } from '../../../main/core/model.js';
import { runServiceHost } from '../../../main/electron/service-host-runtime.js';
import { ServiceClient, type HostNotification, type PortLike } from '../../../main/electron/service-protocol.js';
import { FileKeyStore } from '../../../main/service/keys/key-store.js';
import { makeTempDir, removeTempDirs } from '../../helpers/files.js';

function portOf(p: MessagePort): PortLike {
  return {
    postMessage: (m) => p.postMessage(m),
    onMessage: (l) => {
      p.on('message', l);
      return () => p.off('message', l);
    },
  };
}

async function until(probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function startHost(home: string) {
  const { port1, port2 } = new MessageChannel();
  const hostDone = runServiceHost(portOf(port2), { home, deps: { keyStore: new FileKeyStore(home) } });
  const client = new ServiceClient(portOf(port1));
  return { client, hostDone, close: () => (port1.close(), port2.close()) };
}

describe('service host ↔ main process', () => {
  afterAll(() => removeTempDirs());

  it('answers calls, turns errors into { code, message, data }, forwards job events and notifications, and stops cleanly', async () => {
    const home = makeTempDir('dv-host-');
    const h = startHost(home);
    const ready = await h.client.ready;
    expect(ready).toEqual({ home, keyStore: 'file', keyStoreWarning: expect.stringContaining('keys.json') });

    const status = await h.client.call('status.get', {});
    expect(status.ok && (status.value as ServiceStatus).state).toBe('UNPROTECTED');

    const vaults = await h.client.call('vaults.list', {});
    expect(vaults.ok && (vaults.value as { name: string }[]).map((v) => v.name)).toEqual(['local']);

    expect(await h.client.call('plans.get', { name: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await h.client.call('jobs.pause', { minutes: 0 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', data: { method: 'jobs.pause', field: 'minutes' } } });

    // A real backup: its job events and its desktop notification arrive, in order, on the main side.
    const src = makeTempDir('dv-host-src-');
    writeFileSync(path.join(src, 'notes.txt'), 'hello\n');
    const jobs: Job[] = [];
    const notes: HostNotification[] = [];
    h.client.on((name, data) => name === 'job' && jobs.push(data as Job));
    h.client.onDesktopNotification((n) => notes.push(n));
    const plan = await h.client.call('plans.create', { name: 'docs', resources: [{ path: src }], rules: [{ targetVault: 'local', schedule: 'rate(1 days)' }] });
    expect(plan.ok).toBe(true);
    const started = await h.client.call('backups.start', { plan: 'docs' });
    expect(started.ok).toBe(true);
    const jobId = started.ok ? (started.value as Job).id : '';
    await until(() => jobs.some((j) => j.id === jobId && j.state === 'COMPLETED') && notes.some((n) => n.event.type === 'BACKUP_JOB_COMPLETED'));
    expect(jobs.filter((j) => j.id === jobId).map((j) => j.trigger)).toContain('manual');
    expect(notes.find((n) => n.event.type === 'BACKUP_JOB_COMPLETED')?.event).toMatchObject({ vault: 'local', plan: 'docs', jobId });

    // A state change is visible in the next status (the tray polls it after every job event).
    const paused = await h.client.call('jobs.pause', { minutes: 60 });
    expect(paused.ok && (paused.value as ServiceStatus).paused).toBe(true);
    await h.client.call('jobs.resume', {});

    // The audit trail records IPC calls with their source.
    const audit = await h.client.call('audit.list', { limit: 10 }, 'service');
    expect(audit.ok && (audit.value as { action: string; source: string }[]).some((r) => r.action === 'jobs.pause' && r.source === 'ipc')).toBe(true);

    await h.client.stop();
    await h.hostDone;
    // After stop, calls answer at once instead of hanging.
    expect(await h.client.call('status.get', {})).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    h.close();

    // The state folder was released: a new host starts on it.
    const again = startHost(home);
    await expect(again.client.ready).resolves.toMatchObject({ home });
    await again.client.stop();
    await again.hostDone;
    again.close();
  });

  it('reports a start failure (another service holds the state folder) instead of hanging', async () => {
    const home = makeTempDir('dv-host-locked-');
    const first = startHost(home);
    await first.client.ready;
    const second = startHost(home);
    await expect(second.client.ready).rejects.toMatchObject({ code: 'VAULT_LOCKED', message: expect.stringContaining('already runs') });
    expect(await second.client.call('status.get', {})).toMatchObject({ ok: false, error: { code: 'VAULT_LOCKED' } });
    await second.hostDone;
    second.close();
    await first.client.stop();
    await first.hostDone;
    first.close();
  });

  it('answers every pending call when the host goes away', async () => {
    const { port1 } = new MessageChannel();
    const client = new ServiceClient(portOf(port1));
    const pending = client.call('status.get', {});
    client.fail({ code: 'INTERNAL', message: 'the DeskVault service stopped (exit code 1)', data: {} });
    await expect(pending).resolves.toEqual({ ok: false, error: { code: 'INTERNAL', message: 'the DeskVault service stopped (exit code 1)', data: {} } });
    await expect(client.ready).rejects.toMatchObject({ code: 'INTERNAL' });
    port1.close();
  });
});
