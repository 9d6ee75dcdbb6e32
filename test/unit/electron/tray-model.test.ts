import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FolderStatus, ProtectionState, ServiceStatus } from '../../../main/core/model.js';
import { appPaths, trayIconFile } from '../../../main/electron/app-paths.js';
import { relativeTime, timeUntil } from '../../../main/electron/relative-time.js';
import { TOOLTIP_MAX, TRAY_ICON_STATES, trayModel } from '../../../main/electron/tray-model.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const NOW = new Date('2026-03-10T12:00:00Z');

function status(over: Partial<ServiceStatus> = {}): ServiceStatus {
  return { state: 'PROTECTED', paused: false, pausedUntil: null, lastBackupAt: '2026-03-10T11:55:00Z', runningJobs: 0, percent: null, folders: [], warnings: [], ...over };
}
function folder(state: ProtectionState, message: string | null = null): FolderStatus {
  return { path: '/home/a/docs', planName: 'docs', vaultName: 'local', state, lastGoodPointAt: null, lastGoodPointId: null, nextRunAt: null, continuous: false, message };
}
const running = (s: ServiceStatus) => trayModel({ kind: 'running', status: s }, NOW);

describe('tray model', () => {
  it('maps every protection state to an icon', () => {
    const icons = (['PROTECTED', 'BACKING_UP', 'ATTENTION', 'UNPROTECTED', 'ERROR', 'PAUSED'] as const).map((state) => running(status({ state })).icon);
    expect(icons).toEqual(['protected', 'backing-up', 'attention', 'attention', 'error', 'paused']);
  });

  it('says when the last backup was', () => {
    expect(running(status()).statusLine).toBe('Last backup 5 min ago');
    expect(running(status()).tooltip).toBe('DeskVault — Protected — Last backup 5 min ago');
    expect(running(status({ lastBackupAt: null })).statusLine).toBe('No backup yet');
    expect(running(status({ state: 'UNPROTECTED', lastBackupAt: null })).statusLine).toBe('No backup plan yet');
  });

  it('shows the percent of a running backup, rounded and clamped', () => {
    const m = running(status({ state: 'BACKING_UP', runningJobs: 1, percent: 41.6 }));
    expect(m).toMatchObject({ icon: 'backing-up', percent: 42, statusLine: 'Backing up… 42%' });
    expect(m.tooltip).toContain('Backing up 42%');
    expect(running(status({ state: 'BACKING_UP', runningJobs: 2, percent: 130 })).statusLine).toBe('Running 2 jobs… 100%');
    expect(running(status({ state: 'BACKING_UP', runningJobs: 1, percent: null })).percent).toBeNull();
    expect(running(status({ state: 'PROTECTED', percent: 50 })).percent).toBeNull();
  });

  it('says how long a pause lasts', () => {
    expect(running(status({ state: 'PAUSED', paused: true, pausedUntil: '2026-03-10T12:45:00Z' })).statusLine).toBe('Paused — resumes in 45 min');
    expect(running(status({ state: 'PAUSED', paused: true })).statusLine).toBe('Paused until resumed');
  });

  it('names what needs attention, and clips the tooltip to what Windows shows', () => {
    const m = running(status({ state: 'ATTENTION', folders: [folder('PROTECTED'), folder('ATTENTION', 'no good backup for 27 h')] }));
    expect(m.tooltip).toContain('Needs attention');
    expect(m.tooltip).toContain('no good backup for 27 h');
    const long = running(status({ state: 'ERROR', folders: [folder('ERROR', 'x'.repeat(300))] }));
    expect(long.tooltip.length).toBe(TOOLTIP_MAX);
    expect(long.tooltip.endsWith('…')).toBe(true);
  });

  it('has a look for a starting and for a failed service', () => {
    expect(trayModel({ kind: 'starting' }, NOW)).toMatchObject({ icon: 'paused', statusLine: 'Starting…' });
    expect(trayModel({ kind: 'failed', message: 'the DeskVault service (daemon, pid 7) already runs' }, NOW)).toMatchObject({ icon: 'error', statusLine: 'DeskVault could not start' });
  });

  it('has a 16 px and a 32 px (@2x) icon, for light and dark menu bars, for every state', () => {
    const assets = appPaths(root).assets;
    for (const state of TRAY_ICON_STATES) {
      for (const dark of [false, true]) {
        const file = trayIconFile(assets, state, dark);
        for (const [f, size] of [[file, 16], [file.replace(/\.png$/, '@2x.png'), 32]] as const) {
          const png = readFileSync(f);
          expect(png.subarray(1, 4).toString('ascii'), f).toBe('PNG');
          expect([png.readUInt32BE(16), png.readUInt32BE(20)], f).toEqual([size, size]);
        }
      }
    }
    const light = readFileSync(trayIconFile(assets, 'error', false));
    expect(light.equals(readFileSync(trayIconFile(assets, 'error', true)))).toBe(false);
    const app = readFileSync(path.join(assets, 'icon.png'));
    expect([app.readUInt32BE(16), app.readUInt32BE(20)]).toEqual([1024, 1024]);
  });
});

describe('relative times', () => {
  it('reads like a person would say it', () => {
    const ago = (ms: number) => relativeTime(new Date(NOW.getTime() - ms), NOW);
    expect([ago(10_000), ago(60_000), ago(59 * 60_000), ago(3 * 3_600_000), ago(30 * 3_600_000), ago(5 * 86_400_000), ago(-60_000)]).toEqual([
      'just now',
      '1 min ago',
      '59 min ago',
      '3 h ago',
      'yesterday',
      '5 days ago',
      'just now',
    ]);
    const inMs = (ms: number) => timeUntil(new Date(NOW.getTime() + ms), NOW);
    expect([inMs(30_000), inMs(45 * 60_000), inMs(3 * 3_600_000), inMs(72 * 3_600_000)]).toEqual(['in a minute', 'in 45 min', 'in 3 h', 'in 3 days']);
  });
});
