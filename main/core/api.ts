/**
 * The API contract: one table of methods (name → input schema, whether it changes state) and one
 * map of result types. The service implements it (`createService`), and every edge is generated
 * from this table — HTTP routes (`POST /api/<method>`), IPC channels and the preload bridge, the
 * CLI's calls to a running service — so no channel is written by hand and every input is
 * validated by the same schema wherever it enters.
 */
import { z } from 'zod';
import {
  AbsolutePath,
  JOB_KINDS,
  LegalHoldInput,
  LockSettings,
  NotificationSettings,
  PlanInput,
  PlanName,
  Resource,
  ScheduleExpression,
  VaultName,
  type Job,
  type LegalHold,
  type Plan,
  type RecoveryPointInfo,
  type ServiceStatus,
  type VaultRecord,
} from './model.js';

const Empty = z.object({}).strict();
/** A vault location as the API takes it: an absolute folder path or a URL (file://, s3://). */
const Location = z
  .string()
  .min(1)
  .max(4096)
  .refine((l) => l.startsWith('/') || /^[A-Za-z]:[\\/]/.test(l) || l.startsWith('\\\\') || /^[a-z][a-z0-9+.-]*:\/\//i.test(l), 'an absolute folder path, or a URL such as s3://bucket/prefix');
const PointRef = z.string().regex(/^(latest|[0-9a-f]{4,64})$/, 'a recovery point id (or a unique prefix of it) or "latest"');
const TreePath = z.string().max(4096).refine((p) => p === '' || p.startsWith('/'), 'an absolute path inside the point, or empty for its top');
/** An AWS KMS key as a person gives it: key id, ARN, or alias/NAME. */
export const KmsKeyRef = z.string().trim().min(1).max(2048);

export const VaultAddInput = z
  .object({
    name: VaultName,
    location: Location,
    /** Default: an app-managed key (kept in the key store), with a printable recovery code. */
    keyProvider: z.enum(['app', 'passphrase', 'kms']).default('app'),
    passphrase: z.string().min(1).max(1024).optional(),
    kmsKey: KmsKeyRef.optional(),
    lock: LockSettings.optional(),
    notifications: NotificationSettings.optional(),
  })
  .strict()
  .refine((v) => v.keyProvider !== 'passphrase' || v.passphrase, { message: 'a passphrase vault needs a passphrase', path: ['passphrase'] })
  .refine((v) => v.keyProvider !== 'kms' || v.kmsKey, { message: 'a KMS vault needs kmsKey', path: ['kmsKey'] });

export const RestoreInput = z
  .object({
    vault: VaultName,
    point: PointRef,
    /** Paths inside the point (original absolute paths); empty = everything. */
    paths: z.array(TreePath).max(10000).default([]),
    mode: z.enum(['into', 'in-place']),
    /** The folder the selected items land in, by their own names (mode "into"). */
    target: AbsolutePath.optional(),
    conflict: z.enum(['skip', 'overwrite', 'keep-both']).default('keep-both'),
    dryRun: z.boolean().default(false),
  })
  .strict()
  .refine((r) => r.mode !== 'into' || r.target, { message: 'restoring into a folder needs target', path: ['target'] });

/** A key slot as `keys.remove` takes it: its id, or a unique prefix of it (as `keys.list` shows). */
const KeySlotRef = z.string().regex(/^[0-9a-f]{4,64}$/, 'a key slot id (or a unique prefix of it, at least 4 characters)');

/** A new key slot: a (recovery) passphrase, or an AWS KMS key — exactly one. */
export const KeyAddInput = z
  .object({
    vault: VaultName,
    /** Non-empty, as a vault's passphrase everywhere else (`vaults.add`, `deskvault key add`). */
    passphrase: z.string().min(1).max(1024).optional(),
    kmsKey: KmsKeyRef.optional(),
  })
  .strict()
  .refine((k) => (k.passphrase === undefined) !== (k.kmsKey === undefined), { message: 'give exactly one of passphrase or kmsKey' });

/** The most a preview reads of a file (`points.preview` maxBytes): enough for a page of text or a photo's thumbnail-sized start. */
export const PREVIEW_MAX_BYTES = 1024 * 1024;

function method<S extends z.ZodType>(input: S, mutates: boolean, summary: string) {
  return { input, mutates, summary };
}

export const API_METHODS = {
  'status.get': method(Empty, false, 'protection state for the tray and dashboard'),
  'vaults.list': method(Empty, false, 'registered vaults'),
  'vaults.add': method(VaultAddInput, true, 'create a vault, or connect an existing one, and register it'),
  'vaults.recoveryKit': method(z.object({ name: VaultName }).strict(), true, 'the recovery code of an app-managed vault not yet shown (given out once)'),
  'vaults.setNotifications': method(z.object({ name: VaultName, notifications: NotificationSettings }).strict(), true, 'where a vault\'s events go: an SNS topic, a webhook, desktop'),
  'vaults.remove': method(z.object({ name: VaultName }).strict(), true, 'forget a vault registration (the vault itself is untouched)'),
  'keys.list': method(z.object({ vault: VaultName }).strict(), false, 'the key slots that open a vault (passphrases and recovery code, the app-managed key, AWS KMS keys), marking the one this service opens it with'),
  'keys.add': method(KeyAddInput, true, 'add a key slot to a vault: a recovery passphrase, or an AWS KMS key (a KMS rotation: add the new key, then remove the old slot); no data is rewritten'),
  'keys.remove': method(z.object({ vault: VaultName, id: KeySlotRef }).strict(), true, 'remove a key slot of a vault: never the last one, nor the one this service opens the vault with'),
  'plans.list': method(Empty, false, 'backup plans'),
  'plans.get': method(z.object({ name: PlanName }).strict(), false, 'one plan'),
  'plans.create': method(PlanInput, true, 'create a plan'),
  'plans.update': method(PlanInput, true, 'replace a plan by name'),
  'plans.delete': method(z.object({ name: PlanName }).strict(), true, 'delete a plan (its recovery points stay)'),
  'plans.nextRuns': method(z.object({ schedule: ScheduleExpression, timeZone: z.string().max(64).optional(), count: z.int().min(1).max(20).default(5) }).strict(), false, 'next run times of a schedule'),
  'backups.start': method(z.object({ plan: PlanName, rule: z.string().max(64).optional() }).strict(), true, 'back up a plan now'),
  'restores.start': method(RestoreInput, true, 'restore files from a recovery point'),
  'jobs.list': method(z.object({ limit: z.int().min(1).max(1000).default(50) }).strict(), false, 'recent jobs, newest first'),
  'jobs.get': method(z.object({ id: z.string().max(64) }).strict(), false, 'one job'),
  'jobs.cancel': method(z.object({ id: z.string().max(64) }).strict(), true, 'cancel a job'),
  'jobs.pause': method(z.object({ minutes: z.int().min(1).max(7 * 24 * 60).optional() }).strict(), true, 'pause all scheduled and continuous work (until resumed, or for N minutes)'),
  'jobs.resume': method(Empty, true, 'resume scheduled and continuous work'),
  'points.list': method(z.object({ vault: VaultName, plan: PlanName.optional() }).strict(), false, 'recovery points of a vault, newest first'),
  'points.browse': method(z.object({ vault: VaultName, point: PointRef, path: TreePath.default(''), offset: z.int().min(0).default(0), limit: z.int().min(1).max(200000).default(1000), sort: z.enum(['name', 'size', 'mtime', 'type']).default('name'), order: z.enum(['asc', 'desc']).default('asc') }).strict(), false, 'one directory of a recovery point, a page at a time'),
  'points.search': method(z.object({ vault: VaultName, glob: z.string().max(1024).optional(), text: z.string().max(1024).optional(), limit: z.int().min(1).max(10000).default(500) }).strict(), false, 'find files by name or glob across all points'),
  'points.versions': method(z.object({ vault: VaultName, path: AbsolutePath }).strict(), false, 'every distinct version of a file'),
  'points.diff': method(z.object({ vault: VaultName, from: PointRef, to: PointRef }).strict(), false, 'what changed between two points'),
  'points.preview': method(
    z.object({ vault: VaultName, point: PointRef, path: AbsolutePath, maxBytes: z.int().min(1).max(PREVIEW_MAX_BYTES).default(64 * 1024) }).strict(),
    false,
    'the first bytes of one file of a recovery point, read into memory for a preview (text, an image, or no preview)',
  ),
  'vaults.test': method(z.object({ location: Location, kmsKey: KmsKeyRef.optional() }).strict(), false, 'connection and permission test of a location (and of the KMS key a new vault would use), naming each missing right'),
  'fs.listFolders': method(z.object({ path: z.string().max(4096).default('') }).strict(), false, 'sub-folders of a folder on the service\'s machine (the browser\'s folder picker); empty path: home and roots'),
  'plans.preview': method(z.object({ resources: z.array(Resource).min(1).max(100), budgetMs: z.int().min(100).max(10000).default(3000) }).strict(), false, 'what a plan\'s folders and rules protect and exclude: counts, bytes, examples'),
  'catalog.rebuild': method(z.object({ vault: VaultName }).strict(), true, 'rebuild a vault\'s catalog (browse and search) from its metadata, no data read, as a CATALOG job counting points'),
  'vaults.check': method(z.object({ vault: VaultName, readData: z.enum(['none', 'subset', 'all']).default('subset'), subsetPercent: z.int().min(1).max(100).default(10) }).strict(), true, 'verify a vault\'s structure and (a share of) its data'),
  'lifecycle.run': method(z.object({ vault: VaultName, dryRun: z.boolean().default(false) }).strict(), true, 'delete the points past their lifecycle that nothing keeps, then prune'),
  'restoreTests.run': method(z.object({ vault: VaultName, pick: z.enum(['latest', 'random']).default('latest'), sampleFiles: z.int().min(1).max(10000).default(20), maxBytes: z.int().min(1).default(256 * 1024 * 1024), timeoutMinutes: z.int().min(1).max(24 * 60).default(30) }).strict(), true, 'restore a sample of a point into a temporary folder and verify it'),
  'restoreTests.list': method(Empty, false, 'results of restore tests, newest first'),
  'reports.jobs': method(z.object({ from: z.iso.datetime().optional(), to: z.iso.datetime().optional(), kinds: z.array(z.enum(JOB_KINDS)).optional(), format: z.enum(['json', 'csv']).default('json') }).strict(), false, 'job report over a date range'),
  'reports.compliance': method(Empty, false, 'compliance summary of every plan'),
  'holds.list': method(Empty, false, 'legal holds'),
  'holds.create': method(LegalHoldInput.strict(), true, 'place a legal hold'),
  'holds.release': method(z.object({ id: z.string().max(64) }).strict(), true, 'release a legal hold'),
  'audit.list': method(z.object({ limit: z.int().min(1).max(10000).default(200) }).strict(), false, 'recent audit records'),
  'audit.verify': method(z.object({ vault: VaultName.optional() }).strict(), false, 'verify the audit trail hash chain (the local file, or its mirror in a vault against the local file)'),
} as const;

export type ApiMethod = keyof typeof API_METHODS;
export type ApiInput<M extends ApiMethod> = z.input<(typeof API_METHODS)[M]['input']>;
export type ApiParsedInput<M extends ApiMethod> = z.output<(typeof API_METHODS)[M]['input']>;

export interface BrowseEntry {
  name: string;
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  size: number | null;
  mtime: string;
  mode: number;
  target?: string;
}

export interface SearchHit {
  pointId: string;
  time: string;
  path: string;
  type: BrowseEntry['type'];
  size: number | null;
  mtime: string;
}

export interface FileVersion {
  contentId: string;
  size: number | null;
  mtime: string;
  pointIds: string[];
  firstSeen: string;
  lastSeen: string;
}

export interface PointDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

/**
 * The start of one file of a recovery point (`points.preview`). `kind` says how to show it: `text`
 * (the bytes read, decoded: `text`), `image` (a browser-displayable image: `base64`), or `binary`
 * (no preview: neither is sent). Guessed from the file's first bytes, then its name.
 */
export interface FilePreview {
  pointId: string;
  path: string;
  /** The whole file's size in bytes. */
  size: number;
  /** A guess such as text/plain, image/png, application/pdf, application/octet-stream. */
  mime: string;
  kind: 'text' | 'image' | 'binary';
  /** How many of the file's first bytes were read (at most maxBytes). */
  bytesRead: number;
  /** The file is longer than what was read. */
  truncated: boolean;
  text: string | null;
  base64: string | null;
}

/**
 * One key slot of a vault (`keys.list`, `keys.add`). Any slot opens the vault; adding or removing
 * one never rewrites data. `current`: the slot this service opened the vault with; `appManaged`:
 * that slot holds the key DeskVault keeps in this computer's key store (a vault with the app key
 * provider); `recoveryCode`: the passphrase slot of the recovery code DeskVault made with the
 * vault (known for vaults made since it is recorded; otherwise a recovery code is just a
 * passphrase slot).
 */
export interface KeySlotView {
  id: string;
  kind: 'passphrase' | 'kms';
  created: string;
  /** Passphrase slots: the key derivation, e.g. "scrypt N=131072 r=8 p=1". */
  kdf?: string;
  /** KMS slots: the key as it was given when the slot was added (id, ARN or alias/NAME)… */
  kmsKeyId?: string;
  /** …and its ARN as KMS resolved it. */
  kmsKeyArn?: string;
  current: boolean;
  appManaged: boolean;
  recoveryCode: boolean;
}

export interface AuditRecordView {
  seq: number;
  time: string;
  action: string;
  source: string;
  outcome: string;
  args: unknown;
}

export interface RestoreTestView {
  id: string;
  jobId: string;
  time: string;
  vaultName: string;
  pointId: string | null;
  result: 'SUCCESSFUL' | 'FAILED' | 'TIMED_OUT';
  files: number;
  bytes: number;
  durationMs: number;
  bytesPerSecond: number;
  estimatedFullRestoreSeconds: number | null;
  problem: string | null;
}

export interface ApiResults {
  'status.get': ServiceStatus;
  'vaults.list': VaultRecord[];
  /** `catalogJobId`: connecting a vault that already holds points starts a CATALOG job rebuilding its catalog. */
  'vaults.add': { vault: VaultRecord; created: boolean; recoveryCode: string | null; warnings: string[]; catalogJobId?: string };
  'vaults.recoveryKit': { vault: string; recoveryCode: string | null; instructions: string };
  'vaults.setNotifications': VaultRecord;
  'vaults.remove': { removed: string };
  'keys.list': KeySlotView[];
  'keys.add': KeySlotView;
  /** `lockedUntil`: in a vault with Object Lock, S3 keeps the removed slot's locked version (behind a delete marker) until then. */
  'keys.remove': { removed: string; lockedUntil: string | null };
  'plans.list': Plan[];
  'plans.get': Plan;
  'plans.create': Plan;
  'plans.update': Plan;
  'plans.delete': { deleted: string };
  'plans.nextRuns': { runs: string[]; description: string };
  'backups.start': Job;
  'restores.start': Job;
  'jobs.list': Job[];
  'jobs.get': Job;
  'jobs.cancel': Job;
  'jobs.pause': ServiceStatus;
  'jobs.resume': ServiceStatus;
  'points.list': RecoveryPointInfo[];
  'points.browse': { point: RecoveryPointInfo; path: string; entries: BrowseEntry[]; total: number };
  'points.search': { hits: SearchHit[]; truncated: boolean };
  'points.versions': { versions: FileVersion[] };
  'points.diff': PointDiff;
  'points.preview': FilePreview;
  /** `locationOk`: the location itself (not counting a KMS key's rights) can hold the vault. */
  'vaults.test': { location: string; ok: boolean; locationOk: boolean; vaultExists: boolean; checks: { permission: string; ok: boolean; feature: string; message?: string }[]; problem: string | null };
  'fs.listFolders': { path: string; parent: string | null; folders: { name: string; path: string }[]; roots: string[] };
  'plans.preview': { included: { files: number; bytes: number }; excluded: { files: number; bytes: number; examples: { path: string; pattern: string }[] }; complete: boolean };
  'catalog.rebuild': Job;
  'vaults.check': Job;
  'lifecycle.run': Job;
  'restoreTests.run': Job;
  'restoreTests.list': RestoreTestView[];
  'reports.jobs': { format: 'json' | 'csv'; rows: number; content: string };
  'reports.compliance': { time: string; ok: boolean; plans: { plan: string; ok: boolean; checks: { name: string; ok: boolean; detail: string }[] }[] };
  'holds.list': LegalHold[];
  'holds.create': LegalHold;
  'holds.release': LegalHold;
  'audit.list': AuditRecordView[];
  'audit.verify': { ok: boolean; records: number; problem: string | null };
}

export type ApiResult<M extends ApiMethod> = ApiResults[M];

/** The typed API every edge exposes: the service itself, the IPC bridge, the HTTP client. */
export type DeskVaultApi = { [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiResult<M>> };

/** Events pushed to the edges (SSE on HTTP, IPC messages in Electron). */
export interface ApiEvents {
  job: Job;
  status: ServiceStatus;
  notification: { type: string; time: string; message: string; vaultName?: string; planName?: string; jobId?: string };
}
export type ApiEventName = keyof ApiEvents;
export const API_EVENT_NAMES: readonly ApiEventName[] = ['job', 'status', 'notification'];

/** Where a call came from, for the audit trail. */
export type CallSource = 'cli' | 'http' | 'ipc' | 'scheduler' | 'service';

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(API_METHODS, name);
}
