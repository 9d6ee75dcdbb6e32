/**
 * How the UI speaks back: an API error as the service's own sentence (role="alert", so screen
 * readers announce it), a loading line, an empty state, and a state badge with text (never colour
 * alone).
 */
import type { ReactNode } from 'react';
import type { ApiError } from '../api/index.js';

export function ErrorNote({ error, title }: { error: ApiError | Error | null | undefined; title?: string }) {
  if (!error) return null;
  const code = (error as ApiError).code;
  return (
    <div className="note note-error" role="alert">
      <strong>{title ?? 'Something went wrong'}:</strong> {error.message}
      {code && code !== 'INTERNAL' && <span className="muted note-code"> ({code})</span>}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

const STATE_TEXT: Record<string, string> = {
  PROTECTED: 'Protected',
  BACKING_UP: 'Backing up',
  ATTENTION: 'Needs attention',
  ERROR: 'Error',
  PAUSED: 'Paused',
  UNPROTECTED: 'Not protected',
  COMPLETED: 'Completed',
  PARTIAL: 'Partial',
  FAILED: 'Failed',
  RUNNING: 'Running',
  PENDING: 'Waiting',
  CREATED: 'Created',
  ABORTING: 'Cancelling',
  ABORTED: 'Cancelled',
  EXPIRED: 'Expired',
};

const TONE: Record<string, string> = {
  PROTECTED: 'good',
  COMPLETED: 'good',
  BACKING_UP: 'busy',
  RUNNING: 'busy',
  PENDING: 'busy',
  CREATED: 'busy',
  ABORTING: 'busy',
  ATTENTION: 'warn',
  PARTIAL: 'warn',
  EXPIRED: 'warn',
  PAUSED: 'warn',
  ABORTED: 'neutral',
  UNPROTECTED: 'neutral',
  ERROR: 'bad',
  FAILED: 'bad',
};

export function StateBadge({ state, label }: { state: string; label?: string }) {
  return <span className={`badge badge-${TONE[state] ?? 'neutral'}`}>{label ?? STATE_TEXT[state] ?? state}</span>;
}

/**
 * A job's state. A job COMPLETED "with issues" (its status message, as the service words it: a
 * mass change, unreadable files, a completion window) shows in the warning tone, so a list of jobs
 * does not call it simply done.
 */
export function JobBadge({ job }: { job: { state: string; statusMessage: string | null } }) {
  if (job.state === 'COMPLETED' && job.statusMessage?.startsWith('completed with issues')) return <StateBadge state="ATTENTION" label="Completed with issues" />;
  return <StateBadge state={job.state} />;
}

export function stateText(state: string): string {
  return STATE_TEXT[state] ?? state;
}
