/**
 * What the Electron edge lets in and out, as pure predicates (the glue in main.ts only wires them):
 * the app's own origin (a privileged custom scheme serving renderer/dist), which frames may call
 * IPC, where the window may navigate, what may go to `shell.openExternal`, and the CSP every app
 * response carries — the headless server's policy, word for word, so the UI runs under the same
 * rules in both hosts (a unit test holds the two equal).
 */

/** The privileged, standard scheme the UI is served from: `app://deskvault/index.html`. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'deskvault';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True for a URL of the app's own origin. WHATWG URL gives non-special schemes the origin "null",
 * so scheme and host are compared instead; credentials and ports never belong to it.
 */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  return u !== null && u.protocol === `${APP_SCHEME}:` && u.hostname === APP_HOST && u.port === '' && u.username === '' && u.password === '';
}

/** The window may only move within the app (hash routes, reloads); everything else is refused. */
export function isAllowedNavigation(url: string): boolean {
  return isAppUrl(url);
}

/**
 * Only `https:` links with a host and no credentials go to the OS (`shell.openExternal`): never
 * `file:`, `smb:`, custom protocol handlers or `javascript:`, which would run or open local things.
 */
export function isAllowedExternal(url: string): boolean {
  const u = parse(url);
  return u !== null && u.protocol === 'https:' && u.hostname !== '' && u.username === '' && u.password === '';
}

export interface IpcSender {
  /** The frame that sent the message is its WebContents' main frame (not an iframe). */
  isMainFrame: boolean;
  /** The WebContents is the app's own window (not some other webContents). */
  isAppWindow: boolean;
  /** The sending frame's URL. */
  url: string;
}

/** IPC is answered only for the app window's main frame showing the app's own origin. */
export function isTrustedSender(sender: IpcSender): boolean {
  return sender.isMainFrame && sender.isAppWindow && isAppUrl(sender.url);
}
