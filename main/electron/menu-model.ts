/**
 * The tray menu as data: items with stable ids, labels and enabled/checked flags, built from the
 * service status; and what each id does (`menuAction`). The glue turns items into Electron
 * MenuItems and runs actions; nothing here touches electron.
 *
 * "Back up now" starts every plan that is not already backing up (one `backups.start` per plan);
 * it is disabled while nothing could start. "Pause" offers one hour or until resumed; a paused
 * service shows "Resume" instead. "Launch at login" is absent where the OS offers no way to set it.
 */
import type { ApiInput, ApiMethod } from '../core/api.js';
import type { ServiceStatus } from '../core/model.js';
import type { Screen } from './screens.js';
import type { TrayModel } from './tray-model.js';

export const MENU_COMMANDS = ['backup-now', 'pause-1h', 'pause-until-resumed', 'resume', 'restore', 'open', 'open-logs', 'launch-at-login', 'quit'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export type MenuItemModel =
  | { type: 'separator' }
  | { type: 'normal'; id: MenuCommand | 'status'; label: string; enabled: boolean }
  | { type: 'checkbox'; id: MenuCommand; label: string; enabled: boolean; checked: boolean }
  | { type: 'submenu'; id: 'pause'; label: string; enabled: boolean; submenu: MenuItemModel[] };

export interface MenuInput {
  tray: TrayModel;
  /** null while the service starts or after it failed. */
  status: ServiceStatus | null;
  /** null: the OS gives no way to start at login (the item is left out). */
  launchAtLogin: boolean | null;
}

/** Plans that "Back up now" would start: every plan with a folder not already backing up. */
export function plansToBackUp(status: ServiceStatus | null): string[] {
  if (!status) return [];
  const running = new Set(status.folders.filter((f) => f.state === 'BACKING_UP').map((f) => f.planName));
  return [...new Set(status.folders.map((f) => f.planName))].filter((p) => !running.has(p)).sort();
}

export function trayMenuModel(input: MenuInput): MenuItemModel[] {
  const { status } = input;
  const up = status !== null;
  const items: MenuItemModel[] = [
    { type: 'normal', id: 'status', label: input.tray.statusLine, enabled: false },
    { type: 'separator' },
    { type: 'normal', id: 'backup-now', label: 'Back up now', enabled: plansToBackUp(status).length > 0 },
    status?.paused
      ? { type: 'normal', id: 'resume', label: 'Resume', enabled: true }
      : {
          type: 'submenu',
          id: 'pause',
          label: 'Pause',
          enabled: up,
          submenu: [
            { type: 'normal', id: 'pause-1h', label: 'For 1 hour', enabled: up },
            { type: 'normal', id: 'pause-until-resumed', label: 'Until resumed', enabled: up },
          ],
        },
    { type: 'normal', id: 'restore', label: 'Restore files…', enabled: up },
    { type: 'separator' },
    { type: 'normal', id: 'open', label: 'Open DeskVault', enabled: true },
    { type: 'normal', id: 'open-logs', label: 'Open log folder', enabled: true },
  ];
  if (input.launchAtLogin !== null) items.push({ type: 'checkbox', id: 'launch-at-login', label: 'Launch at login', enabled: true, checked: input.launchAtLogin });
  items.push({ type: 'separator' }, { type: 'normal', id: 'quit', label: 'Quit DeskVault', enabled: true });
  return items;
}

export type ApiCall = { [M in ApiMethod]: { method: M; input: ApiInput<M> } }[ApiMethod];

export type MenuAction =
  | { kind: 'api'; calls: ApiCall[] }
  | { kind: 'open'; screen: Screen }
  | { kind: 'open-logs' }
  | { kind: 'set-launch-at-login'; enabled: boolean }
  | { kind: 'quit' };

/** What a clicked item does; `checked` is the checkbox's new state (Electron flips it before the click). */
export function menuAction(id: MenuCommand, status: ServiceStatus | null, checked = false): MenuAction {
  switch (id) {
    case 'backup-now':
      return { kind: 'api', calls: plansToBackUp(status).map((plan) => ({ method: 'backups.start', input: { plan } })) };
    case 'pause-1h':
      return { kind: 'api', calls: [{ method: 'jobs.pause', input: { minutes: 60 } }] };
    case 'pause-until-resumed':
      return { kind: 'api', calls: [{ method: 'jobs.pause', input: {} }] };
    case 'resume':
      return { kind: 'api', calls: [{ method: 'jobs.resume', input: {} }] };
    case 'restore':
      return { kind: 'open', screen: { name: 'restore' } };
    case 'open':
      return { kind: 'open', screen: { name: 'dashboard' } };
    case 'open-logs':
      return { kind: 'open-logs' };
    case 'launch-at-login':
      return { kind: 'set-launch-at-login', enabled: checked };
    case 'quit':
      return { kind: 'quit' };
  }
}
