/**
 * The composition root of the service (STYLE convention 9): `DeskVaultService.start(deps)` takes the
 * state folder's lock, wires the stores, the job runner, the audit trail and the protection loop
 * (scheduler + watchers), and implements the API of main/core/api.ts. Every edge calls `call`,
 * which validates the input with the method's schema (the edges validate too; validating here as
 * well keeps in-process callers honest), records state-changing calls in the audit trail, and
 * dispatches to the handler table in service-handlers.ts.
 */
import * as path from 'node:path';
import { API_METHODS, isApiMethod, type ApiEventName, type ApiEvents, type ApiMethod, type ApiResult, type CallSource, type DeskVaultApi } from '../core/api.js';
import { DeskVaultError, isDeskVaultError } from '../core/errors.js';
import type { Job } from '../core/model.js';
import { AUDIT_FILE_NAME, AuditLog } from './audit/index.js';
import { HoldStore } from './holds/hold-store.js';
import { ServiceNotifications } from './notifications.js';
import type { ShowDesktopNotification } from './notify/index.js';
import { JobRunner } from './jobs/job-runner.js';
import { openKeyStore, type KeyStore } from './keys/key-store.js';
import { PlanStore } from './plans/plan-store.js';
import { systemClock, type SchedulerClock } from './schedule/index.js';
import { createHandlers, type Handlers } from './service-handlers.js';
import { StateLock } from './state/state-lock.js';
import { DEFAULT_VAULT, VaultRegistry } from './vaults/vault-registry.js';

export interface ServiceDeps {
  /** The state folder (see state-folder.ts). */
  home: string;
  /** What runs the service, for the lock file: 'app', 'daemon', 'serve', 'cli'. */
  kind?: string;
  now?: () => Date;
  /**
   * Wall time and timers for the scheduler and the completion windows of running backups (a fake
   * one in tests); default the system clock. `now` defaults to this clock's time.
   */
  clock?: SchedulerClock;
  keyStore?: KeyStore;
  /** Where the default `local` vault is created on first start; default `<home>/vaults/local`. */
  defaultVaultLocation?: string;
  /** Do not create the default vault (a caller that registers its own). */
  noDefaultVault?: boolean;
  /** Run the scheduler and watchers (the app, daemon, serve); a one-off CLI command does not. */
  background?: boolean;
  /** The app's native notifications; every edge also gets them as `notification` events. */
  showDesktopNotification?: ShowDesktopNotification;
}

export type EventListener = <E extends ApiEventName>(name: E, data: ApiEvents[E]) => void;

export class DeskVaultService {
  private readonly listeners = new Set<EventListener>();
  private handlers!: Handlers;
  private statusTimer: NodeJS.Timeout | null = null;
  notifications!: ServiceNotifications;
  /** Timers at wall-clock instants (schedules, completion windows); see ServiceDeps.clock. */
  clock!: SchedulerClock;

  private constructor(
    readonly home: string,
    readonly lock: StateLock,
    readonly registry: VaultRegistry,
    readonly plans: PlanStore,
    readonly holds: HoldStore,
    readonly jobs: JobRunner,
    readonly audit: AuditLog,
    readonly now: () => Date,
  ) {}

