/**
 * The window's options, with every security setting written out (not left to defaults that have
 * changed between Electron versions): context isolation, the sandbox, no Node in the page or its
 * workers and frames, web security on, no <webview>, no insecure content, no experimental
 * features, no navigation by dropping a file. The preload is the only bridge (preload/).
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import type { WindowBounds } from './window-state.js';

export const MIN_WINDOW = { width: 760, height: 520 };

export interface WindowOptionsInput {
  preloadPath: string;
  bounds: WindowBounds;
  iconPath?: string;
  /** The page's background before the UI paints (no white flash in dark mode). */
  dark: boolean;
}

export function mainWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    ...(input.bounds.x !== undefined && input.bounds.y !== undefined ? { x: input.bounds.x, y: input.bounds.y } : { center: true }),
    width: input.bounds.width,
    height: input.bounds.height,
    minWidth: MIN_WINDOW.width,
    minHeight: MIN_WINDOW.height,
    title: 'DeskVault',
    // Shown on 'ready-to-show', so the window never appears blank.
    show: false,
    backgroundColor: input.dark ? '#1e1f22' : '#ffffff',
    ...(input.iconPath ? { icon: input.iconPath } : {}),
    autoHideMenuBar: true,
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: true,
    },
  };
}
