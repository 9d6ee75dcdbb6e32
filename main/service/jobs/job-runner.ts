/**
 * Long work as Jobs (STYLE convention 7): id, kind, state, counters, recent log lines, skipped
 * files, an AbortSignal. Jobs of one vault run one at a time, in order (the vault's lease would
 * serialise them anyway; queueing here keeps them PENDING visibly instead of failing). Every state
 * change is persisted to `jobs.json` (the last MAX_HISTORY jobs) and announced through `onChange`;
 * counter updates are announced at most every PROGRESS_EVERY_MS. A job found RUNNING or PENDING in
 * the file at start-up was cut off by a crash or shutdown: it becomes FAILED with that reason.
 * Cancellation is never failure: a cancelled job ends ABORTED.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { z } from 'zod';
import { DeskVaultError, isDeskVaultError } from '../../core/errors.js';
import { FINAL_JOB_STATES, type Job, type JobCounters, type JobState } from '../../core/model.js';
import { readJsonFile, writeJsonAtomic } from '../state/atomic-file.js';

const MAX_HISTORY = 500;
const MAX_LOG_LINES = 200;
const MAX_SKIPPED = 1000;
const PROGRESS_EVERY_MS = 250;

const JobsFile = z.object({ version: z.literal(1), jobs: z.array(z.any()) });

export interface JobContext {
  readonly job: Job;
  readonly signal: AbortSignal;
  progress(c: Partial<JobCounters>): void;
  log(line: string): void;
  skip(path: string, reason: string): void;
}

export interface JobOutcome {
  state: Extract<JobState, 'COMPLETED' | 'PARTIAL' | 'FAILED'>;
  statusMessage?: string | null;
  recoveryPointId?: string | null;
  /** A FAILED outcome's reason, when the work ended by its own rule rather than by a thrown error. */
  error?: Job['error'];
}

export type JobSpec = Pick<Job, 'kind' | 'vaultName'> & Partial<Pick<Job, 'planName' | 'ruleName' | 'trigger'>>;

interface Running {
  job: Job;
  controller: AbortController;
  lastEmit: number;
  rate: { at: number; bytes: number }[];
}

export class JobRunner {
  private jobs: Job[] = [];
  private readonly live = new Map<string, Running>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly file: string;
  private persistChain: Promise<void> = Promise.resolve();

  constructor(
    home: string,
    private readonly onChange: (job: Job) => void,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.file = path.join(home, 'jobs.json');
  }

  async load(): Promise<void> {
    const saved = (await readJsonFile(this.file, JobsFile, { version: 1, jobs: [] })).jobs as Job[];
    const at = this.now().toISOString();
    this.jobs = saved.map((j) =>
      FINAL_JOB_STATES.includes(j.state) ? j : { ...j, state: 'FAILED', endedAt: at, error: { code: 'INTERRUPTED', message: 'DeskVault stopped while this job ran' } },
    );
    await this.persist();
  }

  list(limit = 50): Job[] {
    return this.jobs.slice(-limit).reverse().map(clone);
  }

  /**
   * The history, newest first, without copying: for the service's own read-only derivations
   * (status, reports, alerts), which run after every job change. Edges get copies (`list`).
   */
  history(): readonly Readonly<Job>[] {
    return [...this.jobs].reverse();
  }

  /** The newest backup of a plan that made a complete recovery point (its freshness). */
  lastGoodBackup(planName: string): Readonly<Job> | undefined {
    for (let i = this.jobs.length - 1; i >= 0; i--) {
      const j = this.jobs[i];
      if (j.kind === 'BACKUP' && j.planName === planName && j.state === 'COMPLETED' && j.recoveryPointId) return j;
    }
    return undefined;
  }

  get(id: string): Job {
    const j = this.jobs.find((x) => x.id === id);
    if (!j) throw new DeskVaultError('NOT_FOUND', `no job ${id}`, { job: id });
    return clone(j);
  }

  running(): Job[] {
    return [...this.live.values()].map((r) => clone(r.job));
  }

  /**
   * Queues `work` behind the other jobs of the same vault and returns the job at once (PENDING).
   * `done` settles with the final job. `startDeadline`: a job still waiting then becomes EXPIRED.
   */
  submit(spec: JobSpec, work: (ctx: JobContext) => Promise<JobOutcome>, opts: { startDeadline?: Date } = {}): { job: Job; done: Promise<Job> } {
    const job: Job = {
      id: `${this.now().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomBytes(4).toString('hex')}`,
      kind: spec.kind,
      state: 'PENDING',
      statusMessage: null,
      vaultName: spec.vaultName,
      planName: spec.planName ?? null,
      ruleName: spec.ruleName ?? null,
      trigger: spec.trigger ?? 'manual',
      createdAt: this.now().toISOString(),
      startedAt: null,
      endedAt: null,
      counters: { bytesDone: 0, bytesTotal: null, filesDone: 0, filesTotal: null, throughput: 0, etaSeconds: null, currentFile: null },
      recoveryPointId: null,
      log: [],
      skipped: [],
      error: null,
    };
    this.jobs.push(job);
    if (this.jobs.length > MAX_HISTORY) this.jobs.splice(0, this.jobs.length - MAX_HISTORY);
    const running: Running = { job, controller: new AbortController(), lastEmit: 0, rate: [] };
    this.live.set(job.id, running);
    this.changed(job);
    const prev = this.queues.get(spec.vaultName) ?? Promise.resolve();
    const done = prev.then(() => this.execute(running, work, opts.startDeadline));
    this.queues.set(spec.vaultName, done.catch(() => undefined));
    return { job: clone(job), done };
  }

