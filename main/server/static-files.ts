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
import { Readable } from 'node:stream';
import type { Context } from 'hono';
import { API_EVENT_NAMES, API_METHODS } from '../core/api.js';
import { realUiFolder, resolveUiFile } from '../service/index.js';
import { escapeHtml } from './escape-html.js';

/** Answers a static file or the placeholder page, or `null` when nothing is there (→ 404). */
export async function serveStaticFile(c: Context, staticDir: string | undefined): Promise<Response | null> {
  const root = staticDir === undefined ? null : await realUiFolder(staticDir);
  if (root === null) return c.req.path === '/' ? placeholderPage(c) : null;

  // The raw pathname, decoded exactly once there (c.req.path may already be partly decoded).
  const file = await resolveUiFile(root, new URL(c.req.url).pathname);
  if (file === null) return null;

  const headers = { 'Content-Type': file.contentType, 'Content-Length': String(file.size) };
  if (c.req.method === 'HEAD') return c.body(null, 200, headers);
  const body = Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>;
  return c.body(body, 200, headers);
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
