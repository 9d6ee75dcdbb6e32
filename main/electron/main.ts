/**
 * The Electron main process: the glue between electron and the pure modules of this folder. Every
 * decision (tray look, menu, window options and place, security policy, IPC policy, notifications,
 * sleep blocking, restarts) is made by a tested function elsewhere; this file only wires them.
 *
 * It never imports the service itself: the service runs in the service host (a utility process,
 * service-host.ts), so the engine's work never shares an event loop with the window's IPC, menus
 * and tray. Only light modules are loaded here: the API table (for channel names and schemas) and
 * the state folder's location.
 */
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  nativeImage,
  nativeTheme,
  Notification,
  powerSaveBlocker,
  protocol,
  screen,
  session,
  shell,
  Tray,
  utilityProcess,
  type IpcMainInvokeEvent,
  type MenuItemConstructorOptions,
  type UtilityProcess,
} from 'electron';
import log from 'electron-log/main.js';
import { API_METHODS, type ApiMethod } from '../core/api.js';
import type { Job, ServiceStatus } from '../core/model.js';
import { stateFolder } from '../service/state-folder.js';
import { appIconFile, appPaths, trayIconFile } from './app-paths.js';
import { PLACEHOLDER_PAGE, resolveAppResource, securityHeaders } from './app-protocol.js';
import { channelFor, handleIpcCall, IPC_EVENT_CHANNEL } from './ipc-contract.js';
import { redact } from './log-redaction.js';
import { autostartEntry, autostartFile, HIDDEN_FLAG, loginItemStrategy, startedHidden } from './login-item.js';
import { menuAction, trayMenuModel, type MenuCommand, type MenuItemModel } from './menu-model.js';
import { notificationView, type KnownJob } from './notification-model.js';
import { restartDelay } from './restart-policy.js';
import { hashFor, type Screen } from './screens.js';
import { APP_ORIGIN, APP_SCHEME, isAllowedExternal, isAllowedNavigation } from './security-policy.js';
import { ServiceClient, type PortLike } from './service-protocol.js';
import { SleepGuard } from './sleep-guard.js';
import { trayModel, type TrayServiceState } from './tray-model.js';
import { mainWindowOptions } from './window-options.js';
import { parseWindowState, restoreBounds, type WindowState } from './window-state.js';

// ---- before ready: identity, paths, single instance, scheme ---------------------------------

app.setName('DeskVault');
const home = stateFolder();
// The service's state folder is the app's userData (so app, CLI and daemon agree); Chromium's own
// caches go to a subfolder of it, away from the service's files.
app.setPath('userData', home);
app.setPath('sessionData', path.join(home, 'electron-session'));

if (!app.requestSingleInstanceLock()) {
  app.quit();
  process.exit(0);
}

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const paths = appPaths(app.getAppPath());
const WINDOW_STATE_FILE = path.join(home, 'window-state.json');

// ---- logging: rotated file, secrets redacted ------------------------------------------------

log.transports.file.maxSize = 5 * 1024 * 1024; // then main.log → main.old.log
log.transports.file.resolvePathFn = () => path.join(app.getPath('logs'), 'main.log');
log.hooks.push((message) => ({ ...message, data: message.data.map((d) => redact(d)) }));
log.errorHandler.startCatching({ showDialog: false });

// ---- state ----------------------------------------------------------------------------------

let quitting = false;
let window: BrowserWindow | null = null;
let tray: Tray | null = null;
let client: ServiceClient | null = null;
let host: UtilityProcess | null = null;
let serviceState: TrayServiceState = { kind: 'starting' };
const hostExits: number[] = [];
const knownJobs = new Map<string, KnownJob>();
const shownNotifications = new Set<Notification>();
const sleepGuard = new SleepGuard({ start: () => powerSaveBlocker.start('prevent-app-suspension'), stop: (id) => powerSaveBlocker.stop(id) });

// ---- the service host -----------------------------------------------------------------------

