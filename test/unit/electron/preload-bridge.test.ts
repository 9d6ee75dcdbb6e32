/**
 * The preload, twice: `createBridge` directly (envelopes, error records, subscriptions), and the
 * real bundle — built by scripts/build-preload.mjs into a temporary folder and run in a fresh vm
 * context the way a sandboxed preload runs (a `require` that knows only 'electron', here a small
 * stand-in for contextBridge/ipcRenderer/webUtils). So what ships is what is tested.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_EVENT_NAMES, API_METHODS } from '../../../main/core/api.js';
import { channelFor, IPC_EVENT_CHANNEL } from '../../../main/electron/ipc-contract.js';
import { createBridge, type BridgeDeps } from '../../../preload/bridge.js';
import { makeTempDir, removeTempDirs } from '../../helpers/files.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const METHODS = Object.keys(API_METHODS);

function deps(answer: (method: string, input: unknown) => unknown = () => ({ ok: true, value: 'v' })) {
  const sent: [string, unknown][] = [];
  const listeners = new Set<(name: unknown, data: unknown) => void>();
  const d: BridgeDeps = {
    methods: METHODS,
    events: API_EVENT_NAMES,
    invoke: async (m, input) => {
      sent.push([m, input]);
      return answer(m, input);
    },
    onEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    getPathForFile: () => '/home/a/Dropped Folder',
  };
  return { d, sent, emit: (name: unknown, data: unknown) => listeners.forEach((l) => l(name, data)), listeners };
}

describe('preload bridge', () => {
  it('mirrors every API method, frozen, with subscribe and getPathForFile and nothing else', () => {
    const bridge = createBridge(deps().d) as unknown as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual([...METHODS, 'subscribe', 'getPathForFile'].sort());
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true);
    expect(bridge.ipcRenderer).toBeUndefined();
  });

  it('resolves with the value of an ok envelope, sending {} for no input', async () => {
    const t = deps(() => ({ ok: true, value: { state: 'PROTECTED' } }));
    const bridge = createBridge(t.d);
    await expect(bridge['status.get']({})).resolves.toEqual({ state: 'PROTECTED' });
    await (bridge['jobs.resume'] as (i?: unknown) => Promise<unknown>)();
    expect(t.sent).toEqual([
      ['status.get', {}],
      ['jobs.resume', {}],
    ]);
  });

  it('rejects with a { name, code, message, data } record that survives the context bridge', async () => {
    const t = deps(() => ({ ok: false, error: { code: 'WRONG_PASSWORD', message: 'the passphrase does not open this vault', data: { vault: 'usb' } } }));
    const err = await createBridge(t.d)['vaults.list']({}).catch((e: unknown) => e);
    expect(err).toEqual({ name: 'DeskVaultError', code: 'WRONG_PASSWORD', message: 'the passphrase does not open this vault', data: { vault: 'usb' } });
    // a plain object: structured-cloneable whole (an Error would lose code and data)
    expect(structuredClone(err)).toEqual(err);
    const broken = deps(() => {
      throw new Error("No handler registered for 'deskvault:call:vaults.list'");
    });
    await expect(createBridge(broken.d)['vaults.list']({})).rejects.toEqual({ name: 'DeskVaultError', code: 'INTERNAL', message: "No handler registered for 'deskvault:call:vaults.list'", data: {} });
    await expect(createBridge(deps(() => 'garbage').d)['vaults.list']({})).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('delivers known events to subscribers until they unsubscribe; a throwing listener harms no one', () => {
    const t = deps();
    const bridge = createBridge(t.d);
    const got: unknown[] = [];
    const off = bridge.subscribe((name, data) => got.push([name, data]));
    bridge.subscribe(() => {
      throw new Error('page bug');
    });
    t.emit('job', { id: 'j1' });
    t.emit('not-an-event', {});
    t.emit(42, {});
    off();
    off();
    t.emit('status', { state: 'PAUSED' });
    expect(got).toEqual([['job', { id: 'j1' }]]);
    expect(t.listeners.size).toBe(1);
    expect(() => bridge.subscribe('nope' as never)).toThrow(TypeError);
  });

  it('gives dropped files their real path', () => {
    expect(createBridge(deps().d).getPathForFile({} as File)).toBe('/home/a/Dropped Folder');
  });
});

describe('the preload bundle (dist/preload/preload.cjs)', () => {
  let source: string;

  beforeAll(() => {
    const out = makeTempDir('dv-preload-');
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build-preload.mjs'), `--out=${out}`], { cwd: root, stdio: 'pipe' });
    source = readFileSync(path.join(out, 'preload.cjs'), 'utf8');
  });
  afterAll(() => removeTempDirs());

  it('is one CommonJS file that requires only electron', () => {
    const required = [...source.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(source).not.toMatch(/\bimport\s*[({]|\bexport\s/);
    expect(source).not.toContain('zod');
  });

  it('exposes window.deskvault through contextBridge, invoking one channel per method', async () => {
    const exposed: Record<string, unknown> = {};
    const invoked: [string, unknown][] = [];
    const handlers = new Map<string, Set<(...a: unknown[]) => void>>();
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
      ipcRenderer: {
        invoke: async (channel: string, input: unknown) => {
          invoked.push([channel, input]);
          return channel === channelFor('status.get') ? { ok: true, value: { state: 'PROTECTED' } } : { ok: false, error: { code: 'NOT_FOUND', message: 'no such plan', data: { plan: 'x' } } };
        },
        on: (ch: string, h: (...a: unknown[]) => void) => void (handlers.get(ch) ?? handlers.set(ch, new Set()).get(ch)!).add(h),
        removeListener: (ch: string, h: (...a: unknown[]) => void) => void handlers.get(ch)?.delete(h),
      },
      webUtils: { getPathForFile: () => '/dropped' },
    };
    const requireStub = (id: string) => {
      if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
      return electron;
    };
    const module = { exports: {} };
    vm.runInNewContext(`(function (require, module, exports) {${source}\n})`, {})(requireStub, module, module.exports);

    const api = exposed.deskvault as Record<string, (input?: unknown) => Promise<unknown>> & { subscribe: (l: (n: string, d: unknown) => void) => () => void };
    expect(Object.keys(exposed)).toEqual(['deskvault']);
    expect(Object.keys(api).sort()).toEqual([...METHODS, 'subscribe', 'getPathForFile'].sort());
    expect(Object.isFrozen(api)).toBe(true);

    await expect(api['status.get']({})).resolves.toEqual({ state: 'PROTECTED' });
    await expect(api['plans.get']({ name: 'x' })).rejects.toEqual({ name: 'DeskVaultError', code: 'NOT_FOUND', message: 'no such plan', data: { plan: 'x' } });
    expect(invoked).toEqual([
      ['deskvault:call:status.get', {}],
      ['deskvault:call:plans.get', { name: 'x' }],
    ]);

    const got: unknown[] = [];
    const off = api.subscribe((n, d) => got.push([n, d]));
    for (const h of handlers.get(IPC_EVENT_CHANNEL) ?? []) h({}, 'job', { id: 'j1' });
    off();
    expect(handlers.get(IPC_EVENT_CHANNEL)?.size).toBe(0);
    expect(got).toEqual([['job', { id: 'j1' }]]);
    expect((api.getPathForFile as unknown as (f: unknown) => string)({})).toBe('/dropped');
  });
});
