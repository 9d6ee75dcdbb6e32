import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY as SERVER_CSP } from '../../../main/server/index.js';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY, isAllowedExternal, isAllowedNavigation, isAppUrl, isTrustedSender } from '../../../main/electron/security-policy.js';

describe('Electron security policy', () => {
  it('serves the UI under the same CSP as the headless server, starting from default-src none', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(SERVER_CSP);
    expect(CONTENT_SECURITY_POLICY.startsWith("default-src 'none'")).toBe(true);
  });

  it('knows the app origin and nothing that merely looks like it', () => {
    expect(APP_ORIGIN).toBe('app://deskvault');
    expect(isAppUrl('app://deskvault/index.html#/restore')).toBe(true);
    expect(isAppUrl('app://deskvault')).toBe(true);
    for (const url of ['app://evil/index.html', 'app://deskvault.evil/x', 'app://user:pw@deskvault/', 'app://deskvault:8080/', 'https://deskvault/', 'file:///index.html', 'not a url', '']) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('lets the window navigate only within the app', () => {
    expect(isAllowedNavigation('app://deskvault/index.html#/jobs/1')).toBe(true);
    expect(isAllowedNavigation('https://example.com/')).toBe(false);
    expect(isAllowedNavigation('file:///etc/passwd')).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)')).toBe(false);
  });

  it('sends only https links with a host and no credentials to the OS', () => {
    expect(isAllowedExternal('https://docs.aws.amazon.com/kms/')).toBe(true);
    for (const url of ['http://example.com/', 'file:///C:/Windows/system32/calc.exe', 'smb://host/share', 'javascript:alert(1)', 'ms-settings:privacy', 'https://user:pw@example.com/', 'https://', 'app://deskvault/']) {
      expect(isAllowedExternal(url), url).toBe(false);
    }
  });

  it('answers IPC only for the app window main frame on the app origin', () => {
    const ok = { isMainFrame: true, isAppWindow: true, url: 'app://deskvault/index.html' };
    expect(isTrustedSender(ok)).toBe(true);
    expect(isTrustedSender({ ...ok, isMainFrame: false })).toBe(false);
    expect(isTrustedSender({ ...ok, isAppWindow: false })).toBe(false);
    expect(isTrustedSender({ ...ok, url: 'https://example.com/' })).toBe(false);
    expect(isTrustedSender({ ...ok, url: '' })).toBe(false);
  });
});
