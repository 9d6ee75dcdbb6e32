/**
 * Warns before the last backup copy of a file deleted from the computer expires (USERS.md row 19).
 *
 * `lookAhead` asks lifecycle which points it would delete LOOK_AHEAD_DAYS from now (selectExpired
 * with `now` shifted: a point a legal hold or Object Lock keeps then is not counted) and which
 * files only those points hold and that are gone from the computer (lifecycle/last-copies.ts,
 * files from the catalog, no data read). It runs after each lifecycle job and each backup — never
 * in `status.get`, which is computed on every event — and `LastCopyWarnings` keeps the newest
 * result per vault in memory and in `<state>/last-copies.json` (so a restart still warns), turns
 * it into status warnings, and announces a newly found set once (LAST_COPY_EXPIRING), not again
 * on every check that finds the same files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { LegalHold as HoldRecord, Plan } from '../core/model.js';
import { findLastCopies, selectExpired, type ExpiryDecision, type LastCopies, type LifecyclePoint, type PointFile } from './lifecycle/index.js';
import { planNameOf, rulesFor, toLifecycleHold } from './points/point-info.js';
import { readJsonFile, writeJsonAtomic } from './state/atomic-file.js';
import type { RecoveryPoint } from './vault-service.js';

/** How far ahead the warning looks: a week leaves time to restore or put a hold after a notice. */
export const LOOK_AHEAD_DAYS = 7;
const DAY_MS = 86_400_000;

export type FileLister = (pointId: string) => Iterable<PointFile>;

/** One lifecycle decision per point of `vaultName` at `now` (the lifecycle job's rule). */
export function decideLifecycle(input: { points: readonly RecoveryPoint[]; vaultName: string; plans: Plan[]; holds: HoldRecord[]; now: Date }): ExpiryDecision[] {
  const { points, vaultName, plans } = input;
  const byName = new Map(plans.map((p) => [p.name, p]));
  const lifecyclePoints: LifecyclePoint[] = points.map((p) => {
    const planName = planNameOf(p, plans) ?? undefined;
    return { id: p.id, time: p.time, vaultName, planName, ruleId: planName, status: p.status };
  });
  const locks = new Map(points.filter((p) => p.lock?.until).map((p) => [p.id, p.lock!.until]));
  const rules = (p: LifecyclePoint) => rulesFor(p.planName ? byName.get(p.planName) : undefined, vaultName);
  return selectExpired(lifecyclePoints, {
    now: input.now,
    lifecycleFor: (p) => rules(p).lifecycle,
    gfsFor: (p) => rules(p).gfs,
    legalHolds: input.holds.map(toLifecycleHold),
    objectLockUntil: locks,
  });
}

/** The files deleted from the computer whose last copy is in the points `decisions` delete. */
export function lastCopiesOf(decisions: readonly ExpiryDecision[], files: FileLister, existsNow: (p: string) => boolean = existsOnDisk): LastCopies {
  const doomed = decisions.filter((d) => d.action === 'DELETE').map((d) => ({ id: d.point.id, deleteAt: d.deleteAt!, planName: d.point.planName }));
  // Newest first: the newest staying point most likely holds the candidates, so the walk ends early.
  const staying = decisions.filter((d) => d.action === 'KEEP').map((d) => d.point).sort((a, b) => Date.parse(b.time) - Date.parse(a.time)).map((p) => p.id);
  if (doomed.length === 0) return findLastCopies({ doomed: [], staying: [], filesOf: () => [], existsNow });
  return findLastCopies({ doomed, staying, filesOf: files, existsNow });
}

/** What lifecycle will delete within LOOK_AHEAD_DAYS of `now`, and the last copies in it. */
export function lookAhead(input: { points: readonly RecoveryPoint[]; vaultName: string; plans: Plan[]; holds: HoldRecord[]; now: Date; files: FileLister; existsNow?: (p: string) => boolean }): LastCopies {
  const decisions = decideLifecycle({ ...input, now: new Date(input.now.getTime() + LOOK_AHEAD_DAYS * DAY_MS) });
  return lastCopiesOf(decisions, input.files, input.existsNow);
}

/**
 * Whether something is at `p` now — or the backed-up folder it lies under (one of `roots`) is
 * itself missing: an unplugged drive or an unmounted share makes every file under it look deleted,
 * so nothing is reported for it (a whole protected folder deleted on purpose is not reported
 * either; its plan's status says the folder is missing).
 */
