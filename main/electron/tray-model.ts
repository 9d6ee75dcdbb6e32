/**
 * The tray from the service's status: which icon, the tooltip, the percent of a running backup,
 * and the status line the menu opens with. States follow docs/outcomes.md (the service derives
 * `status.state` from protection freshness and jobs); this only decides how they look.
 */
import type { ProtectionState, ServiceStatus } from '../core/model.js';
import { relativeTime, timeUntil } from './relative-time.js';

export const TRAY_ICON_STATES = ['protected', 'backing-up', 'attention', 'error', 'paused'] as const;
export type TrayIconState = (typeof TRAY_ICON_STATES)[number];

/** What the tray shows while the service host starts, or when it could not start. */
export type TrayServiceState = { kind: 'starting' } | { kind: 'failed'; message: string } | { kind: 'running'; status: ServiceStatus };

export interface TrayModel {
  icon: TrayIconState;
  tooltip: string;
  /** 0–100 while a backup with known size runs, else null (taskbar progress, macOS tray title). */
  percent: number | null;
  /** The menu's first line, e.g. "Last backup 5 min ago". */
  statusLine: string;
}

const ICON_FOR: Record<ProtectionState, TrayIconState> = {
  PROTECTED: 'protected',
  BACKING_UP: 'backing-up',
  ATTENTION: 'attention',
  // Nothing protected yet is a call to action, not a failure.
  UNPROTECTED: 'attention',
  ERROR: 'error',
  PAUSED: 'paused',
};

const HEADLINE: Record<ProtectionState, string> = {
  PROTECTED: 'Protected',
  BACKING_UP: 'Backing up',
  ATTENTION: 'Needs attention',
  UNPROTECTED: 'Not protected yet',
  ERROR: 'Backup failed',
  PAUSED: 'Paused',
};

export function trayModel(service: TrayServiceState, now: Date): TrayModel {
  if (service.kind === 'starting') return { icon: 'paused', tooltip: 'DeskVault — starting…', percent: null, statusLine: 'Starting…' };
  if (service.kind === 'failed') {
    return { icon: 'error', tooltip: `DeskVault — could not start: ${service.message}`, percent: null, statusLine: 'DeskVault could not start' };
  }
  const s = service.status;
  const percent = s.state === 'BACKING_UP' && s.percent !== null && Number.isFinite(s.percent) ? Math.max(0, Math.min(100, Math.round(s.percent))) : null;
  const statusLine = statusLineFor(s, percent, now);
  const detail = detailFor(s);
  const tooltip = ['DeskVault', `${HEADLINE[s.state]}${percent !== null ? ` ${percent}%` : ''}`, statusLine === HEADLINE[s.state] ? null : statusLine, detail]
    .filter((x): x is string => !!x)
    .join(' — ');
  return { icon: ICON_FOR[s.state], tooltip: clip(tooltip, TOOLTIP_MAX), percent, statusLine };
}

/** Windows cuts tray tooltips at 127 characters; cut them ourselves, visibly. */
export const TOOLTIP_MAX = 127;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function statusLineFor(s: ServiceStatus, percent: number | null, now: Date): string {
  if (s.state === 'BACKING_UP') {
    const what = s.runningJobs > 1 ? `Running ${s.runningJobs} jobs…` : 'Backing up…';
    return percent !== null ? `${what} ${percent}%` : what;
  }
  if (s.paused) return s.pausedUntil ? `Paused — resumes ${timeUntil(new Date(s.pausedUntil), now)}` : 'Paused until resumed';
  if (s.state === 'UNPROTECTED') return 'No backup plan yet';
  return s.lastBackupAt ? `Last backup ${relativeTime(new Date(s.lastBackupAt), now)}` : 'No backup yet';
}

/** The first folder message of the worst state, for ATTENTION and ERROR (what to look at). */
function detailFor(s: ServiceStatus): string | null {
  if (s.state !== 'ATTENTION' && s.state !== 'ERROR') return null;
  const folder = s.folders.find((f) => f.state === s.state && f.message);
  return folder?.message ?? s.warnings[0] ?? null;
}
