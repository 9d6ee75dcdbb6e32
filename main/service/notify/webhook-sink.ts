/**
 * POSTs each event as JSON (eventPayload) to a webhook URL with the global fetch.
 *
 * - Timeout: 10 s per attempt (AbortSignal.timeout), long enough for a slow chat service, short
 *   enough that a dead receiver cannot pile up deliveries behind it.
 * - One retry, after `retryDelayMs`, on a 5xx answer or a network error (connection refused, reset,
 *   DNS): those are usually passing. No retry on a timeout (the receiver may still be working on
 *   the first request, a second would likely duplicate it and double the wait), nor on 4xx (the
 *   request itself is wrong; repeating it changes nothing).
 * - Redirects are not followed (a 3xx is a failure): a redirect would resend the event to a place
 *   the user never configured.
 * - The URL's query string, fragment and user info may hold a secret (`?token=…`): `name`, error
 *   messages and error data show only `displayUrl(url)` = origin + path (long, token-like path
 *   segments masked), and errors carry no `cause` (fetch's causes can quote the request).
 */
import { DeskVaultError } from '../../core/errors.js';
import { eventPayload, type ServiceEvent } from './events.js';
import type { NotificationSink } from './notifier.js';

export interface WebhookSinkOptions {
  url: string;
  /** Per attempt; default 10 000 ms. */
  timeoutMs?: number;
  /** Pause before the one retry; default 1000 ms. */
  retryDelayMs?: number;
  /** Extra request headers (e.g. an authorization header; never shown). */
  headers?: Record<string, string>;
}

export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * The URL as it may be shown: origin and path, without user info, query or fragment, and with path
 * segments of 20 or more characters masked as `***` — chat services put the token in the path
 * (`/services/T…/B…/<token>`, `/api/webhooks/<id>/<token>`), and no readable path segment is that long.
 */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname.split('/').map((seg) => (seg.length >= 20 ? '***' : seg)).join('/')}`;
  } catch {
    return '[invalid URL]';
  }
}

export class WebhookSink implements NotificationSink {
  readonly name: string;
  private readonly url: URL;

  constructor(private readonly options: WebhookSinkOptions) {
    let url: URL | undefined;
    try {
      url = new URL(options.url);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new DeskVaultError('INVALID_INPUT', `the webhook ${displayUrl(options.url)} is not an http(s) URL`, { url: displayUrl(options.url) });
    }
    this.url = url;
    this.name = `webhook ${displayUrl(options.url)}`;
  }

  async send(event: ServiceEvent, signal?: AbortSignal): Promise<'sent'> {
    const body = JSON.stringify(eventPayload(event));
    const first = await this.attempt(body, signal);
    if (first.ok) return 'sent';
    if (!first.retry) throw first.error;
    await delay(this.options.retryDelayMs ?? 1000, signal);
    const second = await this.attempt(body, signal);
    if (second.ok) return 'sent';
    throw second.error;
  }

  private async attempt(body: string, signal?: AbortSignal): Promise<{ ok: true } | { ok: false; retry: boolean; error: DeskVaultError }> {
    const where = displayUrl(this.url.href);
    const ms = this.options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(ms);
    const data = { url: where, status: null as number | null };
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'DeskVault', ...this.options.headers },
        body,
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      if (signal?.aborted) return { ok: false, retry: false, error: new DeskVaultError('CANCELLED', `the webhook ${where} was cancelled`, data) };
      if (timeout.aborted) return { ok: false, retry: false, error: new DeskVaultError('IO', `the webhook ${where} did not answer within ${ms / 1000} s`, data) };
      const code = (err as { cause?: { code?: unknown } })?.cause?.code;
      return { ok: false, retry: true, error: new DeskVaultError('IO', `cannot reach the webhook ${where}${typeof code === 'string' ? ` (${code})` : ''}`, data) };
    }
    // Free the connection; the answer's body is not used (and might echo the secret).
    await res.body?.cancel().catch(() => undefined);
    if (res.status >= 200 && res.status < 300) return { ok: true };
    data.status = res.status;
    if (res.status >= 500) return { ok: false, retry: true, error: new DeskVaultError('IO', `the webhook ${where} answered HTTP ${res.status}`, data) };
    if (res.status === 401 || res.status === 403) {
      return { ok: false, retry: false, error: new DeskVaultError('ACCESS_DENIED', `the webhook ${where} refused the notification (HTTP ${res.status}); check its token`, data) };
    }
    const why = res.status >= 300 && res.status < 400 ? ' (a redirect: configure the final URL)' : '';
    return { ok: false, retry: false, error: new DeskVaultError('IO', `the webhook ${where} answered HTTP ${res.status}${why}`, data) };
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
