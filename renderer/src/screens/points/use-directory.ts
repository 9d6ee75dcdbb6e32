/**
 * One directory of a recovery point, loaded in pages of PAGE_SIZE entries as they near the view
 * (`points.browse` with offset/limit). The first page alone decides the first render, so a folder
 * of 100,000 entries shows as fast as one of 100; `total` sizes the scroll area from the start.
 * Pages are cached for the current directory only; a new directory starts afresh and drops answers
 * that arrive for the old one.
 */
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import type { BrowseEntry } from '../../../../main/core/api.js';
import { toApiError, type ApiError } from '../../api/index.js';
import { useClient } from '../../app/client-context.js';

/**
 * Entries per `points.browse` call. A call has a fixed cost in the service (it was ~40–60 ms on a
 * vault of 1,000 points when each call listed every point; it now reads the one manifest) and
 * scrolling a long folder fast on a small machine shares the cores with it, so pages are as large
 * as the API's default; 1,000 entries are ~140 kB of JSON, parsed in a few ms.
 */
export const PAGE_SIZE = 1000;

export interface Directory {
  total: number | null;
  error: ApiError | null;
  entryAt: (index: number) => BrowseEntry | undefined;
  /** Loads the pages covering [start, end] that are not loaded yet. */
  ensure: (start: number, end: number) => void;
}

export function useDirectory(vault: string, point: string, path: string): Directory {
  const client = useClient();
  const key = `${vault}\0${point}\0${path}`;
  const pages = useRef(new Map<number, BrowseEntry[]>());
  const inflight = useRef(new Set<number>());
  const current = useRef(key);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [, setVersion] = useState(0);

  const load = useCallback(
    (page: number) => {
      if (pages.current.has(page) || inflight.current.has(page)) return;
      inflight.current.add(page);
      const mine = current.current;
      client.call('points.browse', { vault, point, path, offset: page * PAGE_SIZE, limit: PAGE_SIZE }).then(
        (r) => {
          if (mine !== current.current) return;
          inflight.current.delete(page);
          pages.current.set(page, r.entries);
          // A page arriving while the list scrolls must not take a frame from the scrolling: its
          // render is a transition, which React interrupts for the scroll's own (urgent) renders.
          startTransition(() => {
            setTotal(r.total);
            setVersion((v) => v + 1);
          });
        },
        (err: unknown) => {
          if (mine !== current.current) return;
          inflight.current.delete(page);
          setError(toApiError(err));
        },
      );
    },
    [client, vault, point, path],
  );

  useEffect(() => {
    current.current = key;
    pages.current = new Map();
    inflight.current = new Set();
    setTotal(null);
    setError(null);
    load(0);
  }, [key, load]);

  const ensure = useCallback(
    (start: number, end: number) => {
      for (let p = Math.floor(Math.max(0, start) / PAGE_SIZE); p <= Math.floor(Math.max(0, end) / PAGE_SIZE); p++) load(p);
    },
    [load],
  );
  const entryAt = useCallback((i: number) => pages.current.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE], []);
  return { total, error, entryAt, ensure };
}
