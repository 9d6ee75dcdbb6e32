/**
 * Restore testing (kind RESTORE_TEST): proves a vault can give data back, the way AWS Backup's
 * restore testing does. Picks a point (latest, or a random one), restores a sample of its files
 * into a temporary folder, verifies each against the point's listing (every chunk is already
 * authenticated by the restore: AES-GCM with the chunk id as associated data), measures the
 * throughput and estimates how long a full restore of the point would take. The result is
 * SUCCESSFUL, FAILED or TIMED_OUT, kept in `restore-tests.json` for reports and compliance; the
 * temporary folder is always removed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { DeskVaultError } from '../core/errors.js';
import type { JobContext, JobOutcome } from './jobs/job-runner.js';
import { readJsonFile, writeJsonAtomic } from './state/atomic-file.js';
import type { VaultSession } from './vault-service.js';

export const RestoreTestResult = z.object({
  id: z.string(),
  jobId: z.string(),
  time: z.string(),
  vaultName: z.string(),
  pointId: z.string().nullable(),
  result: z.enum(['SUCCESSFUL', 'FAILED', 'TIMED_OUT']),
  files: z.int(),
  bytes: z.int(),
  durationMs: z.int(),
  bytesPerSecond: z.number(),
  estimatedFullRestoreSeconds: z.number().nullable(),
  problem: z.string().nullable(),
});
export type RestoreTestResult = z.infer<typeof RestoreTestResult>;
const ResultsFile = z.object({ version: z.literal(1), results: z.array(RestoreTestResult) });
const MAX_RESULTS = 500;

export interface RestoreTestInput {
  session: VaultSession;
  vaultName: string;
  pick: 'latest' | 'random';
  sampleFiles: number;
  maxBytes: number;
  timeoutMinutes: number;
  home: string;
  now: () => Date;
}

export async function listRestoreTests(home: string): Promise<RestoreTestResult[]> {
  return (await readJsonFile(path.join(home, 'restore-tests.json'), ResultsFile, { version: 1, results: [] })).results;
}

async function recordResult(home: string, r: RestoreTestResult): Promise<void> {
  const all = [...(await listRestoreTests(home)), r].slice(-MAX_RESULTS);
  await writeJsonAtomic(path.join(home, 'restore-tests.json'), { version: 1, results: all });
}

/** A deterministic pseudo-random order from a seed, so a test's sample can be replayed. */
function seededOrder<T>(items: T[], seed: string): T[] {
  const key = (i: number): string => createHash('sha256').update(`${seed}:${i}`).digest('hex');
  return items.map((item, i) => ({ item, k: key(i) })).sort((a, b) => (a.k < b.k ? -1 : 1)).map((x) => x.item);
}

export async function runRestoreTestJob(input: RestoreTestInput, ctx: JobContext): Promise<JobOutcome> {
  const started = input.now();
  const t0 = Date.now();
  const testId = randomBytes(6).toString('hex');
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'deskvault-restore-test-'));
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new DeskVaultError('CANCELLED', 'restore test timed out', {})), input.timeoutMinutes * 60_000);
  timer.unref();
  const signal = AbortSignal.any([ctx.signal, timeout.signal]);
  let result: RestoreTestResult = {
    id: testId, jobId: ctx.job.id, time: started.toISOString(), vaultName: input.vaultName, pointId: null, result: 'FAILED',
    files: 0, bytes: 0, durationMs: 0, bytesPerSecond: 0, estimatedFullRestoreSeconds: null, problem: null,
  };
  try {
    const points = (await input.session.points()).filter((p) => p.status === 'COMPLETED' || p.status === 'PARTIAL');
    if (points.length === 0) throw new DeskVaultError('NOT_FOUND', `vault ${input.vaultName} has no recovery point to test`, {});
    points.sort((a, b) => (a.time < b.time ? -1 : 1));
    const point = input.pick === 'latest' ? points[points.length - 1] : seededOrder(points, testId)[0];
    result.pointId = point.id;
    ctx.log(`testing recovery point ${point.id.slice(0, 8)} (${point.time}) of vault ${input.vaultName}`);
    const { entries } = await input.session.ls(point.id);
    const files = entries.filter((e) => e.type === 'file');
    const sample: typeof files = [];
    let bytes = 0;
    for (const f of seededOrder(files, testId)) {
      if (sample.length >= input.sampleFiles) break;
      if (sample.length > 0 && bytes + (f.size ?? 0) > input.maxBytes) continue;
      sample.push(f);
      bytes += f.size ?? 0;
    }
    ctx.progress({ filesTotal: sample.length, bytesTotal: bytes });
    const r = await input.session.restore({
      point: point.id,
      paths: sample.map((f) => f.path),
      mode: { kind: 'target', dir: tmp },
      conflict: 'overwrite',
      signal,
      onProgress: (p) => ctx.progress({ filesDone: p.filesDone, bytesDone: p.bytesDone }),
    });
    if (r.errors.length > 0) throw new DeskVaultError('INTEGRITY', `${r.errors.length} sampled file(s) could not be restored: ${r.errors[0].path}: ${r.errors[0].message}`, {});
    for (const f of sample) {
      const st = await fs.stat(path.join(tmp, f.path)).catch(() => null);
      if (!st || st.size !== (f.size ?? 0)) throw new DeskVaultError('INTEGRITY', `${f.path} restored with ${st ? `${st.size} bytes` : 'no file'}, the point lists ${f.size} bytes`, { path: f.path });
    }
    const ms = Math.max(1, Date.now() - t0);
    const rate = (bytes * 1000) / ms;
    result = {
      ...result, result: 'SUCCESSFUL', files: sample.length, bytes, durationMs: ms, bytesPerSecond: Math.round(rate),
      estimatedFullRestoreSeconds: rate > 0 ? Math.round(point.stats.bytes / rate) : null,
    };
    ctx.log(`restored and verified ${sample.length} files (${bytes} bytes) in ${ms} ms`);
  } catch (err) {
    const timedOut = timeout.signal.aborted && !ctx.signal.aborted;
    if (ctx.signal.aborted) throw err;
    result = { ...result, result: timedOut ? 'TIMED_OUT' : 'FAILED', durationMs: Date.now() - t0, problem: timedOut ? `did not finish within ${input.timeoutMinutes} minutes` : (err as Error).message };
    ctx.log(`restore test ${result.result}: ${result.problem}`);
  } finally {
    clearTimeout(timer);
    await fs.rm(tmp, { recursive: true, force: true });
  }
  await recordResult(input.home, result);
  const est = result.estimatedFullRestoreSeconds;
  const message = result.result === 'SUCCESSFUL'
    ? `SUCCESSFUL: ${result.files} files verified at ${(result.bytesPerSecond / 1048576).toFixed(1)} MiB/s${est !== null ? `; a full restore would take about ${est < 120 ? `${est} s` : `${Math.round(est / 60)} min`}` : ''}`
    : `${result.result}: ${result.problem}`;
  return { state: result.result === 'SUCCESSFUL' ? 'COMPLETED' : 'FAILED', statusMessage: message, recoveryPointId: result.pointId };
}
