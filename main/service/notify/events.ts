/**
 * The events DeskVault announces to people and systems (desktop, SNS, webhooks). Pure TypeScript
 * with no Node imports, so the type can move to main/core unchanged.
 *
 * Names follow AWS Backup's notification events, so a topic's subscribers can treat both alike.
 * `state` is fixed per type except where noted: a job that was cancelled ends with
 * `*_JOB_COMPLETED` and state CANCELLED, because cancelling is not failing.
 * Every event is JSON-safe: `time` is an ISO 8601 string.
 */

interface EventBase {
  /** When it happened, ISO 8601 UTC. */
  time: string;
  /** The vault's name (as the user named it in DeskVault). */
  vault: string;
  plan?: string;
  jobId?: string;
  pointId?: string;
  /** One sentence for a person. */
  message: string;
}

type JobKind = 'BACKUP' | 'RESTORE' | 'COPY';

export type JobStartedEvent = EventBase & { type: `${JobKind}_JOB_STARTED`; jobId: string; state: 'RUNNING' };
export type JobCompletedEvent = EventBase & { type: `${JobKind}_JOB_COMPLETED`; jobId: string; state: 'COMPLETED' | 'CANCELLED' };
export type JobFailedEvent = EventBase & { type: `${JobKind}_JOB_FAILED`; jobId: string; state: 'FAILED'; /** The stable error code. */ errorCode: string };

/** A recovery point was changed after it was made: forgotten, pruned, or its retention changed. */
export type RecoveryPointModifiedEvent = EventBase & { type: 'RECOVERY_POINT_MODIFIED'; pointId: string; state: 'MODIFIED' | 'DELETED' };

/** A plan has had no good recovery point for longer than its threshold (see StaleProtectionTracker). */
export type ProtectionStaleEvent = EventBase & {
  type: 'PROTECTION_STALE';
  plan: string;
  state: 'STALE';
  /** Time of the last good point, or null if the plan never made one. */
  lastGoodAt: string | null;
  /** The threshold that was crossed, in hours. */
  thresholdHours: number;
};

/** A stale plan made a good recovery point again. */
export type ProtectionRestoredEvent = EventBase & { type: 'PROTECTION_RESTORED'; plan: string; state: 'PROTECTED' };

/**
 * Files deleted from the computer lose their last backup copy when lifecycle deletes points within
 * the look-ahead (7 days); announced once per set of files found (service/last-copy-warnings.ts).
 */
export type LastCopyExpiringEvent = EventBase & {
  type: 'LAST_COPY_EXPIRING';
  state: 'EXPIRING';
  files: number;
  bytes: number;
  /** A few of the paths, sorted. */
  examples: string[];
  /** When the first of them loses its last copy, ISO 8601. */
  lostAt: string | null;
};

/**
 * A backup's point looks like ransomware or a tool gone wrong: a large share of the files changed
 * at once (service/backups/mass-change.ts). The plan's earlier points were put on a legal hold;
 * announced once per point (service/mass-change-guard.ts).
 */
export type MassChangeDetectedEvent = EventBase & {
  type: 'MASS_CHANGE_DETECTED';
  plan: string;
  jobId: string;
  /** The suspicious point (not held). */
  pointId: string;
  state: 'HELD';
  changedFiles: number;
  /** The files of the point before it, which `changedFiles` is a share of. */
  files: number;
  /** The new data did not compress or deduplicate, as encrypted data does not. */
  incompressible: boolean;
  /** The legal hold placed, and the time up to which it holds the plan's points (ISO 8601). */
  holdId: string;
  heldUpTo: string;
};

export type ServiceEvent = JobStartedEvent | JobCompletedEvent | JobFailedEvent | RecoveryPointModifiedEvent | ProtectionStaleEvent | ProtectionRestoredEvent | LastCopyExpiringEvent | MassChangeDetectedEvent;

export type ServiceEventType = ServiceEvent['type'];

export const SERVICE_EVENT_TYPES: readonly ServiceEventType[] = [
  'BACKUP_JOB_STARTED',
  'BACKUP_JOB_COMPLETED',
  'BACKUP_JOB_FAILED',
  'RESTORE_JOB_STARTED',
  'RESTORE_JOB_COMPLETED',
  'RESTORE_JOB_FAILED',
  'COPY_JOB_STARTED',
  'COPY_JOB_COMPLETED',
  'COPY_JOB_FAILED',
  'RECOVERY_POINT_MODIFIED',
  'PROTECTION_STALE',
  'PROTECTION_RESTORED',
  'LAST_COPY_EXPIRING',
  'MASS_CHANGE_DETECTED',
];

/**
 * A short, single-line ASCII title for the event (SNS Subject: ≤ 100 ASCII characters, no line
 * breaks; also the desktop notification's title), e.g. "DeskVault: backup failed (home/daily)".
 */
export function eventSubject(e: ServiceEvent): string {
  const what = e.type === 'RECOVERY_POINT_MODIFIED'
    ? `recovery point ${e.state === 'DELETED' ? 'deleted' : 'modified'}`
    : e.type === 'PROTECTION_STALE'
      ? 'protection is stale'
      : e.type === 'PROTECTION_RESTORED'
        ? 'protection restored'
        : e.type === 'LAST_COPY_EXPIRING'
          ? 'last copy of deleted files expires'
          : e.type === 'MASS_CHANGE_DETECTED'
            ? 'many files changed at once, earlier points held'
            : `${e.type.split('_')[0].toLowerCase()} ${e.state === 'CANCELLED' ? 'cancelled' : e.type.split('_').at(-1)!.toLowerCase()}`;
  const where = e.plan ? `${e.vault}/${e.plan}` : e.vault;
  const ascii = `DeskVault: ${what} (${where})`.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= 100 ? ascii : `${ascii.slice(0, 97)}...`;
}

/** The JSON body SNS and webhooks carry: the event itself, marked with its source and subject. */
export function eventPayload(e: ServiceEvent): { source: 'deskvault'; subject: string } & ServiceEvent {
  return { source: 'deskvault', subject: eventSubject(e), ...e };
}
