/** The headless API server's public entry (README.md). */
export { startServer, serveBanner, SERVER_HOST, type StartServerOptions, type RunningServer } from './create-server.js';
export { createApp, CONTENT_SECURITY_POLICY, type AppOptions } from './create-app.js';
export { MAX_API_BODY_BYTES } from './api-routes.js';
export { HTTP_REFUSALS, type HttpRefusal } from './http-refusal.js';
export { cookieNameFor } from './request-guard.js';
export type { ApiEventListener, ApiEventSource } from './event-stream.js';
export type { ServerLog } from './error-response.js';
