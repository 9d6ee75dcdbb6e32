/**
 * Keeps the machine awake while a backup, copy or restore runs, and lets it sleep again after the
 * last one ends. Driven by the service's `job` events; the blocker is injected (Electron's
 * `powerSaveBlocker` with 'prevent-app-suspension': the screen may still turn off, the system may
 * not suspend). One blocker for any number of jobs; `dispose` releases it whatever the jobs say.
 */
import type { Job, JobState } from '../core/model.js';

export interface PowerBlocker {
  start(): number;
  stop(id: number): void;
}

const ACTIVE: ReadonlySet<JobState> = new Set(['PENDING', 'RUNNING', 'ABORTING']);
const GUARDED: ReadonlySet<Job['kind']> = new Set(['BACKUP', 'COPY', 'RESTORE']);

export class SleepGuard {
  private readonly active = new Set<string>();
  private blockerId: number | null = null;

  constructor(private readonly blocker: PowerBlocker) {}

  get blocking(): boolean {
    return this.blockerId !== null;
  }

  onJob(job: Pick<Job, 'id' | 'kind' | 'state'>): void {
    if (GUARDED.has(job.kind) && ACTIVE.has(job.state)) this.active.add(job.id);
    else this.active.delete(job.id);
    this.apply();
  }

  dispose(): void {
    this.active.clear();
    this.apply();
  }

  private apply(): void {
    if (this.active.size > 0 && this.blockerId === null) this.blockerId = this.blocker.start();
    else if (this.active.size === 0 && this.blockerId !== null) {
      this.blocker.stop(this.blockerId);
      this.blockerId = null;
    }
  }
}
