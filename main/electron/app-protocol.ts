/**
 * The built UI served on `app://deskvault/…` (a privileged standard scheme, so the page has a real
 * origin for 'self' in the CSP and for the IPC sender check — `file://` pages share the origin
 * "null" with every other file). GET/HEAD only; `/` is index.html; a path is decoded once and
 * refused with NUL, backslash, empty, `.` or `..` segments; the real path (symlinks followed) must
 * lie inside the real UI folder (main/service/ui-files.ts, shared with the headless server). Every
 * answer carries the CSP and nosniff.
 */
import { realUiFolder, resolveUiFile } from '../service/ui-files.js';
import { CONTENT_SECURITY_POLICY, isAppUrl } from './security-policy.js';

export function securityHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}

export type AppResource = { kind: 'file'; path: string; contentType: string } | { kind: 'placeholder' } | { kind: 'not-found' } | { kind: 'refused'; status: 403 | 405 };

/** What a request to the app scheme answers. `rendererDir` need not exist yet (placeholder page). */
export async function resolveAppResource(rendererDir: string, method: string, url: string): Promise<AppResource> {
  if (!isAppUrl(url)) return { kind: 'refused', status: 403 };
  if (method !== 'GET' && method !== 'HEAD') return { kind: 'refused', status: 405 };
  const pathname = new URL(url).pathname || '/';
  const root = await realUiFolder(rendererDir);
  if (root === null) return pathname === '/' || pathname === '/index.html' ? { kind: 'placeholder' } : { kind: 'not-found' };
  const file = await resolveUiFile(root, pathname);
  return file ? { kind: 'file', path: file.path, contentType: file.contentType } : { kind: 'not-found' };
}

/** Shown while renderer/dist has not been built: says how to build it. Self-contained (no scripts). */
export const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DeskVault</title></head>
<body><h1>DeskVault</h1><p>The user interface has not been built yet. Run <code>npm run build</code> in the project folder and reopen the window.</p>
<p>Backups keep running in the background; the tray menu works meanwhile.</p></body></html>`;
