/**
 * Entry of the service host: the script the main process starts with `utilityProcess.fork`. It runs
 * DeskVaultService (scheduler, watchers, backup and restore jobs) in its own process, so no backup
 * ever competes with the window or the main process's event loop. It talks to the main process over
 * `process.parentPort` (see service-protocol.ts); it imports no electron module. The state folder
 * comes from DESKVAULT_HOME (set by the main process), else the usual place.
 */
import { stateFolder } from '../service/state-folder.js';
import { runServiceHost } from './service-host-runtime.js';
import type { PortLike } from './service-protocol.js';

const parent = process.parentPort as Electron.ParentPort | undefined;
if (!parent) {
  process.stderr.write('service-host.js runs only inside Electron (utilityProcess.fork); use `deskvault daemon` elsewhere\n');
  process.exit(2);
}

const port: PortLike = {
  postMessage: (m) => parent.postMessage(m),
  onMessage: (listener) => {
    const handler = (e: Electron.MessageEvent): void => listener(e.data);
    parent.on('message', handler);
    return () => parent.off('message', handler);
  },
};

process.on('uncaughtException', (err) => {
  process.stderr.write(`service host: ${err.stack ?? err.message}\n`);
  process.exit(1);
});

await runServiceHost(port, { home: process.env.DESKVAULT_HOME ?? stateFolder() });
process.exit(0);
