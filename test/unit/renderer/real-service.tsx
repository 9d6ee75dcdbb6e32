/**
 * A real DeskVaultService in this process (temp state folder, file key store, fast test KDF) and
 * the renderer's client over it through an IPC-like bridge object — the shape the Electron preload
 * exposes — so component tests exercise the real API and its validation, without HTTP.
 */
import { render, type RenderResult } from '@testing-library/react';
import { API_METHODS, type DeskVaultApi } from '../../../main/core/api.js';
import { FileKeyStore } from '../../../main/service/keys/key-store.js';
import { DeskVaultService } from '../../../main/service/index.js';
import { createBridgeClient, type DeskVaultBridge, type DeskVaultClient } from '../../../renderer/src/api/index.js';
import { App } from '../../../renderer/src/app/App.js';
import { ClientProvider } from '../../../renderer/src/app/client-context.js';
import { makeTempDir } from '../../helpers/files.js';

// jsdom has no CSS.escape, which react-aria's dialogs call (to look up a <meta>); the browser's
// behaviour for the ASCII it is given here: every character outside [A-Za-z0-9_-] escaped.
if (typeof globalThis.CSS === 'undefined' || typeof globalThis.CSS.escape !== 'function') {
  (globalThis as { CSS?: unknown }).CSS = { escape: (s: string) => s.replace(/[^A-Za-z0-9_-]/g, (c) => `\\${c}`) };
}

/** The real paths of File objects a test drops (jsdom has no file system behind a File). */
export const droppedFilePaths = new WeakMap<File, string>();

/**
 * Files the UI saves (an <a download> it clicks) while this runs: the click is stopped before
 * jsdom would navigate, and the content read back from its data: URL. Blob URLs are turned off
 * meanwhile (the UI then uses data: URLs): Node's URL.createObjectURL, which jsdom leaves in
 * place, cannot read jsdom's Blob. The browser end-to-end test covers Blob URLs.
 */
export function captureDownloads(): { files: { name: string; content: string }[]; stop: () => void } {
  const files: { name: string; content: string }[] = [];
  const createObjectURL = URL.createObjectURL;
  (URL as { createObjectURL?: unknown }).createObjectURL = undefined;
  const onClick = (ev: MouseEvent) => {
    const a = ev.target as HTMLAnchorElement;
    if (a.tagName !== 'A' || !a.hasAttribute('download')) return;
    ev.preventDefault();
    const href = a.getAttribute('href') ?? '';
    if (!href.startsWith('data:')) throw new Error(`a download from ${href}, not a data: URL`);
    files.push({ name: a.getAttribute('download') ?? '', content: decodeURIComponent(href.slice(href.indexOf(',') + 1)) });
  };
  document.addEventListener('click', onClick, true);
  return {
    files,
    stop: () => {
      document.removeEventListener('click', onClick, true);
      URL.createObjectURL = createObjectURL;
    },
  };
}

export interface RealService {
  svc: DeskVaultService;
  home: string;
  client: DeskVaultClient;
}

export async function startRealService(): Promise<RealService> {
  const home = makeTempDir('dv-ui-unit-');
  const svc = await DeskVaultService.start({ home, kind: 'test', keyStore: new FileKeyStore(home), background: true });
  // What the preload does: every method of the API table by name, plus subscribe; frozen.
  const methods = Object.fromEntries(Object.keys(API_METHODS).map((m) => [m, (input: unknown) => (svc.api[m as keyof DeskVaultApi] as (i: unknown) => Promise<unknown>)(input)]));
  const bridge = Object.freeze({
    ...methods,
    subscribe: (l: Parameters<DeskVaultBridge['subscribe']>[0]) => svc.on(l),
    // What Electron's webUtils.getPathForFile answers for a dropped file: its real path.
    getPathForFile: (file: File) => droppedFilePaths.get(file) ?? '',
  }) as unknown as DeskVaultBridge;
  return { svc, home, client: createBridgeClient(bridge) };
}

export function renderApp(client: DeskVaultClient, hash = '#/dashboard'): RenderResult {
  window.location.hash = hash;
  return render(<App client={client} />);
}

export function renderWith(client: DeskVaultClient, ui: React.ReactElement): RenderResult {
  return render(<ClientProvider client={client}>{ui}</ClientProvider>);
}

/** Waits for a real backup of `plan` to complete (the service, not the UI). */
export async function backUp(client: DeskVaultClient, plan: string): Promise<string> {
  const job = await client.call('backups.start', { plan });
  for (let i = 0; i < 600; i++) {
    const j = await client.call('jobs.get', { id: job.id });
    if (j.state === 'COMPLETED') return j.recoveryPointId!;
    if (['FAILED', 'ABORTED', 'EXPIRED'].includes(j.state)) throw new Error(`backup ${j.state}: ${j.error?.message}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('backup did not finish');
}
