/**
 * Rebuilding a vault's catalog as a CATALOG job (`catalog.rebuild`, and connecting an existing
 * vault: "adopt a vault on a new machine = connect + rebuild"). The catalog is a cache, so this
 * loses nothing: it reads the vault's recovery points and folder listings — metadata packs only,
 * never file data — and reports as it goes through the job's counters, which count recovery
 * points as files (`filesDone`/`filesTotal`; `currentFile` says how many listings and entries were
 * read). A point whose listings cannot be read is left out and named in `skipped`: the job is
 * COMPLETED "completed with issues", and the next sync retries it. A cancel keeps what was read.
 */
import type { CatalogAccess } from './catalog-access.js';
import type { JobContext, JobOutcome } from './jobs/job-runner.js';

export async function runCatalogRebuildJob(catalog: CatalogAccess, vaultName: string, ctx: JobContext): Promise<JobOutcome> {
  ctx.log(`rebuilding the catalog of vault ${vaultName} from its recovery points and folder listings (no file data is read)`);
  const r = await catalog.rebuild(
    vaultName,
    (p) =>
      ctx.progress({
        filesDone: p.pointsDone,
        filesTotal: p.phase === 'LISTING' ? null : p.pointsTotal,
        currentFile: `${p.treesRead} folder listings, ${p.entriesRead} entries read`,
      }),
    ctx.signal,
  );
  const total = r.added.length + r.errors.length;
  ctx.progress({ filesDone: total, filesTotal: total, currentFile: null });
  for (const e of r.errors) ctx.skip(`recovery point ${e.pointId}`, e.message);
  const summary = `${r.added.length} recovery points, ${r.treesRead} folder listings, ${r.entriesRead} entries`;
  ctx.log(`catalog rebuilt: ${summary}${r.removed.length ? `; ${r.removed.length} points no longer in the vault dropped` : ''}`);
  if (r.errors.length > 0) {
    return { state: 'COMPLETED', statusMessage: `completed with issues: ${r.errors.length} of ${total} recovery points could not be read (${r.errors[0].message}); the next sync tries again` };
  }
  return { state: 'COMPLETED', statusMessage: `catalog rebuilt: ${summary}` };
}
