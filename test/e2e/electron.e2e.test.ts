/**
 * The desktop app end to end with Playwright's Electron launcher: the window opens on the app's
 * own origin with the security settings in force, `window.deskvault` mirrors the API (frozen, no
 * Node, no ipcRenderer), an IPC call round-trips to the service host and back, a typed error keeps
 * its code across the bridge, and the tray shows the service's state.
 *
 * It needs an Electron binary, found the way `npm start` finds it (scripts/electron-binary.mjs,
 * without loading the `electron` package, which would try to download it). Where there is none —
 * as on the machines this project is developed on, which cannot download it — the test reports a
 * skip saying so, rather than passing silently.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { API_METHODS } from '../../main/core/api.js';
import { findElectronBinary } from '../../scripts/electron-binary.mjs';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const electron = findElectronBinary(root);

type Bridge = Record<string, (input?: unknown) => Promise<unknown>> & { subscribe: unknown };
declare const window: { deskvault: Bridge; require?: unknown; process?: unknown; location: { href: string } };

describe('Electron app end to end', () => {
  afterAll(() => removeTempDirs());

  if (!electron.found) {
    it.skip(`needs an Electron binary: none on this machine (${electron.reason}), and it cannot be downloaded here`, () => undefined);
    return;
  }
  const executablePath = electron.path;

  it('opens the window, mirrors the API over IPC, and shows the service in the tray', async () => {
    const { _electron } = await import('playwright-core');
    const home = makeTempDir('dv-e2e-');
    const app = await _electron.launch({
      executablePath,
      args: [root],
      env: { ...process.env, DESKVAULT_HOME: home, DESKVAULT_KEYSTORE: 'file', DESKVAULT_E2E: '1', DESKVAULT_TEST_KDF: '1' },
      timeout: 60_000,
    });
    try {
      const win = await app.firstWindow();
      expect(await win.evaluate(() => window.location.href)).toMatch(/^app:\/\/deskvault\//);
      // Navigation away from the app is refused (the window stays on app://deskvault).
      await win.evaluate(() => {
        window.location.href = 'https://example.com/';
      });
      await new Promise((r) => setTimeout(r, 500));
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].webContents.getURL())).toMatch(/^app:\/\/deskvault\//);

      const shape = await win.evaluate(() => ({
        keys: Object.keys(window.deskvault),
        node: typeof window.require + typeof window.process,
      }));
      expect(shape.keys).toEqual(expect.arrayContaining([...Object.keys(API_METHODS), 'subscribe', 'getPathForFile']));
      expect(shape.node).toBe('undefinedundefined');
      expect(shape.keys).not.toContain('ipcRenderer');

      const vaults = (await win.evaluate(() => window.deskvault['vaults.list']({}))) as { name: string }[];
      expect(vaults.map((v) => v.name)).toEqual(['local']);
      const err = await win.evaluate(() => window.deskvault['plans.get']({ name: 'nope' }).then(() => null, (e: { code: string; message: string }) => ({ code: e.code, message: e.message })));
      expect(err).toMatchObject({ code: 'NOT_FOUND' });

      await expect
        .poll(() => app.evaluate(() => (globalThis as unknown as { deskvaultE2E: { tray(): { icon: string; statusLine: string } | null } }).deskvaultE2E.tray()), { timeout: 30_000 })
        .toMatchObject({ icon: 'attention', statusLine: 'No backup plan yet' });
    } finally {
      await app.close();
    }
  });
});
