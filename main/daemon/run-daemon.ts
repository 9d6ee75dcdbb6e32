/**
 * The headless host: one process that runs the service for a state folder (scheduler, watchers,
 * jobs) and serves its API on loopback — `deskvault daemon` quietly, `deskvault serve` with the UI
 * address as its first stdout line. It is the composition point of the service and the server
 * edge (the CLI's `serve`/`daemon` commands call it; edges never import each other). The API
 * endpoint and token go into the state folder's lock file (0600), which is how other CLI commands
 * find and reach this process. SIGINT/SIGTERM stop it cleanly: running jobs are cancelled (their
 * vault stays consistent; the next run picks up), the lock is released.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeskVaultService, stateFolder } from '../service/index.js';
import { serveBanner, startServer } from '../server/index.js';

export interface DaemonOptions {
  serve: boolean;
  port?: number;
  open?: boolean;
  home?: string;
}

/** The built React UI, when present (renderer/dist next to dist/ in the package). */
export function builtUiFolder(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dir = path.resolve(here, '..', '..', '..', 'renderer', 'dist');
  return fs.existsSync(path.join(dir, 'index.html')) ? dir : undefined;
}

export async function runDaemon(opts: DaemonOptions): Promise<void> {
  const home = opts.home ?? stateFolder();
  const service = await DeskVaultService.start({ home, kind: opts.serve ? 'serve' : 'daemon', background: true });
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      api: service.api,
      callWith: (source) => service.apiFor(source),
      events: { subscribe: (l) => service.on(l) },
      port: opts.serve ? (opts.port ?? 0) : 0,
      staticDir: opts.serve ? builtUiFolder() : undefined,
    });
    await service.lock.publishEndpoint({ url: `http://127.0.0.1:${server.port}/`, token: server.token });
  } catch (err) {
    await service.stop({ cancelJobs: true });
    throw err;
  }
  if (opts.serve) process.stdout.write(`${serveBanner(server.url)}\n`);
  else process.stderr.write(`DeskVault service running for ${home} (pid ${process.pid}); stop with Ctrl+C\n`);
  if (opts.open) openInBrowser(server.url);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  await service.stop({ cancelJobs: true });
}

function openInBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  execFile(cmd, [url], () => undefined);
}
