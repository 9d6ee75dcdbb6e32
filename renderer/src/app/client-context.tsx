/**
 * Hands the one client to every screen (React context) and the two hooks screens are built on:
 * `useApi` (call a read method, re-run on demand or when its input changes) and `useServiceEvent`
 * (a live event). Screens never hold the client in module state, so tests pass their own.
 */
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { ApiEventName, ApiEvents, ApiInput, ApiMethod, ApiResult } from '../../../main/core/api.js';
import { toApiError, type ApiError, type DeskVaultClient } from '../api/index.js';

const ClientContext = createContext<DeskVaultClient | null>(null);

export function ClientProvider({ client, children }: { client: DeskVaultClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): DeskVaultClient {
  const c = useContext(ClientContext);
  if (!c) throw new Error('useClient outside <ClientProvider>');
  return c;
}

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  /** Calls again; the previous data stays visible meanwhile (no flicker on live refreshes). */
  reload: () => void;
}

/**
 * Calls `method` with `input` (null = do not call yet). The input is compared by its JSON, so an
 * inline object literal does not cause a call per render. Answers of a stale input are dropped.
 */
export function useApi<M extends ApiMethod>(method: M, input: ApiInput<M> | null): ApiState<ApiResult<M>> {
  const client = useClient();
  const key = input === null ? null : JSON.stringify(input);
  const [state, setState] = useState<{ data?: ApiResult<M>; error: ApiError | null; loading: boolean }>({ error: null, loading: key !== null });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);

  useEffect(() => {
    if (key === null) return;
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    client.call(method, JSON.parse(key) as ApiInput<M>).then(
      (data) => mine === seq.current && setState({ data, error: null, loading: false }),
      (err: unknown) => mine === seq.current && setState((s) => ({ data: s.data, error: toApiError(err), loading: false })),
    );
  }, [client, method, key, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Runs `handler` for every event of this name while the component is mounted. */
export function useServiceEvent<E extends ApiEventName>(name: E, handler: (data: ApiEvents[E]) => void): void {
  const client = useClient();
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(
    () =>
      client.subscribe((n, data) => {
        if ((n as ApiEventName) === name) ref.current(data as unknown as ApiEvents[E]);
      }),
    [client, name],
  );
}

/** A mutation with its pending flag and error, for buttons and forms. */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const ref = useRef(fn);
  ref.current = fn;
  const run = useCallback(async (...args: A): Promise<R | undefined> => {
    setPending(true);
    setError(null);
    try {
      return await ref.current(...args);
    } catch (err) {
      setError(toApiError(err));
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  return { run, pending, error, clearError: () => setError(null) };
}
