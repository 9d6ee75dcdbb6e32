/**
 * The quiet period: a backup starts once no change has arrived for `quietMs`, so a save that
 * writes a temp file and renames it, or a build that touches a thousand files, makes one recovery
 * point, not many. `maxDelayMs` bounds the wait from the first unprotected change, so a file that
 * changes without pause (a log, a VM disk) is still protected regularly.
 */
import { realTimers, type Timers } from './timers.js';

export interface DebouncerOptions {
  /** Default 3 s: editors and office apps finish a save burst well within it. */
  quietMs?: number;
  /** Default 60 s: the longest a continuously changing folder goes without a point. */
  maxDelayMs?: number;
  timers?: Timers;
  onQuiet: () => void;
}

export const DEFAULT_QUIET_MS = 3000;
export const DEFAULT_MAX_DELAY_MS = 60_000;

export class QuietPeriodDebouncer {
  private readonly quietMs: number;
  private readonly maxDelayMs: number;
  private readonly timers: Timers;
  private handle: unknown = null;
  /** When the first change of the pending burst arrived; null when nothing is pending. */
  private firstAt: number | null = null;

  constructor(private readonly opts: DebouncerOptions) {
    this.quietMs = opts.quietMs ?? DEFAULT_QUIET_MS;
    this.maxDelayMs = Math.max(opts.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, this.quietMs);
    this.timers = opts.timers ?? realTimers;
  }

  get pending(): boolean {
    return this.firstAt !== null;
  }

  /** A change arrived: (re)start the quiet period, never past `maxDelayMs` after the first. */
  poke(): void {
    const now = this.timers.now();
    if (this.firstAt === null) this.firstAt = now;
    const wait = Math.min(this.quietMs, this.firstAt + this.maxDelayMs - now);
    this.arm(Math.max(0, wait));
  }

  /** Fires now if a change is pending (shutdown, "back up now"). */
  flush(): void {
    if (this.firstAt !== null) this.fire();
  }

  /** Forgets the pending burst without firing. */
  cancel(): void {
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = null;
    this.firstAt = null;
  }

  private arm(ms: number): void {
    if (this.handle !== null) this.timers.clearTimeout(this.handle);
    this.handle = this.timers.setTimeout(() => this.fire(), ms);
  }

  private fire(): void {
    this.cancel();
    this.opts.onQuiet();
  }
}
