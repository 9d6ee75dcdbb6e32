import { describe, expect, it } from 'vitest';
import { API_METHODS, type ApiMethod } from '../../../main/core/api.js';
import { DeskVaultError } from '../../../main/core/errors.js';
import { channelFor, handleIpcCall, IPC_CALL_PREFIX, IPC_EVENT_CHANNEL, serializeError, type Envelope } from '../../../main/electron/ipc-contract.js';
import * as preloadChannels from '../../../preload/ipc-channels.js';

const trusted = { isMainFrame: true, isAppWindow: true, url: 'app://deskvault/index.html' };

function recorder() {
  const calls: [ApiMethod, unknown][] = [];
  const call = async (m: ApiMethod, input: unknown): Promise<Envelope> => {
    calls.push([m, input]);
    return { ok: true, value: { echoed: input } };
  };
  return { calls, call };
}

describe('IPC contract', () => {
  it('has one channel per API method, and the preload uses the same names', () => {
    const methods = Object.keys(API_METHODS) as ApiMethod[];
    const channels = methods.map(channelFor);
    expect(new Set(channels).size).toBe(methods.length);
    expect(channels[0]).toBe(`deskvault:call:${methods[0]}`);
    expect(preloadChannels.IPC_CALL_PREFIX).toBe(IPC_CALL_PREFIX);
    expect(preloadChannels.IPC_EVENT_CHANNEL).toBe(IPC_EVENT_CHANNEL);
  });

  it('refuses an untrusted sender before looking at its input', async () => {
    const r = recorder();
    for (const sender of [{ ...trusted, isMainFrame: false }, { ...trusted, isAppWindow: false }, { ...trusted, url: 'https://evil.example/' }]) {
      const env = await handleIpcCall('vaults.list', sender, { nonsense: true }, r.call);
      expect(env).toEqual({ ok: false, error: { code: 'ACCESS_DENIED', message: expect.stringContaining('DeskVault window'), data: {} } });
    }
    expect(r.calls).toEqual([]);
  });

  it('validates input with the method schema and names the field', async () => {
    const r = recorder();
    const env = await handleIpcCall('jobs.pause', trusted, { minutes: -5 }, r.call);
    expect(env.ok).toBe(false);
    if (!env.ok) {
      expect(env.error.code).toBe('INVALID_INPUT');
      expect(env.error.data).toEqual({ method: 'jobs.pause', field: 'minutes' });
      expect(env.error.message).toMatch(/^jobs\.pause: minutes: /);
    }
    expect((await handleIpcCall('vaults.list', trusted, { extra: 1 }, r.call)).ok).toBe(false);
    expect(await handleIpcCall('no.such', trusted, {}, r.call)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(r.calls).toEqual([]);
  });

  it('passes valid input on as given (the service parses it again and audits it)', async () => {
    const r = recorder();
    expect(await handleIpcCall('jobs.pause', trusted, { minutes: 60 }, r.call)).toEqual({ ok: true, value: { echoed: { minutes: 60 } } });
    expect(await handleIpcCall('status.get', trusted, undefined, r.call)).toEqual({ ok: true, value: { echoed: {} } });
    expect(r.calls).toEqual([
      ['jobs.pause', { minutes: 60 }],
      ['status.get', {}],
    ]);
  });

  it('turns a thrown error into { code, message, data } instead of throwing', async () => {
    const env = await handleIpcCall('vaults.list', trusted, {}, async () => {
      throw new DeskVaultError('WRONG_PASSWORD', 'the passphrase does not open this vault', { vault: 'local' });
    });
    expect(env).toEqual({ ok: false, error: { code: 'WRONG_PASSWORD', message: 'the passphrase does not open this vault', data: { vault: 'local' } } });
  });

  it('serialises any thrown value to plain JSON', () => {
    expect(serializeError(new DeskVaultError('NOT_FOUND', 'no such plan', { plan: 'x', missing: undefined }))).toEqual({ code: 'NOT_FOUND', message: 'no such plan', data: { plan: 'x' } });
    expect(serializeError(new TypeError('boom'))).toEqual({ code: 'INTERNAL', message: 'boom', data: {} });
    expect(serializeError('text')).toEqual({ code: 'INTERNAL', message: 'text', data: {} });
    expect(JSON.parse(JSON.stringify(serializeError(new RangeError('x'))))).toEqual(serializeError(new RangeError('x')));
  });
});
