/**
 * The preload: exposes `window.deskvault` (bridge.ts) through contextBridge. Bundled with bridge.ts
 * into one CommonJS file, dist/preload/preload.cjs (scripts/build-preload.mjs), because a sandboxed
 * preload cannot load modules; its only `require` is 'electron'. The method and event names are
 * put in at build time from main/core/api.ts, so the preload carries no schema library.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { createBridge } from './bridge.js';
import { IPC_CALL_PREFIX, IPC_EVENT_CHANNEL } from './ipc-channels.js';

declare const __DESKVAULT_API_METHODS__: readonly string[];
declare const __DESKVAULT_API_EVENTS__: readonly string[];

const bridge = createBridge({
  methods: __DESKVAULT_API_METHODS__,
  events: __DESKVAULT_API_EVENTS__,
  invoke: (method, input) => ipcRenderer.invoke(`${IPC_CALL_PREFIX}${method}`, input),
  onEvent: (listener) => {
    const handler = (_e: IpcRendererEvent, name: unknown, data: unknown): void => listener(name, data);
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
  },
  getPathForFile: (file) => webUtils.getPathForFile(file),
});

contextBridge.exposeInMainWorld('deskvault', bridge);
