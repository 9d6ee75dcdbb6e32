/**
 * "Launch at login": macOS and Windows through Electron's login-item settings; Linux through an
 * XDG autostart entry (~/.config/autostart/deskvault.desktop), which Electron does not manage.
 * An app started at login opens in the tray only (`--hidden`), not with its window.
 */
import * as path from 'node:path';

export const HIDDEN_FLAG = '--hidden';

export type LoginItemStrategy = 'electron' | 'xdg-autostart';

export function loginItemStrategy(platform: NodeJS.Platform): LoginItemStrategy {
  return platform === 'darwin' || platform === 'win32' ? 'electron' : 'xdg-autostart';
}

export function autostartFile(env: NodeJS.ProcessEnv, home: string): string {
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'autostart', 'deskvault.desktop');
}

/** Quotes one Exec argument per the Desktop Entry spec. */
function quoteExecArg(arg: string): string {
  if (!/[\s"'\\$`<>|&;()*?#~]/.test(arg)) return arg;
  return `"${arg.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

/**
 * The autostart entry. `exec` is the program that starts the app: the AppImage itself when run from
 * one ($APPIMAGE; the mounted executable path changes every run), else the Electron executable.
 */
export function autostartEntry(exec: string, args: string[]): string {
  const line = [exec, ...args].map(quoteExecArg).join(' ');
  return ['[Desktop Entry]', 'Type=Application', 'Name=DeskVault', 'Comment=Keeps your files backed up', `Exec=${line.replace(/%/g, '%%')}`, 'Terminal=false', 'X-GNOME-Autostart-enabled=true', ''].join('\n');
}

/** Whether this start came from the login item (open in the tray only). */
export function startedHidden(argv: readonly string[], openedAtLogin = false): boolean {
  return openedAtLogin || argv.includes(HIDDEN_FLAG);
}
