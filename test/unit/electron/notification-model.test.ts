import { describe, expect, it } from 'vitest';
import { notificationView } from '../../../main/electron/notification-model.js';
import { hashFor } from '../../../main/electron/screens.js';
import type { HostNotification } from '../../../main/electron/service-protocol.js';

function n(type: string, over: Partial<HostNotification['event']> = {}, title = 'backup completed (local/docs)'): HostNotification {
  return { title, body: 'msg', urgent: false, event: { type, time: '2026-03-10T12:00:00Z', vault: 'local', plan: 'docs', jobId: 'j1', message: 'the message', ...over } };
}

describe('notification model', () => {
  it('shows every failure, urgently, opening the job', () => {
    for (const kind of ['BACKUP', 'RESTORE', 'COPY']) {
      const v = notificationView(n(`${kind}_JOB_FAILED`), { kind: 'BACKUP', trigger: 'schedule' });
      expect(v).toMatchObject({ urgent: true, body: 'the message', target: { name: 'job', jobId: 'j1' } });
      expect(v?.title).toMatch(/failed — docs → local$/);
    }
  });

  it('shows a finished backup only when a person started it; a restore always', () => {
    expect(notificationView(n('BACKUP_JOB_COMPLETED'), { kind: 'BACKUP', trigger: 'continuous' })).toBeNull();
    expect(notificationView(n('BACKUP_JOB_COMPLETED'), { kind: 'BACKUP', trigger: 'schedule' })).toBeNull();
    expect(notificationView(n('BACKUP_JOB_COMPLETED'), undefined)).toBeNull();
    expect(notificationView(n('BACKUP_JOB_COMPLETED'), { kind: 'BACKUP', trigger: 'manual' })).toMatchObject({ title: 'Backup finished — docs → local', urgent: false, target: { name: 'job', jobId: 'j1' } });
    expect(notificationView(n('RESTORE_JOB_COMPLETED', { plan: undefined }), { kind: 'RESTORE', trigger: 'manual' })).toMatchObject({ title: 'Restore finished — local' });
  });

  it('stays quiet about starts, cancellations and routine point changes', () => {
    expect(notificationView(n('BACKUP_JOB_STARTED'), { kind: 'BACKUP', trigger: 'manual' })).toBeNull();
    expect(notificationView(n('BACKUP_JOB_COMPLETED', {}, 'backup cancelled (local/docs)'), { kind: 'BACKUP', trigger: 'manual' })).toBeNull();
    expect(notificationView(n('RECOVERY_POINT_MODIFIED'), undefined)).toBeNull();
    expect(notificationView(n('NOTIFICATION_FAILED'), undefined)).toBeNull();
  });

  it('alerts stale protection urgently, opening the plan, and says when it is back', () => {
    expect(notificationView(n('PROTECTION_STALE', { jobId: undefined }), undefined)).toMatchObject({ title: 'Backups are overdue — docs → local', urgent: true, target: { name: 'plan', plan: 'docs' } });
    expect(notificationView(n('PROTECTION_RESTORED', { jobId: undefined }), undefined)).toMatchObject({ urgent: false, target: { name: 'dashboard' } });
  });

  it('alerts a mass change urgently, opening the recovery points to restore from', () => {
    const v = notificationView(n('MASS_CHANGE_DETECTED'), { kind: 'BACKUP', trigger: 'continuous' });
    expect(v).toMatchObject({ title: 'Many files changed at once — docs → local', body: 'the message', urgent: true, target: { name: 'restore' } });
  });

  it('alerts urgently when deleted files are about to lose their last backup copy', () => {
    expect(notificationView(n('LAST_COPY_EXPIRING', { jobId: undefined }), undefined)).toMatchObject({ title: 'Deleted files are about to leave the backup — docs → local', urgent: true, target: { name: 'dashboard' } });
  });

  it('opens screens by hash route', () => {
    expect(hashFor({ name: 'dashboard' })).toBe('#/');
    expect(hashFor({ name: 'restore' })).toBe('#/points');
    expect(hashFor({ name: 'job', jobId: 'a/b' })).toBe('#/jobs/a%2Fb');
    expect(hashFor({ name: 'plan', plan: 'My docs' })).toBe('#/plans/My%20docs');
  });
});
