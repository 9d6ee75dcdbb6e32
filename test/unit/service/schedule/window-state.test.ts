/** Start window → EXPIRED; completion window counted from the actual start → stop, PARTIAL if data. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_COMPLETION_WINDOW_MINUTES, DEFAULT_START_WINDOW_MINUTES, stoppedPointStatus, windowState } from '../../../../main/service/schedule/index.js';

const at = (s: string) => new Date(s);

describe('windowState', () => {
  const pending = { state: 'PENDING', scheduledFor: '2026-05-01T02:00:00Z', startWindowMinutes: 60, completionWindowMinutes: 120 };

  it('leaves a pending job alone inside its start window and says when to look again', () => {
    const v = windowState(pending, at('2026-05-01T02:59:59Z'));
    expect(v).toMatchObject({ expired: false, overdue: false, startDeadline: at('2026-05-01T03:00:00Z'), checkAt: at('2026-05-01T03:00:00Z') });
    expect(v.completionDeadline).toBeUndefined();
  });

  it('expires a job not started by scheduledFor + startWindowMinutes', () => {
    expect(windowState(pending, at('2026-05-01T03:00:00Z'))).toMatchObject({ expired: true, checkAt: undefined });
  });

  it('counts the completion window from the actual start, as AWS Backup does', () => {
    const running = { ...pending, state: 'RUNNING', startedAt: '2026-05-01T02:50:00Z' };
    expect(windowState(running, at('2026-05-01T04:49:00Z'))).toMatchObject({ expired: false, overdue: false, completionDeadline: at('2026-05-01T04:50:00Z'), checkAt: at('2026-05-01T04:50:00Z') });
    expect(windowState(running, at('2026-05-01T04:50:00Z'))).toMatchObject({ expired: false, overdue: true, checkAt: undefined });
  });

  it('never expires a running job nor stops a finished one', () => {
    const running = { ...pending, state: 'RUNNING', startedAt: '2026-05-01T02:59:00Z' };
    expect(windowState(running, at('2026-05-01T03:30:00Z')).expired).toBe(false);
    const done = { ...running, state: 'COMPLETED' };
    expect(windowState(done, at('2026-06-01T00:00:00Z'))).toMatchObject({ expired: false, overdue: false, checkAt: undefined });
  });

  it('applies the defaults when a job carries no windows', () => {
    const v = windowState({ state: 'RUNNING', scheduledFor: '2026-05-01T00:00:00Z', startedAt: '2026-05-01T00:00:00Z' }, at('2026-05-01T00:00:00Z'));
    expect(v.startDeadline.getTime() - at('2026-05-01T00:00:00Z').getTime()).toBe(DEFAULT_START_WINDOW_MINUTES * 60_000);
    expect(v.completionDeadline!.getTime() - at('2026-05-01T00:00:00Z').getTime()).toBe(DEFAULT_COMPLETION_WINDOW_MINUTES * 60_000);
  });

  it('keeps a stopped job\'s point as PARTIAL only if it holds data', () => {
    expect(stoppedPointStatus(true)).toBe('PARTIAL');
    expect(stoppedPointStatus(false)).toBeNull();
  });
});
