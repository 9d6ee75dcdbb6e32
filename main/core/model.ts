/**
 * The model every edge shares: vaults, plans (resources + rules), jobs, recovery points, legal
 * holds — as zod schemas (the one validation at every boundary: IPC, HTTP, CLI, and the state
 * files read back from disk) and the TypeScript types inferred from them. Names follow AWS Backup's
 * vocabulary where it has one (BackupPlan rules, startWindowMinutes, lifecycle.deleteAfterDays).
 */
import { z } from 'zod';

export const VaultName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a vault name is 1–64 letters, digits, "-" or "_"');
export const PlanName = z
  .string()
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9 _.-]{0,63}$/, 'a plan name is 1–64 letters, digits, spaces, ".", "-" or "_"')
  .refine((s) => s.trim() === s, 'a plan name cannot start or end with a space');

/** Absolute path of the machine the service runs on (POSIX or Windows drive/UNC form). */
export const AbsolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'must be an absolute path')
  .refine((p) => !p.includes('\0'), 'must not contain NUL');

export const KeyProvider = z.enum(['app', 'passphrase', 'kms']);
export type KeyProvider = z.infer<typeof KeyProvider>;

export const LockSettings = z.object({ mode: z.enum(['governance', 'compliance']), days: z.int().min(1).max(36500) });
export type LockSettings = z.infer<typeof LockSettings>;

