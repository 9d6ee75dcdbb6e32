/**
 * Where the app's files are, relative to the app root (`app.getAppPath()`: the project folder in
 * development, `resources/app.asar` when packaged — electron-builder.yml puts the same layout in
 * the asar): the compiled main and service host, the bundled preload, the built UI, the icons.
 */
import * as path from 'node:path';
import type { TrayIconState } from './tray-model.js';

export interface AppPaths {
  serviceHost: string;
  preload: string;
  renderer: string;
  assets: string;
}

export function appPaths(appRoot: string): AppPaths {
  return {
    serviceHost: path.join(appRoot, 'dist', 'main', 'electron', 'service-host.js'),
    preload: path.join(appRoot, 'dist', 'preload', 'preload.cjs'),
    renderer: path.join(appRoot, 'renderer', 'dist'),
    assets: path.join(appRoot, 'assets'),
  };
}

/**
 * The tray icon for a state and menu-bar theme: `tray-<state>-<light|dark>.png` (16 px) with its
 * `@2x` sibling (32 px), which Electron's nativeImage picks on high-density displays. "dark" means
 * a dark menu bar (a light glyph).
 */
export function trayIconFile(assetsDir: string, state: TrayIconState, darkMenuBar: boolean): string {
  return path.join(assetsDir, 'tray', `tray-${state}-${darkMenuBar ? 'dark' : 'light'}.png`);
}

export function appIconFile(assetsDir: string): string {
  return path.join(assetsDir, 'icon.png');
}
