/**
 * Routes live in the URL hash (`#/jobs/ID`): the server has no single-page-app fallback and
 * Electron loads a file, so the hash is the one address both serve. `useRoute` re-renders on change.
 */
import { useEffect, useState } from 'react';

export const SCREENS = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'folders', label: 'Folders' },
  { id: 'plans', label: 'Plans' },
  { id: 'jobs', label: 'Jobs' },
  { id: 'points', label: 'Recovery points' },
  { id: 'settings', label: 'Settings' },
] as const;
export type ScreenId = (typeof SCREENS)[number]['id'];

export interface Route {
  screen: ScreenId;
  /** What follows the screen in the hash, decoded (a job id, a plan name …); '' if none. */
  param: string;
}

export function parseHash(hash: string): Route {
  const [, screen = '', ...rest] = hash.replace(/^#/, '').split('/');
  const known = SCREENS.find((s) => s.id === screen);
  let param = '';
  try {
    param = decodeURIComponent(rest.join('/'));
  } catch {
    param = '';
  }
  return known ? { screen: known.id, param } : { screen: 'dashboard', param: '' };
}

export function hrefFor(screen: ScreenId, param = ''): string {
  return `#/${screen}${param ? `/${encodeURIComponent(param)}` : ''}`;
}

export function navigate(screen: ScreenId, param = ''): void {
  window.location.hash = hrefFor(screen, param);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
