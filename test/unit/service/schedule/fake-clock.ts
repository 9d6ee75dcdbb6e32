/**
 * A clock for scheduler tests: time moves only when the test says. `advanceTo` is a machine that
 * stays awake (timers fire in order, each at its own instant); `sleepUntil` is a suspend or a
 * shutdown (time jumps, then every overdue timer fires at the new time, as on wake).
 */
import type { SchedulerClock, TimerHandle } from '../../../../main/service/schedule/index.js';

interface PendingTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export class FakeClock implements SchedulerClock {
  private t: number;
  private seq = 0;
  private timers: PendingTimer[] = [];

  constructor(start: Date | string) {
    this.t = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  setTimer(at: Date, fn: () => void): TimerHandle {
    const timer: PendingTimer = { at: at.getTime(), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** Pending timers' instants, earliest first. */
  pending(): Date[] {
    return this.live().map((t) => new Date(t.at));
  }

  advanceTo(target: Date | string): void {
    const end = new Date(target).getTime();
    for (let next = this.live()[0]; next && next.at <= end; next = this.live()[0]) {
      this.t = Math.max(this.t, next.at);
      this.fire(next);
    }
    this.t = Math.max(this.t, end);
  }

  sleepUntil(target: Date | string): void {
    this.t = new Date(target).getTime();
    for (let next = this.live()[0]; next && next.at <= this.t; next = this.live()[0]) this.fire(next);
  }

  /** Wall clock set back (or forward) without firing anything. */
  setTime(target: Date | string): void {
    this.t = new Date(target).getTime();
  }

  private fire(timer: PendingTimer): void {
    timer.cancelled = true;
    timer.fn();
  }

  private live(): PendingTimer[] {
    this.timers = this.timers.filter((t) => !t.cancelled);
    return [...this.timers].sort((a, b) => a.at - b.at || a.seq - b.seq);
  }
}
