/**
 * How a CLI command reaches the service: when a DeskVault process (the app, `deskvault daemon` or
 * `deskvault serve`) holds the state folder, over its loopback API with the token it published in
 * the lock file (0600); otherwise by running the service in-process under the same lock, without
 * the scheduler and watchers. Either way the command sees the same typed API, so two processes
 * never edit plans at once and no edit is lost.
 */
import { API_METHODS, isApiMethod, type DeskVaultApi } from '../core/api.js';
import { DeskVaultError, ERROR_TABLE, type ErrorCode } from '../core/errors.js';
import { DeskVaultService, runningService, stateFolder } from '../service/index.js';

export interface ServiceHandle {
  api: DeskVaultApi;
  /** 'remote' when another process runs the service. */
  mode: 'remote' | 'in-process';
  service: DeskVaultService | null;
  close(): Promise<void>;
}

export async function connectService(opts: { home?: string } = {}): Promise<ServiceHandle> {
  const home = opts.home ?? stateFolder();
  const running = await runningService(home);
  if (running?.endpoint) {
    const { url, token } = running.endpoint;
    return { api: httpApi(url, token), mode: 'remote', service: null, close: async () => undefined };
  }
  if (running) {
    throw new DeskVaultError('VAULT_LOCKED', `DeskVault (${running.kind}, pid ${running.pid}) is running for ${home} but does not serve its API yet; try again in a moment`, { pid: running.pid });
  }
  const service = await DeskVaultService.start({ home, kind: 'cli' });
  return { api: service.apiFor('cli'), mode: 'in-process', service, close: () => service.stop() };
}

function httpApi(base: string, token: string): DeskVaultApi {
  return new Proxy({} as DeskVaultApi, {
    get: (_t, name) => async (input: unknown) => {
      const method = String(name);
      if (!isApiMethod(method)) throw new DeskVaultError('NOT_FOUND', `unknown API method ${method}`, { method });
      void API_METHODS[method];
      let res: Response;
      try {
        res = await fetch(new URL(`/api/${method}`, base), {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-deskvault-source': 'cli' },
          body: JSON.stringify(input ?? {}),
        });
      } catch (err) {
        throw new DeskVaultError('IO', `cannot reach the running DeskVault service at ${base}: ${(err as Error).message}`, {});
      }
      const body = (await res.json().catch(() => ({}))) as { result?: unknown; error?: { code?: string; message?: string; data?: Record<string, never> } };
      if (!res.ok || body.error) {
        const code = (body.error?.code && body.error.code in ERROR_TABLE ? body.error.code : 'INTERNAL') as ErrorCode;
        throw new DeskVaultError(code, body.error?.message ?? `the service answered HTTP ${res.status}`, body.error?.data ?? {});
      }
      return body.result;
    },
  });
}
