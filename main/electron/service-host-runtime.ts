/**
 * The service host's logic, transport-neutral: starts DeskVaultService for a state folder, answers
 * `call` messages with envelopes, forwards the service's events and desktop notifications, and on
 * `stop` stops the service (cancelling running jobs) and answers `stopped`. It imports no electron,
 * so tests run it in-process over a `node:worker_threads` MessageChannel with a real service.
 */
import type { ServiceDeps } from '../service/index.js';
import { DeskVaultService } from '../service/index.js';
import { serializeError } from './ipc-contract.js';
import type { FromHost, HostNotification, PortLike, ToHost } from './service-protocol.js';

export interface HostOptions {
  home: string;
  /** Extra service dependencies (tests inject a file key store and a clock). */
  deps?: Omit<ServiceDeps, 'home' | 'showDesktopNotification'>;
}

/** Runs until `stop`; resolves after the service has stopped (or failed to start). */
export async function runServiceHost(port: PortLike, opts: HostOptions): Promise<void> {
  const send = (m: FromHost): void => port.postMessage(m);
  let service: DeskVaultService;
  try {
    service = await DeskVaultService.start({
      kind: 'app',
      background: true,
      ...opts.deps,
      home: opts.home,
      showDesktopNotification: (n) => {
        const notification: HostNotification = {
          title: n.title,
          body: n.body,
          urgent: n.urgent,
          event: { type: n.event.type, time: n.event.time, vault: n.event.vault, plan: n.event.plan, jobId: n.event.jobId, message: n.event.message },
        };
        send({ type: 'desktop-notification', notification });
      },
    });
  } catch (err) {
    send({ type: 'start-failed', error: serializeError(err) });
    return;
  }
  const offEvents = service.on((name, data) => send({ type: 'event', name, data }));
  const keyStore = service.registry.keyStore;
  send({ type: 'ready', home: service.home, keyStore: keyStore.kind, keyStoreWarning: keyStore.warning });

  await new Promise<void>((resolve) => {
    const off = port.onMessage((raw) => {
      const m = raw as ToHost;
      if (m.type === 'call') {
        service.call(m.method, m.input, m.source).then(
          (value) => send({ type: 'result', id: m.id, envelope: { ok: true, value } }),
          (err: unknown) => send({ type: 'result', id: m.id, envelope: { ok: false, error: serializeError(err) } }),
        );
      } else if (m.type === 'stop') {
        off();
        resolve();
      }
    });
  });
  offEvents();
  await service.stop({ cancelJobs: true });
  send({ type: 'stopped' });
}
