/**
 * The renderer's only door to the service. `createClient()` picks the Electron bridge when the
 * preload exposed one (`window.deskvault`), else HTTP to the server that served this page.
 */
import { createBridgeClient } from './bridge.js';
import type { DeskVaultClient } from './client.js';
import { createHttpClient } from './http-client.js';

export { ApiError, toApiError } from './api-error.js';
export { createBridgeClient, type DeskVaultBridge } from './bridge.js';
export type { ApiEventListener, DeskVaultClient } from './client.js';
export { createHttpClient } from './http-client.js';

export function createClient(): DeskVaultClient {
  const bridge = typeof window !== 'undefined' ? window.deskvault : undefined;
  return bridge ? createBridgeClient(bridge) : createHttpClient();
}