function startServiceHost(): void {
  const child = utilityProcess.fork(paths.serviceHost, [], {
    serviceName: 'DeskVault service',
    stdio: 'pipe',
    env: { ...process.env, DESKVAULT_HOME: home },
  });
  host = child;
  child.stdout?.on('data', (b: Buffer) => log.info(`[service] ${b.toString().trimEnd()}`));
  child.stderr?.on('data', (b: Buffer) => log.warn(`[service] ${b.toString().trimEnd()}`));
  const port: PortLike = {
    postMessage: (m) => child.postMessage(m),
    onMessage: (listener) => {
      child.on('message', listener);
      return () => child.off('message', listener);
    },
  };
  const c = new ServiceClient(port);
  client = c;
  c.on((name, data) => {
    window?.webContents.send(IPC_EVENT_CHANNEL, name, data);
    if (name === 'status') setStatus(data as ServiceStatus);
    if (name === 'job') {
      onJob(data as Job);
      refreshStatusSoon();
    }
  });
  c.onDesktopNotification((n) => {
    const view = notificationView(n, n.event.jobId ? knownJobs.get(n.event.jobId) : undefined);
    if (!view || !Notification.isSupported()) return;
    const notification = new Notification({ title: view.title, body: view.body, urgency: view.urgent ? 'critical' : 'normal', icon: appIconFile(paths.assets) });
    shownNotifications.add(notification); // held until closed, or it may be collected and lose its click
    notification.on('click', () => showWindow(view.target));
    notification.on('close', () => shownNotifications.delete(notification));
    notification.show();
  });
  c.ready.then(
    async (ready) => {
      log.info(`service ready for ${ready.home} (key store: ${ready.keyStore})`);
      if (ready.keyStoreWarning) log.warn(ready.keyStoreWarning);
      await refreshStatus();
    },
    (err: { message: string }) => {
      log.error(`service could not start: ${err.message}`);
      serviceState = { kind: 'failed', message: err.message };
      updateTray();
    },
  );
  child.on('exit', (code) => {
    c.fail({ code: 'INTERNAL', message: `the DeskVault service stopped (exit code ${code})`, data: {} });
    sleepGuard.dispose();
    if (quitting || host !== child) return;
    const now = Date.now();
    hostExits.push(now);
    const delay = restartDelay(hostExits, now);
    log.error(`service host exited with code ${code}; ${delay === null ? 'not restarting (it keeps failing)' : `restarting in ${delay} ms`}`);
    if (serviceState.kind !== 'failed') serviceState = { kind: 'failed', message: `the service stopped (exit code ${code})` };
    updateTray();
    if (delay !== null) setTimeout(() => !quitting && startServiceHost(), delay);
  });
}

/** Asks the service for its status (jobs change it; so do time and pauses running out). */
async function refreshStatus(): Promise<void> {
  const r = await client?.call('status.get', {}, 'service');
  if (r?.ok) setStatus(r.value as ServiceStatus);
}

let refreshTimer: NodeJS.Timeout | undefined;
/** Coalesces the bursts of `job` events a running backup sends into one status call. */
function refreshStatusSoon(): void {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = undefined;
    void refreshStatus();
  }, 500);
}

function setStatus(status: ServiceStatus): void {
  serviceState = { kind: 'running', status };
  updateTray();
}

function onJob(job: Job): void {
  knownJobs.set(job.id, { kind: job.kind, trigger: job.trigger });
  if (knownJobs.size > 500) knownJobs.delete(knownJobs.keys().next().value!);
  sleepGuard.onJob(job);
}

// ---- tray -----------------------------------------------------------------------------------

function currentStatus(): ServiceStatus | null {
  return serviceState.kind === 'running' ? serviceState.status : null;
}

let lastTray: ReturnType<typeof trayModel> | null = null;

function updateTray(): void {
  if (!tray) return;
  const model = trayModel(serviceState, new Date());
  lastTray = model;
  tray.setImage(nativeImage.createFromPath(trayIconFile(paths.assets, model.icon, nativeTheme.shouldUseDarkColors)));
  tray.setToolTip(model.tooltip);
  if (process.platform === 'darwin') tray.setTitle(model.percent !== null ? ` ${model.percent}%` : '');
  window?.setProgressBar(model.percent !== null ? model.percent / 100 : -1);
  const items = trayMenuModel({ tray: model, status: currentStatus(), launchAtLogin: launchAtLogin() });
  tray.setContextMenu(Menu.buildFromTemplate(items.map(toMenuItem)));
}