export function presentOrUnreachable(roots: readonly string[]): (p: string) => boolean {
  const longestFirst = [...new Set(roots)].sort((a, b) => b.length - a.length);
  const rootThere = new Map<string, boolean>();
  return (p) => {
    if (existsOnDisk(p)) return true;
    const root = longestFirst.find((r) => p.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
    if (root === undefined) return false;
    let there = rootThere.get(root);
    if (there === undefined) rootThere.set(root, (there = existsOnDisk(root)));
    return !there;
  };
}

/** `lstat`, so a dangling symlink at the path counts as present (something is there). */
export function existsOnDisk(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

const Finding = z.object({
  checkedAt: z.string(),
  count: z.number(),
  bytes: z.number(),
  examples: z.array(z.string()),
  earliestLostAt: z.string().nullable(),
  planNames: z.array(z.string()),
  /** Identifies the set of files; a set with the key already stored was announced. */
  key: z.string(),
});
type Finding = z.infer<typeof Finding>;
const WarningsFile = z.object({ version: z.literal(1), vaults: z.record(z.string(), Finding).default({}) });

export class LastCopyWarnings {
  private readonly file: string;
  private state: Promise<Record<string, Finding>> | null = null;
  private saveChain: Promise<void> = Promise.resolve();

  constructor(
    home: string,
    /** Announces a newly found set (a notification); called once per set. */
    private readonly announce: (vaultName: string, message: string, finding: LastCopies) => void,
  ) {
    this.file = path.join(home, 'last-copies.json');
  }

  /** Stores the newest look-ahead of a vault; announces it when it is a set not announced before. */
  async record(vaultName: string, found: LastCopies, checkedAt: Date): Promise<void> {
    const vaults = await this.load();
    const before = vaults[vaultName];
    const fresh = found.count > 0 && found.key !== before?.key;
    if (found.count === 0) delete vaults[vaultName];
    else vaults[vaultName] = { checkedAt: checkedAt.toISOString(), ...found };
    if (fresh) this.announce(vaultName, lastCopyMessage(vaultName, found, checkedAt), found);
    this.saveChain = this.saveChain.then(() => writeJsonAtomic(this.file, { version: 1, vaults })).catch(() => undefined);
    await this.saveChain;
  }

  /** The vaults with a stored finding. */
  async vaults(): Promise<string[]> {
    return Object.keys(await this.load());
  }

  /** Forgets a vault (removed from DeskVault). */
  async forget(vaultName: string): Promise<void> {
    const vaults = await this.load();
    if (!(vaultName in vaults)) return;
    delete vaults[vaultName];
    this.saveChain = this.saveChain.then(() => writeJsonAtomic(this.file, { version: 1, vaults })).catch(() => undefined);
    await this.saveChain;
  }

  /** The stored findings as status warnings: memory only after the first read of the file. */
  async warnings(now: Date): Promise<string[]> {
    const vaults = await this.load();
    return Object.entries(vaults).map(([vault, f]) => lastCopyMessage(vault, f, now));
  }

  private load(): Promise<Record<string, Finding>> {
    this.state ??= readJsonFile(this.file, WarningsFile, { version: 1, vaults: {} })
      .then((s) => s.vaults)
      .catch(() => ({})); // unreadable: it is recomputed at the next backup or lifecycle run
    return this.state;
  }
}

/**
 * "3 files deleted from this computer (12 MB, e.g. /home/a/x.doc) lose their last backup copy
 * when recovery points of plan "Work" in vault "local" are deleted on 2 Dec 2026: restore them, or
 * put a legal hold on those points."
 */
export function lastCopyMessage(vaultName: string, f: Pick<LastCopies, 'count' | 'bytes' | 'examples' | 'earliestLostAt' | 'planNames'>, now: Date): string {
  const files = f.count === 1 ? '1 file' : `${f.count} files`;
  const eg = f.examples.length > 0 ? `, e.g. ${f.examples.slice(0, 3).join(', ')}` : '';
  const plans = f.planNames.length === 0 ? '' : f.planNames.length === 1 ? ` of plan "${f.planNames[0]}"` : ` of plans ${f.planNames.map((n) => `"${n}"`).join(', ')}`;
  const when = f.earliestLostAt ? (Date.parse(f.earliestLostAt) <= now.getTime() ? ' at the next lifecycle run' : ` on ${dayOf(f.earliestLostAt)}`) : '';
  return `${files} deleted from this computer (${bytesText(f.bytes)}${eg}) ${f.count === 1 ? 'loses its' : 'lose their'} last backup copy when recovery points${plans} in vault "${vaultName}" are deleted${when}: restore ${f.count === 1 ? 'it' : 'them'}, or put a legal hold on those points.`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2 Dec 2026` (UTC). */
function dayOf(iso: string): string {
  const d = new Date(iso);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** Decimal units, one decimal below 10: "900 B", "1.5 kB", "12 MB". */
export function bytesText(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 || v >= 10 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}