  /** Records a job that never ran (a scheduled run whose start window closed while the machine slept). */
  recordExpired(spec: JobSpec, statusMessage: string): Job {
    const { job } = this.submit(spec, async () => ({ state: 'COMPLETED' }), { startDeadline: new Date(0) });
    const r = this.live.get(job.id);
    if (r && r.job.state === 'PENDING') this.finish(r, { state: 'EXPIRED', statusMessage });
    return this.get(job.id);
  }

  cancel(id: string): Job {
    const r = this.live.get(id);
    if (!r) return this.get(id); // already final: cancelling is a no-op
    if (r.job.state === 'PENDING') this.finish(r, { state: 'ABORTED', statusMessage: 'cancelled before it started' });
    else {
      r.job.state = 'ABORTING';
      this.changed(r.job);
    }
    r.controller.abort(new DeskVaultError('CANCELLED', 'cancelled', {}));
    return clone(r.job);
  }

  /** Waits for every queued and running job (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.live.size > 0) await Promise.all([...this.queues.values()]);
    await this.persistChain;
  }

  private async execute(r: Running, work: (ctx: JobContext) => Promise<JobOutcome>, startDeadline?: Date): Promise<Job> {
    const job = r.job;
    if (job.state !== 'PENDING') return clone(job); // cancelled while queued
    if (startDeadline && this.now() > startDeadline) {
      this.finish(r, { state: 'EXPIRED', statusMessage: `not started within its start window (by ${startDeadline.toISOString()})` });
      return clone(job);
    }
    job.state = 'RUNNING';
    job.startedAt = this.now().toISOString();
    this.changed(job);
    const ctx: JobContext = {
      job,
      signal: r.controller.signal,
      progress: (c) => this.progress(r, c),
      log: (line) => {
        job.log.push(`${this.now().toISOString()} ${line}`);
        if (job.log.length > MAX_LOG_LINES) job.log.splice(0, job.log.length - MAX_LOG_LINES);
      },
      skip: (p, reason) => {
        if (job.skipped.length < MAX_SKIPPED) job.skipped.push({ path: p, reason });
      },
    };
    try {
      const outcome = await work(ctx);
      this.finish(r, r.controller.signal.aborted ? { state: 'ABORTED', statusMessage: 'cancelled' } : outcome);
    } catch (err) {
      if (r.controller.signal.aborted || isDeskVaultError(err, 'CANCELLED')) this.finish(r, { state: 'ABORTED', statusMessage: 'cancelled' });
      else {
        const e = err instanceof DeskVaultError ? err.toJSON() : { code: 'INTERNAL', message: (err as Error)?.message ?? String(err) };
        this.finish(r, { state: 'FAILED', statusMessage: e.message, error: { code: e.code, message: e.message } });
      }
    }
    return clone(job);
  }

  private progress(r: Running, c: Partial<JobCounters>): void {
    const job = r.job;
    Object.assign(job.counters, c);
    const t = this.now().getTime();
    r.rate.push({ at: t, bytes: job.counters.bytesDone });
    while (r.rate.length > 2 && t - r.rate[0].at > 5000) r.rate.shift();
    const first = r.rate[0];
    const dt = (t - first.at) / 1000;
    job.counters.throughput = dt > 0 ? Math.max(0, (job.counters.bytesDone - first.bytes) / dt) : 0;
    const left = job.counters.bytesTotal !== null ? job.counters.bytesTotal - job.counters.bytesDone : null;
    job.counters.etaSeconds = left !== null && job.counters.throughput > 0 ? Math.max(0, Math.round(left / job.counters.throughput)) : null;
    if (t - r.lastEmit >= PROGRESS_EVERY_MS) {
      r.lastEmit = t;
      this.onChange(clone(job));
    }
  }

  private finish(r: Running, o: { state: JobState; statusMessage?: string | null; recoveryPointId?: string | null; error?: Job['error'] }): void {
    const job = r.job;
    job.state = o.state;
    job.statusMessage = o.statusMessage ?? null;
    job.recoveryPointId = o.recoveryPointId ?? job.recoveryPointId;
    job.error = o.error ?? null;
    job.endedAt = this.now().toISOString();
    job.counters.currentFile = null;
    job.counters.etaSeconds = null;
    this.live.delete(job.id);
    this.changed(job);
  }

  private changed(job: Job): void {
    this.onChange(clone(job));
    void this.persist();
  }

  private persist(): Promise<void> {
    // Serialised so an older snapshot never lands after a newer one.
    this.persistChain = this.persistChain.then(() => writeJsonAtomic(this.file, { version: 1, jobs: this.jobs })).catch(() => undefined);
    return this.persistChain;
  }
}

function clone(job: Job): Job {
  return structuredClone(job);
}
