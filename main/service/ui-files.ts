/**
 * The built UI's files, for the two edges that serve them (the loopback server over HTTP and the
 * Electron `app://` protocol): one containment rule so neither can be talked into reading a file
 * outside the UI folder. A request path is decoded once and refused if it has a NUL, a backslash,
 * or an empty, `.` or `..` segment; the resolved file's real path (symlinks followed) must lie
 * inside the UI folder's real path; a folder answers its `index.html`.
 */
import { realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';

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

export function contentTypeOf(file: string): string {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The real path of the UI folder, or null while it does not exist (not built yet). */
export async function realUiFolder(dir: string): Promise<string | null> {
  try {
    const real = await realpath(dir);
    return (await stat(real)).isDirectory() ? real : null;
  } catch {
    return null;
  }
}

/** The file a raw URL pathname names inside `root` (a real path), or null (→ 404). */
export async function resolveUiFile(root: string, pathname: string): Promise<{ path: string; size: number; contentType: string } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname || '/');
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').slice(1);
  if (segments.at(-1) === '') segments.pop();
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return null;
  try {
    let real = await realpath(path.join(root, ...segments));
    let info = await stat(real);
    if (info.isDirectory()) {
      real = await realpath(path.join(real, 'index.html'));
      info = await stat(real);
    }
    if (!info.isFile() || (real !== root && !real.startsWith(root.endsWith(path.sep) ? root : root + path.sep))) return null;
    return { path: real, size: info.size, contentType: contentTypeOf(real) };
  } catch {
    return null;
  }
}
