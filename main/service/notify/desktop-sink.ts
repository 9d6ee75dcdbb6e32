/**
 * Desktop notifications through a function the app provides (Electron's Notification in the main
 * process; nothing in the CLI). The service never imports electron: the edge injects `show`.
 */
import { DeskVaultError, isDeskVaultError } from '../../core/errors.js';
import { eventSubject, type ServiceEvent } from './events.js';
import type { NotificationSink } from './notifier.js';

export interface DesktopNotification {
  title: string;
  body: string;
  /** Failures and stale protection: the app may keep these on screen until dismissed. */
  urgent: boolean;
  event: ServiceEvent;
}

export type ShowDesktopNotification = (n: DesktopNotification) => void | Promise<void>;

export class DesktopSink implements NotificationSink {
  readonly name = 'desktop';

  constructor(private readonly show: ShowDesktopNotification) {}

  async send(event: ServiceEvent): Promise<'sent'> {
    const urgent = event.type.endsWith('_FAILED') || event.type === 'PROTECTION_STALE';
    try {
      await this.show({ title: eventSubject(event).replace(/^DeskVault: /, ''), body: event.message, urgent, event });
    } catch (err) {
      if (isDeskVaultError(err)) throw err;
      throw new DeskVaultError('IO', `the desktop notification could not be shown: ${(err as Error)?.message ?? String(err)}`, {}, { cause: err });
    }
    return 'sent';
  }
}