function toMenuItem(item: MenuItemModel): MenuItemConstructorOptions {
  switch (item.type) {
    case 'separator':
      return { type: 'separator' };
    case 'submenu':
      return { label: item.label, enabled: item.enabled, submenu: item.submenu.map(toMenuItem) };
    case 'checkbox':
      return { type: 'checkbox', id: item.id, label: item.label, enabled: item.enabled, checked: item.checked, click: (mi) => void runMenuCommand(item.id, mi.checked) };
    case 'normal':
      return { id: item.id, label: item.label, enabled: item.enabled, ...(item.id === 'status' ? {} : { click: () => void runMenuCommand(item.id as MenuCommand) }) };
  }
}

async function runMenuCommand(id: MenuCommand, checked = false): Promise<void> {
  const action = menuAction(id, currentStatus(), checked);
  switch (action.kind) {
    case 'api':
      for (const call of action.calls) {
        const r = await (client?.call(call.method, call.input, 'ipc') ?? Promise.resolve(null));
        if (r && !r.ok) log.warn(`${call.method} from the tray failed: ${r.error.code} ${r.error.message}`);
      }
      await refreshStatus();
      return;
    case 'open':
      showWindow(action.screen);
      return;
    case 'open-logs':
      await shell.openPath(app.getPath('logs'));
      return;
    case 'set-launch-at-login':
      await setLaunchAtLogin(action.enabled);
      updateTray();
      return;
    case 'quit':
      app.quit();
      return;
  }
}

// ---- launch at login ------------------------------------------------------------------------

function launchAtLogin(): boolean | null {
  if (!app.isPackaged) return null; // a development checkout is not something to start at login
  if (loginItemStrategy(process.platform) === 'electron') return app.getLoginItemSettings({ args: [HIDDEN_FLAG] }).openAtLogin;
  try {
    readFileSync(autostartFile(process.env, os.homedir()));
    return true;
  } catch {
    return false;
  }
}

async function setLaunchAtLogin(enabled: boolean): Promise<void> {
  if (loginItemStrategy(process.platform) === 'electron') {
    app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] });
    return;
  }
  const file = autostartFile(process.env, os.homedir());
  if (!enabled) return fs.rm(file, { force: true });
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, autostartEntry(process.env.APPIMAGE ?? process.execPath, [HIDDEN_FLAG]));
}

// ---- window ---------------------------------------------------------------------------------

function loadWindowState(): WindowState | null {
  try {
    return parseWindowState(JSON.parse(readFileSync(WINDOW_STATE_FILE, 'utf8')));
  } catch {
    return null;
  }
}

function saveWindowState(w: BrowserWindow): void {
  const b = w.getNormalBounds();
  const state: WindowState = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: w.isMaximized() };
  fs.writeFile(WINDOW_STATE_FILE, JSON.stringify(state)).catch((err: Error) => log.warn(`window state not saved: ${err.message}`));
}

function showWindow(target: Screen = { name: 'dashboard' }): void {
  if (window) {
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
    void window.webContents.executeJavaScript(`location.hash = ${JSON.stringify(hashFor(target))}`, false).catch(() => undefined);
    return;
  }
  const bounds = restoreBounds(loadWindowState(), screen.getAllDisplays().map((d) => d.workArea), screen.getPrimaryDisplay().workArea);
  const w = new BrowserWindow(mainWindowOptions({ preloadPath: paths.preload, bounds, iconPath: appIconFile(paths.assets), dark: nativeTheme.shouldUseDarkColors }));
  window = w;
  if (bounds.maximized) w.maximize();
  w.once('ready-to-show', () => w.show());
  let saveTimer: NodeJS.Timeout | undefined;
  const saveSoon = (): void => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => saveWindowState(w), 500);
  };
  w.on('resize', saveSoon);
  w.on('move', saveSoon);
  w.on('close', (e) => {
    saveWindowState(w);
    if (quitting) return;
    // Closing the window keeps DeskVault running in the tray; Quit is in the tray menu.
    e.preventDefault();
    w.hide();
  });
  w.on('closed', () => {
    if (window === w) window = null;
  });
  void w.loadURL(`${APP_ORIGIN}/index.html${hashFor(target)}`);
}

