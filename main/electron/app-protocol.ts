/**
 * The built UI served on `app://deskvault/…` (a privileged standard scheme, so the page has a real
 * origin for 'self' in the CSP and for the IPC sender check — `file://` pages share the origin
 * "null" with every other file). GET/HEAD only; `/` is index.html; a path is decoded once and
 * refused with NUL, backslash, empty, `.` or `..` segments; the real path (symlinks followed) must
 * lie inside the real UI folder. Every answer carries the CSP and nosniff. The same containment
 * rules as the headless server's static files (main/server/static-files.ts).
 */
import { realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { CONTENT_SECURITY_POLICY, isAppUrl } from './security-policy.js';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

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

function requestSegments(pathname: string): string[] | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').slice(1);
  if (segments.at(-1) === '') segments.pop();
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return null;
  return segments;
}

async function realDir(dir: string): Promise<string | null> {
  try {
    const real = await realpath(dir);
    return (await stat(real)).isDirectory() ? real : null;
  } catch {
    return null;
  }
}

/** What a request to the app scheme answers. `rendererDir` need not exist yet (placeholder page). */
export async function resolveAppResource(rendererDir: string, method: string, url: string): Promise<AppResource> {
  if (!isAppUrl(url)) return { kind: 'refused', status: 403 };
  if (method !== 'GET' && method !== 'HEAD') return { kind: 'refused', status: 405 };
  const pathname = new URL(url).pathname || '/';
  const root = await realDir(rendererDir);
  if (root === null) return pathname === '/' || pathname === '/index.html' ? { kind: 'placeholder' } : { kind: 'not-found' };
  const segments = requestSegments(pathname);
  if (segments === null) return { kind: 'not-found' };
  let candidate = path.join(root, ...segments);
  try {
    let real = await realpath(candidate);
    if ((await stat(real)).isDirectory()) {
      candidate = path.join(real, 'index.html');
      real = await realpath(candidate);
    }
    if (real !== root && !real.startsWith(root + path.sep)) return { kind: 'not-found' };
    if (!(await stat(real)).isFile()) return { kind: 'not-found' };
    return { kind: 'file', path: real, contentType: MIME_TYPES[path.extname(real).toLowerCase()] ?? 'application/octet-stream' };
  } catch {
    return { kind: 'not-found' };
  }
}

/** Shown while renderer/dist has not been built: says how to build it. Self-contained (no scripts). */
export const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DeskVault</title></head>
<body><h1>DeskVault</h1><p>The user interface has not been built yet. Run <code>npm run build</code> in the project folder and reopen the window.</p>
<p>Backups keep running in the background; the tray menu works meanwhile.</p></body></html>`;
