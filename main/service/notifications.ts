/**
 * Where the service's events go: job transitions and stale protection become ServiceEvents
 * (notify/events.ts) delivered to the desktop (the app's notifier, and every edge as a
 * `notification` API event), to each vault's SNS topic and webhook when it has them. A sink that
 * fails never fails a job; its failure is itself an edge event so the UI can say "webhook
 * unreachable". Stale protection is one alert per episode (notify/stale-protection-tracker.ts),
 * re-checked every CHECK_EVERY_MS and after every backup.
 */
import type { Job, VaultRecord } from '../core/model.js';
import { DesktopSink, Notifier, SnsSink, StaleProtectionTracker, WebhookSink, type MassChangeDetectedEvent, type ServiceEvent, type ShowDesktopNotification } from './notify/index.js';
import type { LastCopies } from './lifecycle/index.js';
import type { DeskVaultService } from './service.js';
import { freshnessMs } from './status.js';

const CHECK_EVERY_MS = 10 * 60_000;
const GRACE_MS = 2 * 3_600_000;

export class ServiceNotifications {
  private readonly notifier = new Notifier();
  private readonly tracker: StaleProtectionTracker;
  private readonly seen = new Map<string, Job['state']>();
  private topics = new Map<string, string>();
  private removeWebhooks: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private tracked: { vault: string; plan: string }[] = [];

  constructor(
    private readonly svc: DeskVaultService,
    showDesktop?: ShowDesktopNotification,
  ) {
    this.notifier.add(
      new DesktopSink(async (n) => {
        svc.emit('notification', { type: n.event.type, time: n.event.time, message: n.event.message, vaultName: n.event.vault, planName: n.event.plan, jobId: n.event.jobId });
        await showDesktop?.(n);
      }),
    );
    this.notifier.add(new SnsSink({ topicFor: (vault) => this.topics.get(vault) }));
    this.notifier.onDidDeliver((d) => {
      if (d.status === 'failed') svc.emit('notification', { type: 'NOTIFICATION_FAILED', time: svc.now().toISOString(), message: d.error?.message ?? `${d.sink} failed` });
    });
    this.tracker = new StaleProtectionTracker({ now: svc.now, emit: (e) => void this.notifier.notify(e), graceMs: GRACE_MS });
  }

  /** Re-reads vault notification settings and plans (after they change). */
  async refresh(): Promise<void> {
    const vaults = await this.svc.registry.list();
    this.topics = new Map(vaults.filter((v) => v.notifications?.snsTopicArn).map((v) => [v.name, v.notifications!.snsTopicArn!]));
    for (const remove of this.removeWebhooks) remove();
    this.removeWebhooks = vaults.filter((v): v is VaultRecord & { notifications: { webhookUrl: string } } => !!v.notifications?.webhookUrl).map((v) =>
      this.notifier.add(new WebhookSink({ url: v.notifications.webhookUrl }), (e) => e.vault === v.name),
    );
    const now = this.svc.now();
    const plans = await this.svc.plans.list();
    // Stale state carries over a refresh, so an ongoing episode is not alerted twice.
    const wasStale = new Set(this.tracked.filter((t) => this.tracker.isStale(t.vault, t.plan)).map((t) => `${t.vault}\n${t.plan}`));
    for (const t of this.tracked) this.tracker.removePlan(t.vault, t.plan);
    this.tracked = plans.map((p) => ({ vault: p.rules[0].targetVault, plan: p.name }));
    for (const plan of plans) {
      const vault = plan.rules[0].targetVault;
      const good = this.svc.jobs.lastGoodBackup(plan.name);
      this.tracker.setPlan({ vault, plan: plan.name, frequencyMs: freshnessMs(plan, now) - GRACE_MS, lastGoodAt: good?.endedAt ? new Date(good.endedAt) : null, since: new Date(plan.createdAt), stale: wasStale.has(`${vault}\n${plan.name}`) });
    }
  }

  start(): void {
    this.timer = setInterval(() => this.tracker.check(), CHECK_EVERY_MS);
    this.timer.unref();
    this.tracker.check();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.notifier.flush();
  }

  /** Files deleted from the computer whose last copy expires soon (last-copy-warnings.ts; once per set). */
  lastCopyExpiring(vault: string, message: string, found: LastCopies): void {
    const plan = found.planNames.length === 1 ? found.planNames[0] : undefined;
    void this.notifier.notify({ type: 'LAST_COPY_EXPIRING', state: 'EXPIRING', time: this.svc.now().toISOString(), vault, ...(plan && { plan }), message, files: found.count, bytes: found.bytes, examples: found.examples, lostAt: found.earliestLostAt });
  }

  /** A backup's point looks like a mass change and the earlier points were held (mass-change-guard.ts; once per point). */
  massChangeDetected(e: Omit<MassChangeDetectedEvent, 'type' | 'state' | 'time'>): void {
    void this.notifier.notify({ ...e, type: 'MASS_CHANGE_DETECTED', state: 'HELD', time: this.svc.now().toISOString() });
  }

  /** Called with every job change; announces transitions once each. */
  onJob(job: Job): void {
    const before = this.seen.get(job.id);
    if (before === job.state) return;
    this.seen.set(job.id, job.state);
    if (this.seen.size > 2000) this.seen.delete(this.seen.keys().next().value!);
    const kind = job.kind === 'BACKUP' || job.kind === 'RESTORE' || job.kind === 'COPY' ? job.kind : null;
    if (!kind) return;
    const base = { time: this.svc.now().toISOString(), vault: job.vaultName, plan: job.planName ?? undefined, jobId: job.id, pointId: job.recoveryPointId ?? undefined };
    const what = `${kind.toLowerCase()}${job.planName ? ` of "${job.planName}"` : ''}`;
    let event: ServiceEvent | null = null;
    if (job.state === 'RUNNING') event = { ...base, type: `${kind}_JOB_STARTED`, state: 'RUNNING', message: `The ${what} started.` };
    else if (job.state === 'COMPLETED' || job.state === 'ABORTED') {
      event = { ...base, type: `${kind}_JOB_COMPLETED`, state: job.state === 'COMPLETED' ? 'COMPLETED' : 'CANCELLED', message: `The ${what} ${job.state === 'COMPLETED' ? (job.statusMessage ? job.statusMessage : 'completed') : 'was cancelled'}.` };
      if (kind === 'BACKUP' && job.state === 'COMPLETED' && job.planName && job.endedAt) {
        this.tracker.recordGoodPoint(job.vaultName, job.planName, new Date(job.endedAt), job.recoveryPointId ?? undefined);
      }
    } else if (job.state === 'FAILED' || job.state === 'EXPIRED') {
      event = { ...base, type: `${kind}_JOB_FAILED`, state: 'FAILED', errorCode: job.error?.code ?? job.state, message: `The ${what} ${job.state === 'EXPIRED' ? 'expired' : 'failed'}: ${job.error?.message ?? job.statusMessage ?? ''}` };
      if (kind === 'BACKUP' && job.planName) this.tracker.recordFailure(job.vaultName, job.planName, event.message);
    }
    if (event) void this.notifier.notify(event);
  }
}
