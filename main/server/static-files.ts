/**
 * The built UI, served from `staticDir` (GET/HEAD only; the request guard has already checked the
 * token). `/` and any directory answer their `index.html`.
 *
 * Containment: a request path is decoded once; it is refused if it has a NUL, a backslash, an empty
 * or `.`/`..` segment; the resolved file's *real* path (symlinks followed) must still lie inside the
 * real `staticDir`. So neither `..`, encoded `%2e%2e`, nor a symlink in the build output reaches a
 * file outside it. There is no single-page-app fallback: unknown paths are 404 (the UI routes in
 * the URL hash).
 *
 * `staticDir` is looked up per request, so a UI built while the server runs is served without a
 * restart; while it does not exist, `/` answers a placeholder page listing the API.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { extname, join, sep } from 'node:path';
import type { Context } from 'hono';
import { API_EVENT_NAMES, API_METHODS } from '../core/api.js';
import { escapeHtml } from './escape-html.js';

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

/** Answers a static file or the placeholder page, or `null` when nothing is there (→ 404). */
export async function serveStaticFile(c: Context, staticDir: string | undefined): Promise<Response | null> {
  const root = staticDir === undefined ? null : await realDirectory(staticDir);
  if (root === null) return c.req.path === '/' ? placeholderPage(c) : null;

  // The raw pathname, decoded exactly once here (c.req.path may already be partly decoded).
  const segments = requestSegments(new URL(c.req.url).pathname);
  if (segments === null) return null;
  const file = await containedFile(root, join(root, ...segments));
  if (file === null) return null;

  const headers = { 'Content-Type': MIME_TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': String(file.size) };
  if (c.req.method === 'HEAD') return c.body(null, 200, headers);
  const body = Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>;
  return c.body(body, 200, headers);
}

async function realDirectory(dir: string): Promise<string | null> {
  try {
    const real = await realpath(dir);
    return (await stat(real)).isDirectory() ? real : null;
  } catch {
    return null;
  }
}

function requestSegments(path: string): string[] | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').slice(1);
  if (segments.at(-1) === '') segments.pop();
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return null;
  return segments;
}

async function containedFile(root: string, candidate: string): Promise<{ path: string; size: number } | null> {
  try {
    let path = await realpath(candidate);
    let info = await stat(path);
    if (info.isDirectory()) {
      path = await realpath(join(path, 'index.html'));
      info = await stat(path);
    }
    if (!info.isFile() || !path.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
    return { path, size: info.size };
  } catch {
    return null;
  }
}

function placeholderPage(c: Context): Response {
  const methods = Object.entries(API_METHODS)
    .map(([name, m]) => `<li><code>POST /api/${escapeHtml(name)}</code> — ${escapeHtml(m.summary)}</li>`)
    .join('\n');
  c.header('Cache-Control', 'no-store');
  return c.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DeskVault</title></head>
<body>
<h1>DeskVault</h1>
<p>The user interface is not built yet. The API is available:</p>
<ul>
<li><code>GET /api/health</code> — liveness</li>
<li><code>GET /api/events</code> — Server-Sent Events: ${escapeHtml(API_EVENT_NAMES.join(', '))}</li>
${methods}
</ul>
</body></html>
`);
}
