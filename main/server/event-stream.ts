/**
 * `GET /api/events`: the service's events as Server-Sent Events (`event: <name>`, `data: <JSON>`).
 *
 * Contract: the subscription is made before the response starts, so an event emitted after the
 * client has the response headers is delivered; a comment line is sent first (so headers and a
 * first byte go out at once) and every 15 s after (so proxies and idle timers keep the stream
 * open). The subscription ends when the client disconnects, when the server shuts down
 * (`shutdown` aborts), or when a client falls too far behind (more than MAX_QUEUED_EVENTS unread) —
 * EventSource reconnects by itself, and dropping a stalled reader keeps memory bounded.
 */
import type { Context } from 'hono';
import type { ApiEventName, ApiEvents } from '../core/api.js';

export type ApiEventListener = <E extends ApiEventName>(name: E, data: ApiEvents[E]) => void;

export interface ApiEventSource {
  /** Returns the unsubscribe function. */
  subscribe(listener: ApiEventListener): () => void;
}

const HEARTBEAT_MS = 15_000;
const MAX_QUEUED_EVENTS = 1000;

export function eventStream(c: Context, events: ApiEventSource, shutdown: AbortSignal): Response {
  const encoder = new TextEncoder();
  let stop = (): void => {};

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let stopped = false;
        const send = (text: string): void => {
          if (stopped) return;
          if ((controller.desiredSize ?? 0) < -MAX_QUEUED_EVENTS) {
            stop();
            return;
          }
          controller.enqueue(encoder.encode(text));
        };
        const unsubscribe = events.subscribe((name, data) => send(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`));
        const heartbeat = setInterval(() => send(': heartbeat\n\n'), HEARTBEAT_MS);
        heartbeat.unref();
        stop = () => {
          if (stopped) return;
          stopped = true;
          clearInterval(heartbeat);
          unsubscribe();
          shutdown.removeEventListener('abort', stop);
          c.req.raw.signal.removeEventListener('abort', stop);
          try {
            controller.close();
          } catch {
            // Already closed or cancelled by the reader: nothing left to end.
          }
        };
        shutdown.addEventListener('abort', stop);
        c.req.raw.signal.addEventListener('abort', stop);
        if (shutdown.aborted || c.req.raw.signal.aborted) stop();
        else send(': connected\n\n');
      },
      // The adapter cancels the body when the client disconnects.
      cancel() {
        stop();
      },
    },
    { highWaterMark: 1 },
  );

  return c.body(body, 200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Accel-Buffering': 'no',
  });
}
