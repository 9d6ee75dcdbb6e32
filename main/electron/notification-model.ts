/**
 * Which of the service's desktop notifications the app shows, and how: title, body, urgency and
 * the screen a click opens. Quiet by design (people tire of popups and then miss the one that
 * matters): every failure, every stale-protection alert and every mass change is shown; a backup
 * that succeeded is shown only when a person started it (continuous mode completes one every few
 * minutes); starts, cancellations (the person did it) and routine recovery-point changes (pruning)
 * are not shown.
 */
import type { JobKind } from '../core/model.js';
import type { Screen } from './screens.js';
import type { HostNotification } from './service-protocol.js';

export interface NotificationView {
  title: string;
  body: string;
  /** Failures and stale protection stay on screen until dismissed where the OS allows. */
  urgent: boolean;
  /** Opened when the notification is clicked. */
  target: Screen;
}

/** What the app knows about a job when its notification arrives (from the `job` events). */
export interface KnownJob {
  kind: JobKind;
  trigger: 'manual' | 'schedule' | 'continuous' | 'catch-up' | 'startup';
}

export function notificationView(n: HostNotification, job: KnownJob | undefined): NotificationView | null {
  const e = n.event;
  const where = e.plan ? `${e.plan} → ${e.vault}` : e.vault;
  const jobScreen: Screen = e.jobId ? { name: 'job', jobId: e.jobId } : { name: 'dashboard' };
  const m = /^(BACKUP|RESTORE|COPY)_JOB_(STARTED|COMPLETED|FAILED)$/.exec(e.type);
  if (m) {
    const kind = m[1] === 'BACKUP' ? 'Backup' : m[1] === 'RESTORE' ? 'Restore' : 'Copy';
    if (m[2] === 'STARTED') return null;
    if (m[2] === 'FAILED') return { title: `${kind} failed — ${where}`, body: e.message, urgent: true, target: jobScreen };
    if (/cancel/i.test(n.title)) return null;
    if (m[1] !== 'RESTORE' && job?.trigger !== 'manual') return null;
    return { title: `${kind} finished — ${where}`, body: e.message, urgent: false, target: jobScreen };
  }
  if (e.type === 'PROTECTION_STALE') {
    return { title: `Backups are overdue — ${where}`, body: e.message, urgent: true, target: e.plan ? { name: 'plan', plan: e.plan } : { name: 'dashboard' } };
  }
  if (e.type === 'LAST_COPY_EXPIRING') {
    return { title: `Deleted files are about to leave the backup — ${where}`, body: e.message, urgent: true, target: { name: 'dashboard' } };
  }
  if (e.type === 'MASS_CHANGE_DETECTED') {
    // The person's next step is to look at the files and, if they were damaged, restore from a held point.
    return { title: `Many files changed at once — ${where}`, body: e.message, urgent: true, target: { name: 'restore' } };
  }
  if (e.type === 'PROTECTION_RESTORED') {
    return { title: `Protected again — ${where}`, body: e.message, urgent: false, target: { name: 'dashboard' } };
  }
  return null;
}
