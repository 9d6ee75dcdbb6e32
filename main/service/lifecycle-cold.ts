/**
 * The cold-storage step of the lifecycle job: moves the data packs that no point needs warm any
 * more to the vault's cold storage class (S3: GLACIER_IR unless the location names another
 * instant-retrieval class), as AWS Backup's `moveToColdStorageAfterDays`, but per pack — a pack
 * shared by deduplication moves only once every point using it is past its cold date
 * (lifecycle/select-cold-packs.ts). Each decision is logged with its reason, grouped by the point
 * that decided it; the counts and bytes moved end the step.
 *
 * Stateless and idempotent: which packs are cold is read from the vault's listing each run, so a
 * run that stopped halfway is finished by the next. A vault without a cold class (a folder) says
 * so in the log instead of silently ignoring the rule. Packs already cold stay cold even if a new
 * point reuses them (reads work at once; moving back would cost the cold class's minimum-storage
 * charge again).
 */
import { DeskVaultError } from '../core/errors.js';
import type { Plan } from '../core/model.js';
import { ARCHIVE_CLASSES, coldStorageClassOf, dataPackHolders, listDataPacks, moveToColdStorage, type DataPackState } from '../engine/index.js';
import type { JobContext } from './jobs/job-runner.js';
import { coldOrder, computeLifecycle, selectColdPacks } from './lifecycle/index.js';
import { planNameOf, rulesFor } from './points/point-info.js';
import type { RecoveryPoint, VaultSession } from './vault-service.js';

export interface ColdStepResult {
  /** For the job's status message (null: no rule of this vault asks for cold storage). */
  summary: string | null;
  /** What stopped the moves (already logged), or null. */
  error: DeskVaultError | null;
}

export async function moveColdPacks(
  input: { session: VaultSession; vaultName: string; plans: Plan[]; points: RecoveryPoint[]; now: Date; dryRun?: boolean },
  ctx: Pick<JobContext, 'log'>,
): Promise<ColdStepResult> {
  const { session, vaultName, plans, points, now } = input;
  const asking = plansAskingForCold(plans, vaultName);
  if (asking.length === 0) return { summary: null, error: null };
  const coldClass = coldStorageClassOf(session.vault);
  if (coldClass === null) {
    ctx.log(`cold storage: ${asking.map((p) => `plan "${p}"`).join(', ')} sets moveToColdStorageAfterDays, but vault "${vaultName}" (${session.vault.store.properties.location}) is a folder, which has no cold storage class; its data stays where it is`);
    return { summary: 'no cold storage class in this vault', error: null };
  }

  const coldAt = new Map<string, string | null>();
  for (const p of points) {
    const rule = rulesFor(plans.find((x) => x.name === planNameOf(p, plans)), vaultName).lifecycle;
    coldAt.set(p.id, computeLifecycle(p, rule).moveToColdStorageAt ?? null);
  }
  const listed = new Map((await listDataPacks(session.vault)).map((p) => [p.packId, p]));
  const holders = await dataPackHolders(session.vault, coldOrder(points, coldAt));
  const refs = new Map([...holders].filter(([id]) => listed.has(id)).map(([id, point]) => [id, [point]]));

  const toMove: DataPackState[] = [];
  const groups = new Map<string, { packs: number; bytes: number }>();
  const tally = (line: string, pack: DataPackState): void => {
    const g = groups.get(line) ?? { packs: 0, bytes: 0 };
    g.packs++;
    g.bytes += pack.size;
    groups.set(line, g);
  };
  let alreadyCold = 0;
  for (const d of selectColdPacks(refs, coldAt, now)) {
    const pack = listed.get(d.packId)!;
    if (ARCHIVE_CLASSES.includes(pack.storageClass)) {
      tally(`in ${pack.storageClass}, an archive class DeskVault does not move or read without a thaw (set outside DeskVault, e.g. by a bucket lifecycle rule): restores that need it fail until it is restored to an instant-retrieval class`, pack);
    } else if (pack.storageClass === coldClass) {
      alreadyCold++;
    } else if (d.action === 'MOVE') {
      toMove.push(pack);
      tally(`${input.dryRun ? 'would move' : 'move'} to ${coldClass}: ${d.reason}`, pack);
    } else {
      tally(`kept in ${pack.storageClass}: ${d.reason}`, pack);
    }
  }
  for (const [line, g] of groups) ctx.log(`cold storage: ${g.packs} pack(s) (${g.bytes} bytes) ${line}`);
  const warm = [...groups.values()].reduce((a, g) => a + g.packs, 0) - toMove.length;
  const tail = `${alreadyCold} already in ${coldClass}, ${warm} not moved`;
  if (input.dryRun) {
    const bytes = toMove.reduce((a, p) => a + p.size, 0);
    ctx.log(`cold storage: would move ${toMove.length} data pack(s) (${bytes} bytes) to ${coldClass}; ${tail}`);
    return { summary: `would move ${toMove.length} data pack(s) to ${coldClass}`, error: null };
  }

  const r = await moveToColdStorage(session.vault, toMove, coldClass, { onNotice: (m) => ctx.log(m) });
  ctx.log(`cold storage: moved ${r.moved} data pack(s) (${r.bytesMoved} bytes) to ${coldClass}; ${tail}${r.gone ? `; ${r.gone} deleted meanwhile` : ''}`);
  const summary = `moved ${r.moved} data pack(s) to ${coldClass}`;
  if (!r.error) return { summary, error: null };
  const cause = r.error instanceof DeskVaultError ? r.error : new DeskVaultError('IO', (r.error as Error)?.message ?? String(r.error), {}, { cause: r.error });
  ctx.log(`cold storage stopped after ${r.moved} of ${toMove.length} pack(s): ${cause.message}`);
  return { summary, error: cause };
}

/** Plans with a rule (or copy action) into this vault that sets moveToColdStorageAfterDays. */
function plansAskingForCold(plans: Plan[], vaultName: string): string[] {
  return plans.filter((p) => rulesFor(p, vaultName).lifecycle?.moveToColdStorageAfterDays !== undefined).map((p) => p.name);
}