  static async start(deps: ServiceDeps): Promise<DeskVaultService> {
    const home = path.resolve(deps.home);
    const clock = deps.clock ?? systemClock({ unref: true });
    const now = deps.now ?? (() => clock.now());
    const lock = await StateLock.acquire(home, deps.kind ?? 'service');
    try {
      const keyStore = deps.keyStore ?? (await openKeyStore(home));
      const registry = new VaultRegistry(home, keyStore, now);
      let emitJob: (job: Job) => void = () => undefined;
      const jobs = new JobRunner(home, (job) => emitJob(job), now);
      await jobs.load();
      const audit = await AuditLog.open(path.join(home, AUDIT_FILE_NAME), { clock: now });
      const service = new DeskVaultService(home, lock, registry, new PlanStore(home, now), new HoldStore(home, now), jobs, audit, now);
      service.clock = clock;
      service.notifications = new ServiceNotifications(service, deps.showDesktopNotification);
      emitJob = (job) => {
        service.emit('job', job);
        service.notifications.onJob(job);
        service.scheduleStatus();
      };
      service.handlers = createHandlers(service);
      if (!deps.noDefaultVault) await service.ensureDefaultVault(deps.defaultVaultLocation ?? path.join(home, 'vaults', DEFAULT_VAULT));
      await service.notifications.refresh();
      if (deps.background) {
        await service.handlers.startBackground();
        service.notifications.start();
      }
      return service;
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  /** The API as typed functions, for in-process callers (recorded as source `service`). */
  get api(): DeskVaultApi {
    return this.apiFor('service');
  }

  apiFor(source: CallSource): DeskVaultApi {
    return new Proxy({} as DeskVaultApi, {
      get: (_t, name) => (input: unknown) => this.call(String(name), input ?? {}, source),
    });
  }

  /** Validates, audits (state-changing methods) and runs one API call. */
  async call<M extends ApiMethod>(method: M | string, rawInput: unknown, source: CallSource): Promise<ApiResult<M>> {
    if (!isApiMethod(method)) throw new DeskVaultError('NOT_FOUND', `unknown API method ${method}`, { method });
    const def = API_METHODS[method];
    const parsed = def.input.safeParse(rawInput);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : 'input';
      throw new DeskVaultError('INVALID_INPUT', `${method}: ${where}: ${issue?.message ?? 'invalid'}`, { method, field: where });
    }
    const handler = this.handlers[method] as (input: unknown) => Promise<ApiResult<M>>;
    if (!def.mutates) return handler(parsed.data);
    try {
      const result = await handler(parsed.data);
      await this.audit.append({ action: method, source, args: rawInput });
      this.scheduleStatus();
      return result;
    } catch (err) {
      await this.audit.append({ action: method, source, args: rawInput, error: err }).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Pushes a `status` event (tray, dashboard) shortly after anything that may change it: job
   * transitions and state-changing calls. Coalesced, so a burst of progress is one computation.
   */
  scheduleStatus(): void {
    if (this.statusTimer || this.listeners.size === 0) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      this.handlers['status.get']({}).then((s) => this.emit('status', s), () => undefined);
    }, 300);
    this.statusTimer.unref();
  }

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends ApiEventName>(name: E, data: ApiEvents[E]): void {
    for (const l of this.listeners) {
      try {
        l(name, data);
      } catch {
        /* a faulty listener never breaks the service */
      }
    }
  }

  /** Stops background work, waits for running jobs to settle, and releases the state folder. */
  async stop(opts: { cancelJobs?: boolean } = {}): Promise<void> {
    if (this.statusTimer) clearTimeout(this.statusTimer);
    await this.handlers.stopBackground();
    await this.notifications.stop();
    if (opts.cancelJobs) for (const j of this.jobs.running()) this.jobs.cancel(j.id);
    await this.jobs.idle();
    await this.audit.close();
    await this.lock.release();
  }

  private async ensureDefaultVault(location: string): Promise<void> {
    if ((await this.registry.list()).length > 0) return;
    let r: Awaited<ReturnType<VaultRegistry['add']>> | undefined;
    // A vault left at the default place whose key this machine no longer has (a state folder
    // deleted by hand) is kept untouched — it opens with its recovery code — and the new default
    // vault goes next to it.
    for (let n = 1; !r; n++) {
      const at = n === 1 ? location : `${location}-${n}`;
      try {
        r = await this.registry.add({ name: DEFAULT_VAULT, location: at, keyProvider: 'app' });
      } catch (err) {
        if (!isDeskVaultError(err, 'PASSWORD_REQUIRED') || n >= 9) throw err;
      }
    }
    // Kept until the person has seen it once (vaults.recoveryKit), then removed from the key store.
    if (r.recoveryCode) await this.registry.keyStore.set(`vault:${r.vault.id}:recovery-pending`, r.recoveryCode);
    await this.audit.append({ action: 'vaults.add', source: 'service', args: { name: DEFAULT_VAULT, location: r.vault.location, keyProvider: 'app', default: true } });
  }
}
