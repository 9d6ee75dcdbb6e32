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
  const bridge = Object.freeze({ ...methods, subscribe: (l: Parameters<DeskVaultBridge['subscribe']>[0]) => svc.on(l) }) as unknown as DeskVaultBridge;
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
