import { describe, expect, it } from 'vitest';
import { MIN_WINDOW, mainWindowOptions } from '../../../main/electron/window-options.js';
import { DEFAULT_SIZE, parseWindowState, restoreBounds, type Rect } from '../../../main/electron/window-state.js';

const PRIMARY: Rect = { x: 0, y: 25, width: 1920, height: 1055 };
const RIGHT: Rect = { x: 1920, y: 0, width: 1280, height: 1024 };

describe('window options', () => {
  it('writes out every security setting', () => {
    const o = mainWindowOptions({ preloadPath: '/app/dist/preload/preload.cjs', bounds: { width: 1000, height: 700, maximized: false }, dark: false });
    expect(o.webPreferences).toMatchObject({
      preload: '/app/dist/preload/preload.cjs',
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
    });
    expect(o).toMatchObject({ show: false, center: true, width: 1000, height: 700, minWidth: MIN_WINDOW.width, minHeight: MIN_WINDOW.height });
    expect(mainWindowOptions({ preloadPath: 'p', bounds: { x: 5, y: 6, width: 900, height: 600, maximized: false }, dark: true })).toMatchObject({ x: 5, y: 6, backgroundColor: '#1e1f22' });
  });
});

describe('window state', () => {
  it('reads back only a well-formed saved state', () => {
    expect(parseWindowState({ x: 10, y: 20, width: 900, height: 600 })).toEqual({ x: 10, y: 20, width: 900, height: 600, maximized: false });
    for (const bad of [null, 'x', { x: 1, y: 2, width: -3, height: 4 }, { x: 1.5, y: 2, width: 3, height: 4 }, {}]) expect(parseWindowState(bad)).toBeNull();
  });

  it('opens new windows at the default size centred on the primary display', () => {
    expect(restoreBounds(null, [PRIMARY], PRIMARY)).toEqual({ x: 400, y: 173, ...DEFAULT_SIZE, maximized: false });
  });

  it('puts a window back where it was when that is still on a display', () => {
    const saved = { x: 2000, y: 100, width: 1000, height: 700, maximized: true };
    expect(restoreBounds(saved, [PRIMARY, RIGHT], PRIMARY)).toEqual(saved);
  });

  it('moves a window hanging off a display edge fully onto it', () => {
    expect(restoreBounds({ x: 1700, y: 500, width: 1000, height: 700, maximized: false }, [PRIMARY], PRIMARY)).toEqual({ x: 920, y: 380, width: 1000, height: 700, maximized: false });
    expect(restoreBounds({ x: 100, y: 0, width: 800, height: 600, maximized: false }, [PRIMARY], PRIMARY)).toMatchObject({ x: 100, y: 25 });
  });

  it('centres a window from an unplugged monitor on the primary display, shrunk to fit', () => {
    const fromGone = { x: 4000, y: 200, width: 3000, height: 2000, maximized: false };
    expect(restoreBounds(fromGone, [PRIMARY], PRIMARY)).toEqual({ x: 0, y: 25, width: 1920, height: 1055, maximized: false });
  });

  it('never goes below the minimum size, unless the display itself is smaller', () => {
    expect(restoreBounds({ x: 10, y: 30, width: 100, height: 100, maximized: false }, [PRIMARY], PRIMARY)).toMatchObject({ width: MIN_WINDOW.width, height: MIN_WINDOW.height });
    const tiny: Rect = { x: 0, y: 0, width: 640, height: 480 };
    expect(restoreBounds({ x: 0, y: 0, width: 1000, height: 800, maximized: false }, [tiny], tiny)).toEqual({ x: 0, y: 0, width: 640, height: 480, maximized: false });
  });
});
