import { describe, expect, it } from 'vitest';
import type { FolderStatus, ProtectionState, ServiceStatus } from '../../../main/core/model.js';
import { MENU_COMMANDS, menuAction, plansToBackUp, trayMenuModel, type MenuItemModel } from '../../../main/electron/menu-model.js';
import { trayModel } from '../../../main/electron/tray-model.js';

const NOW = new Date('2026-03-10T12:00:00Z');
function folder(planName: string, state: ProtectionState): FolderStatus {
  return { path: `/home/a/${planName}`, planName, vaultName: 'local', state, lastGoodPointAt: null, lastGoodPointId: null, nextRunAt: null, continuous: false, message: null };
}
function status(over: Partial<ServiceStatus> = {}): ServiceStatus {
  return { state: 'PROTECTED', paused: false, pausedUntil: null, lastBackupAt: '2026-03-10T11:55:00Z', runningJobs: 0, percent: null, folders: [folder('docs', 'PROTECTED'), folder('photos', 'PROTECTED')], warnings: [], ...over };
}
function menu(s: ServiceStatus | null, launchAtLogin: boolean | null = false): MenuItemModel[] {
  const tray = trayModel(s ? { kind: 'running', status: s } : { kind: 'starting' }, NOW);
  return trayMenuModel({ tray, status: s, launchAtLogin });
}
const labels = (items: MenuItemModel[]) => items.map((i) => (i.type === 'separator' ? '---' : i.label));
const item = (items: MenuItemModel[], id: string) => items.find((i) => i.type !== 'separator' && i.id === id);

describe('tray menu model', () => {
  it('opens with the status line, then the actions, then Quit', () => {
    expect(labels(menu(status()))).toEqual(['Last backup 5 min ago', '---', 'Back up now', 'Pause', 'Restore files…', '---', 'Open DeskVault', 'Open log folder', 'Launch at login', '---', 'Quit DeskVault']);
    expect(item(menu(status()), 'status')).toMatchObject({ enabled: false });
    const pause = item(menu(status()), 'pause');
    expect(pause?.type === 'submenu' && labels(pause.submenu)).toEqual(['For 1 hour', 'Until resumed']);
  });

  it('offers Resume instead of Pause while paused', () => {
    const items = menu(status({ state: 'PAUSED', paused: true }));
    expect(item(items, 'resume')).toMatchObject({ enabled: true, label: 'Resume' });
    expect(item(items, 'pause')).toBeUndefined();
  });

  it('backs up the plans that are not already running, and is disabled when none could start', () => {
    expect(plansToBackUp(status())).toEqual(['docs', 'photos']);
    const busy = status({ state: 'BACKING_UP', folders: [folder('docs', 'BACKING_UP'), folder('photos', 'PROTECTED')] });
    expect(plansToBackUp(busy)).toEqual(['photos']);
    expect(menuAction('backup-now', busy)).toEqual({ kind: 'api', calls: [{ method: 'backups.start', input: { plan: 'photos' } }] });
    expect(item(menu(status({ folders: [folder('docs', 'BACKING_UP')] })), 'backup-now')).toMatchObject({ enabled: false });
    expect(item(menu(status({ state: 'UNPROTECTED', folders: [] })), 'backup-now')).toMatchObject({ enabled: false });
  });

  it('keeps Open, logs and Quit usable while the service is not up, and disables the rest', () => {
    const items = menu(null);
    expect(labels(items)[0]).toBe('Starting…');
    for (const id of ['backup-now', 'pause', 'restore']) expect(item(items, id), id).toMatchObject({ enabled: false });
    for (const id of ['open', 'open-logs', 'quit']) expect(item(items, id), id).toMatchObject({ enabled: true });
  });

  it('shows Launch at login as a checkbox, and leaves it out where the OS cannot do it', () => {
    expect(item(menu(status(), true), 'launch-at-login')).toMatchObject({ type: 'checkbox', checked: true });
    expect(item(menu(status(), null), 'launch-at-login')).toBeUndefined();
  });

  it('maps every command to what it does', () => {
    const s = status();
    expect(menuAction('pause-1h', s)).toEqual({ kind: 'api', calls: [{ method: 'jobs.pause', input: { minutes: 60 } }] });
    expect(menuAction('pause-until-resumed', s)).toEqual({ kind: 'api', calls: [{ method: 'jobs.pause', input: {} }] });
    expect(menuAction('resume', s)).toEqual({ kind: 'api', calls: [{ method: 'jobs.resume', input: {} }] });
    expect(menuAction('restore', s)).toEqual({ kind: 'open', screen: { name: 'restore' } });
    expect(menuAction('open', s)).toEqual({ kind: 'open', screen: { name: 'dashboard' } });
    expect(menuAction('open-logs', s)).toEqual({ kind: 'open-logs' });
    expect(menuAction('launch-at-login', s, true)).toEqual({ kind: 'set-launch-at-login', enabled: true });
    expect(menuAction('quit', s)).toEqual({ kind: 'quit' });
    // every id the menu can show has an action
    const ids = new Set<string>();
    const walk = (items: MenuItemModel[]) => items.forEach((i) => i.type !== 'separator' && (i.type === 'submenu' ? walk(i.submenu) : ids.add(i.id)));
    walk(menu(status(), true));
    walk(menu(status({ paused: true, state: 'PAUSED' }), true));
    ids.delete('status');
    expect([...ids].sort()).toEqual([...MENU_COMMANDS].sort());
  });
});