export const NotificationSettings = z.object({
  snsTopicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'an SNS topic ARN').optional(),
  webhookUrl: z.url({ protocol: /^https?$/ }).optional(),
  desktop: z.boolean().default(true),
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;

export const VaultRecord = z.object({
  name: VaultName,
  id: z.string().regex(/^[0-9a-f]{16,64}$/),
  location: z.string().min(1).max(4096),
  keyProvider: KeyProvider,
  kmsKey: z.string().optional(),
  lock: LockSettings.optional(),
  notifications: NotificationSettings.optional(),
  /** The key slot of the recovery code DeskVault made with the vault (app-managed vaults made since this field exists). */
  recoveryCodeSlot: z.string().optional(),
  createdAt: z.iso.datetime(),
});
export type VaultRecord = z.infer<typeof VaultRecord>;

/** Names of the engine's ready-made exclude lists (docs/patterns.md, "Presets"). */
export const ExcludePreset = z.enum(['caches', 'node_modules', 'temp', 'browser-caches']);

const Glob = z.string().min(1).max(1024);

export const Resource = z.object({
  path: AbsolutePath,
  includes: z.array(Glob).max(200).default([]),
  excludes: z.array(Glob).max(200).default([]),
  excludePresets: z.array(ExcludePreset).default([]),
  /** Files larger than this many bytes are skipped (and listed as skipped). */
  maxFileSize: z.int().positive().optional(),
});
export type Resource = z.infer<typeof Resource>;

const Days = z.int().min(1).max(36500);

export const Lifecycle = z.object({ deleteAfterDays: Days.optional(), moveToColdStorageAfterDays: Days.optional() }).refine(
  (l) => l.deleteAfterDays === undefined || l.moveToColdStorageAfterDays === undefined || l.deleteAfterDays >= l.moveToColdStorageAfterDays + 90,
  // AWS Backup's rule, for the same reason: cold classes bill a minimum storage duration.
  'deleteAfterDays must be at least 90 days after moveToColdStorageAfterDays',
);

export const Retention = z.object({
  keepLast: z.int().min(0).max(100000).optional(),
  keepHourly: z.int().min(0).max(100000).optional(),
  keepDaily: z.int().min(0).max(100000).optional(),
  keepWeekly: z.int().min(0).max(100000).optional(),
  keepMonthly: z.int().min(0).max(100000).optional(),
  keepYearly: z.int().min(0).max(100000).optional(),
});
export type Retention = z.infer<typeof Retention>;

/** `continuous`, `rate(N minutes|hours|days)`, or a cron expression (validated by the scheduler). */
export const ScheduleExpression = z.string().min(1).max(200);

export const CopyAction = z.object({ targetVault: VaultName, lifecycle: Lifecycle.optional() });

export const Rule = z.object({
  name: z.string().min(1).max(64).default('default'),
  targetVault: VaultName,
  schedule: ScheduleExpression,
  timeZone: z.string().min(1).max(64).optional(),
  startWindowMinutes: z.int().min(5).max(7 * 24 * 60).default(60),
  completionWindowMinutes: z.int().min(10).max(30 * 24 * 60).default(7 * 24 * 60),
  /** Continuous mode: a backup starts after this many seconds without new changes. */
  quietPeriodSeconds: z.int().min(1).max(3600).default(10),
  lifecycle: Lifecycle.default({}),
  retention: Retention.default({}),
  copyActions: z.array(CopyAction).max(10).default([]),
  tags: z.array(z.string().regex(/^[^\s,]{1,128}$/, 'a tag has no spaces or commas')).max(50).default([]),
});
export type Rule = z.infer<typeof Rule>;

export const RunConditions = z.object({
  onlyOnAcPower: z.boolean().default(false),
  notOnMeteredNetwork: z.boolean().default(false),
  limitUploadBytesPerSec: z.int().positive().optional(),
});

export const PlanInput = z.object({
  name: PlanName,
  resources: z.array(Resource).min(1).max(100),
  rules: z.array(Rule).min(1).max(20),
  conditions: RunConditions.default({ onlyOnAcPower: false, notOnMeteredNetwork: false }),
});
export type PlanInput = z.input<typeof PlanInput>;
export const Plan = PlanInput.extend({ createdAt: z.iso.datetime(), updatedAt: z.iso.datetime() });
export type Plan = z.infer<typeof Plan>;

/** CATALOG: the catalog (browse and search cache) rebuilt from a vault's metadata; its counters count recovery points as files. */
export const JOB_KINDS = ['BACKUP', 'RESTORE', 'COPY', 'CHECK', 'PRUNE', 'RESTORE_TEST', 'CATALOG'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATES = ['CREATED', 'PENDING', 'RUNNING', 'ABORTING', 'ABORTED', 'COMPLETED', 'FAILED', 'EXPIRED', 'PARTIAL'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const FINAL_JOB_STATES: readonly JobState[] = ['ABORTED', 'COMPLETED', 'FAILED', 'EXPIRED', 'PARTIAL'];

export interface JobCounters {
  bytesDone: number;
  bytesTotal: number | null;
  filesDone: number;
  filesTotal: number | null;
  /** Bytes per second over the last few seconds. */
  throughput: number;
  etaSeconds: number | null;
  currentFile: string | null;
}

export interface Job {
  id: string;
  kind: JobKind;
  state: JobState;
  /** "Completed with issues" is COMPLETED plus this message (docs/outcomes.md). */
  statusMessage: string | null;
  vaultName: string;
  planName: string | null;
  ruleName: string | null;
  trigger: 'manual' | 'schedule' | 'continuous' | 'catch-up' | 'startup';
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  counters: JobCounters;
  recoveryPointId: string | null;
  log: string[];
  skipped: { path: string; reason: string }[];
  error: { code: string; message: string } | null;
}

export interface RecoveryPointInfo {
  id: string;
  vaultName: string;
  time: string;
  status: 'COMPLETED' | 'PARTIAL';
  /** Why a PARTIAL point is partial, in words (a stop before the end, files that could not be read); null when COMPLETED. */
  partialReason: string | null;
  paths: string[];
  tags: string[];
  planName: string | null;
  host: string;
  files: number;
  bytes: number;
  storedBytes: number;
  errors: number;
  moveToColdStorageAt: string | null;
  deleteAt: string | null;
  heldBy: string[];
}

export const LegalHoldInput = z.object({
  title: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  planNames: z.array(PlanName).optional(),
  vaultNames: z.array(VaultName).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
});
export const LegalHold = LegalHoldInput.extend({ id: z.string(), createdAt: z.iso.datetime(), releasedAt: z.iso.datetime().optional() });
export type LegalHold = z.infer<typeof LegalHold>;

/** Tray/dashboard state, derived from protection freshness and jobs (docs/outcomes.md). */
export type ProtectionState = 'PROTECTED' | 'BACKING_UP' | 'ATTENTION' | 'ERROR' | 'PAUSED' | 'UNPROTECTED';

export interface FolderStatus {
  path: string;
  planName: string;
  vaultName: string;
  state: ProtectionState;
  lastGoodPointAt: string | null;
  lastGoodPointId: string | null;
  nextRunAt: string | null;
  continuous: boolean;
  message: string | null;
}

export interface ServiceStatus {
  state: ProtectionState;
  paused: boolean;
  pausedUntil: string | null;
  lastBackupAt: string | null;
  runningJobs: number;
  /** Percent of the running backup(s), when known. */
  percent: number | null;
  folders: FolderStatus[];
  warnings: string[];
}
