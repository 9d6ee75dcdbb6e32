/**
 * A restore as a job's work. The engine keeps every write inside the folder the person chose
 * (component-safe paths, no traversal through symlinks); this maps the API's choice onto it:
 * `into` puts the selected items into `target` by their own names, `in-place` writes them back to
 * where they were. A dry run lists what would change in the job's log and writes nothing.
 */
import type { ApiParsedInput } from '../../core/api.js';
import type { JobContext, JobOutcome } from '../jobs/job-runner.js';
import type { VaultSession } from '../vault-service.js';

const LISTED_IN_LOG = 150;

export async function runRestoreJob(session: VaultSession, req: ApiParsedInput<'restores.start'>, ctx: JobContext): Promise<JobOutcome> {
  const mode = req.mode === 'in-place' ? ({ kind: 'in-place' } as const) : ({ kind: 'into', dir: req.target! } as const);
  ctx.log(`${req.dryRun ? 'dry run: ' : ''}restoring ${req.paths.length === 0 ? 'everything' : req.paths.join(', ')} from ${req.point} ${req.mode === 'into' ? `into ${req.target}` : 'to the original locations'} (on conflict: ${req.conflict})`);
  const r = await session.restore({
    point: req.point,
    paths: req.paths,
    mode,
    conflict: req.conflict,
    dryRun: req.dryRun,
    signal: ctx.signal,
    onProgress: (p) => ctx.progress({ bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, filesDone: p.filesDone, filesTotal: p.filesTotal }),
  });
  for (const e of r.entries.slice(0, LISTED_IN_LOG)) ctx.log(`${e.action} ${e.path}${e.restoredAs ? ` as ${e.restoredAs}` : ''}`);
  if (r.entries.length > LISTED_IN_LOG) ctx.log(`… and ${r.entries.length - LISTED_IN_LOG} more`);
  for (const e of r.errors) ctx.skip(e.path, e.message);
  const summary = `${r.dryRun ? 'would restore' : 'restored'} ${r.files} files, ${r.dirs} folders, ${r.bytes} bytes; ${r.skipped} skipped`;
  ctx.log(summary);
  if (r.errors.length > 0) return { state: 'COMPLETED', statusMessage: `completed with issues: ${r.errors.length} items could not be restored` };
  return { state: 'COMPLETED', statusMessage: r.dryRun ? summary : null };
}