// ---- security: every webContents, the session, IPC ------------------------------------------

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (e, url) => {
    if (!isAllowedNavigation(url)) {
      e.preventDefault();
      log.warn(`navigation refused: ${url}`);
    }
  });
  contents.on('will-redirect', (e, url) => {
    if (!isAllowedNavigation(url)) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url)) void shell.openExternal(url);
    else log.warn(`window.open refused: ${url}`);
    return { action: 'deny' };
  });
});

function senderOf(event: IpcMainInvokeEvent): { isMainFrame: boolean; isAppWindow: boolean; url: string } {
  const frame = event.senderFrame;
  return {
    isMainFrame: frame !== null && frame === event.sender.mainFrame,
    isAppWindow: window !== null && event.sender === window.webContents,
    url: frame?.url ?? '',
  };
}

function registerIpc(): void {
  for (const method of Object.keys(API_METHODS) as ApiMethod[]) {
    ipcMain.handle(channelFor(method), (event, input: unknown) =>
      handleIpcCall(method, senderOf(event), input, (m, i) =>
        client ? client.call(m, i, 'ipc') : Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: 'the DeskVault service is not running', data: {} } }),
      ),
    );
  }
}

function secureSession(): void {
  const s = session.defaultSession;
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  s.setDevicePermissionHandler(() => false);
  protocol.handle(APP_SCHEME, async (request) => {
    const r = await resolveAppResource(paths.renderer, request.method, request.url);
    switch (r.kind) {
      case 'file': {
        const body = request.method === 'HEAD' ? null : await fs.readFile(r.path);
        return new Response(body, { status: 200, headers: securityHeaders(r.contentType) });
      }
      case 'placeholder':
        return new Response(PLACEHOLDER_PAGE, { status: 200, headers: securityHeaders('text/html; charset=utf-8') });
      case 'not-found':
        return new Response('not found', { status: 404, headers: securityHeaders('text/plain; charset=utf-8') });
      case 'refused':
        return new Response('refused', { status: r.status, headers: securityHeaders('text/plain; charset=utf-8') });
    }
  });
}

// ---- lifecycle ------------------------------------------------------------------------------

app.on('second-instance', () => showWindow());
app.on('activate', () => showWindow());
// The app lives in the tray: closing the last window does not quit.
app.on('window-all-closed', () => undefined);

let stopped = false;
app.on('before-quit', (e) => {
  quitting = true;
  if (stopped || !client) return;
  e.preventDefault();
  const child = host;
  const giveUp = setTimeout(() => child?.kill(), 15_000);
  void client.stop().finally(() => {
    clearTimeout(giveUp);
    stopped = true;
    sleepGuard.dispose();
    app.quit();
  });
});

void app.whenReady().then(() => {
  secureSession();
  registerIpc();
  startServiceHost();
  tray = new Tray(nativeImage.createFromPath(trayIconFile(paths.assets, 'paused', nativeTheme.shouldUseDarkColors)));
  tray.on('click', () => showWindow());
  nativeTheme.on('updated', updateTray);
  updateTray();
  // Freshness ("5 min ago", stale protection, a pause running out) changes without any event.
  setInterval(() => void refreshStatus(), 30_000).unref();
  // macOS passes no arguments to login items; it reports the login start instead.
  const login = process.platform === 'darwin' ? app.getLoginItemSettings().wasOpenedAtLogin : false;
  if (!startedHidden(process.argv, login)) showWindow();
  log.info(`DeskVault ${app.getVersion()} started (state folder ${home})`);
});

// Read-only view for the end-to-end test (test/e2e/electron.e2e.test.ts, via Playwright's
// `electronApp.evaluate`); absent unless DESKVAULT_E2E=1.
if (process.env.DESKVAULT_E2E === '1') {
  (globalThis as Record<string, unknown>).deskvaultE2E = Object.freeze({ tray: () => lastTray, sleepBlocked: () => sleepGuard.blocking });
}
