/**
 * The IPC channel names, a copy of main/electron/ipc-contract.ts's (the preload may import only
 * electron and main/core); test/unit/electron/preload-bridge.test.ts holds the two equal.
 */
export const IPC_CALL_PREFIX = 'deskvault:call:';
export const IPC_EVENT_CHANNEL = 'deskvault:event';
