/**
 * Notifier fan-out with the real DesktopSink and small sinks written here: a failing sink is a
 * reported Delivery, never an exception; each sink sees events in call order; filters; close
 * cancels what is in flight without calling it a failure.
 */
import { describe, expect, it } from 'vitest';
import { DeskVaultError } from '../../../../main/core/errors.js';
import { DesktopSink, type DesktopNotification } from '../../../../main/service/notify/desktop-sink.js';
import { eventSubject, SERVICE_EVENT_TYPES, type ServiceEvent } from '../../../../main/service/notify/events.js';
import { Notifier, type Delivery, type NotificationSink } from '../../../../main/service/notify/notifier.js';

const started: ServiceEvent = { type: 'BACKUP_JOB_STARTED', state: 'RUNNING', time: '2024-05-01T10:00:00.000Z', vault: 'home', plan: 'daily', jobId: 'j1', message: 'Backup of daily started.' };
const failed: ServiceEvent = { type: 'BACKUP_JOB_FAILED', state: 'FAILED', errorCode: 'NO_SPACE', time: '2024-05-01T10:05:00.000Z', vault: 'home', plan: 'daily', jobId: 'j1', message: 'The vault disk is full.' };

describe('Notifier', () => {
  it('delivers to every sink; a failing sink is reported, not thrown, and the others still deliver', async () => {
    const shown: DesktopNotification[] = [];
    const broken: NotificationSink = { name: 'broken', send: async () => { throw new DeskVaultError('IO', 'cannot reach it', { where: 'x' }); } };
    const buggy: NotificationSink = { name: 'buggy', send: async () => { throw new TypeError('oops'); } };
    const notifier = new Notifier([new DesktopSink((n) => void shown.push(n)), broken, buggy]);
    const seen: Delivery[] = [];
    notifier.onDidDeliver((d) => seen.push(d));
    notifier.onDidDeliver(() => { throw new Error('a bad listener'); });

    const result = await notifier.notify(failed);
    expect(result).toEqual([
      { sink: 'desktop', type: 'BACKUP_JOB_FAILED', vault: 'home', status: 'sent' },
      { sink: 'broken', type: 'BACKUP_JOB_FAILED', vault: 'home', status: 'failed', error: { code: 'IO', message: 'cannot reach it', data: { where: 'x' } } },
      { sink: 'buggy', type: 'BACKUP_JOB_FAILED', vault: 'home', status: 'failed', error: { code: 'INTERNAL', message: 'buggy: oops', data: { sink: 'buggy' } } },
    ]);
    // Listeners hear each delivery as it finishes: sinks run side by side, so in completion order.
    expect([...seen].sort((x, y) => x.sink.localeCompare(y.sink))).toEqual([...result].sort((x, y) => x.sink.localeCompare(y.sink)));
    expect(shown).toEqual([{ title: 'backup failed (home/daily)', body: 'The vault disk is full.', urgent: true, event: failed }]);
  });

  it('a desktop notifier that throws is a failed delivery', async () => {
    const notifier = new Notifier([new DesktopSink(() => { throw new Error('no display'); })]);
    expect(await notifier.notify(started)).toEqual([expect.objectContaining({ status: 'failed', error: expect.objectContaining({ code: 'IO', message: 'the desktop notification could not be shown: no display' }) })]);
  });

  it('keeps call order per sink even when an earlier delivery is slower', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slowFirst: NotificationSink = {
      name: 'ordered',
      send: async (e) => {
        if (e.type === 'BACKUP_JOB_STARTED') await gate;
        order.push(e.type);
        return 'sent';
      },
    };
    const notifier = new Notifier([slowFirst]);
    const a = notifier.notify(started);
    const b = notifier.notify(failed);
    release();
    await Promise.all([a, b]);
    expect(order).toEqual(['BACKUP_JOB_STARTED', 'BACKUP_JOB_FAILED']);
  });

  it('filters per sink, removes sinks, and close() cancels deliveries in flight', async () => {
    const shown: string[] = [];
    const notifier = new Notifier();
    const remove = notifier.add(new DesktopSink((n) => void shown.push(n.event.type)), (e) => !e.type.endsWith('_STARTED'));
    await notifier.notify(started);
    await notifier.notify(failed);
    expect(shown).toEqual(['BACKUP_JOB_FAILED']);
    remove();
    expect(await notifier.notify(failed)).toEqual([]);

    let closed = false;
    let inFlight!: () => void;
    const sending = new Promise<void>((r) => (inFlight = r));
    const hanging: NotificationSink = {
      name: 'hanging',
      send: (_e, signal) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new DeskVaultError('CANCELLED', 'aborted')));
          inFlight();
        }),
      close: () => void (closed = true),
    };
    notifier.add(hanging);
    const pending = notifier.notify(started);
    await sending;
    await notifier.close();
    expect(await pending).toEqual([{ sink: 'hanging', type: 'BACKUP_JOB_STARTED', vault: 'home', status: 'cancelled', error: { code: 'CANCELLED', message: 'aborted', data: {} } }]);
    expect(closed).toBe(true);
    expect(await notifier.notify(started)).toEqual([expect.objectContaining({ status: 'cancelled' })]);
  });
});

describe('eventSubject', () => {
  it('is short single-line ASCII for every event type', () => {
    for (const type of SERVICE_EVENT_TYPES) {
      const s = eventSubject({ ...failed, type, state: 'FAILED', vault: 'Fotos – Ärger'.repeat(10) } as ServiceEvent);
      expect(s.length).toBeLessThanOrEqual(100);
      expect(s).toMatch(/^DeskVault: [\x20-\x7e]+$/);
    }
    expect(eventSubject({ ...started, type: 'COPY_JOB_COMPLETED', state: 'CANCELLED' })).toBe('DeskVault: copy cancelled (home/daily)');
    expect(eventSubject({ type: 'RECOVERY_POINT_MODIFIED', state: 'DELETED', pointId: 'p', time: started.time, vault: 'home', message: '' })).toBe('DeskVault: recovery point deleted (home)');
  });
});
