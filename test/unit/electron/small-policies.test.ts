import { describe, expect, it } from 'vitest';
import { redact, redactString } from '../../../main/electron/log-redaction.js';
import { autostartEntry, autostartFile, HIDDEN_FLAG, loginItemStrategy, startedHidden } from '../../../main/electron/login-item.js';
import { MAX_RESTARTS, restartDelay, WINDOW_MS } from '../../../main/electron/restart-policy.js';
import { SleepGuard } from '../../../main/electron/sleep-guard.js';

function blocker() {
  const log: string[] = [];
  let next = 1;
  return {
    log,
    start: () => {
      log.push(`start ${next}`);
      return next++;
    },
    stop: (id: number) => void log.push(`stop ${id}`),
  };
}

describe('sleep guard', () => {
  it('blocks sleep from the first running backup or restore to the end of the last', () => {
    const b = blocker();
    const g = new SleepGuard(b);
    g.onJob({ id: 'a', kind: 'BACKUP', state: 'RUNNING' });
    g.onJob({ id: 'b', kind: 'RESTORE', state: 'RUNNING' });
    g.onJob({ id: 'a', kind: 'BACKUP', state: 'RUNNING' });
    expect(g.blocking).toBe(true);
    g.onJob({ id: 'a', kind: 'BACKUP', state: 'COMPLETED' });
    expect(b.log).toEqual(['start 1']);
    g.onJob({ id: 'b', kind: 'RESTORE', state: 'FAILED' });
    expect(b.log).toEqual(['start 1', 'stop 1']);
    expect(g.blocking).toBe(false);
    g.onJob({ id: 'c', kind: 'COPY', state: 'RUNNING' });
    g.onJob({ id: 'c', kind: 'COPY', state: 'ABORTED' });
    expect(b.log).toEqual(['start 1', 'stop 1', 'start 2', 'stop 2']);
  });

  it('ignores jobs that do not need the machine awake, and releases on dispose', () => {
    const b = blocker();
    const g = new SleepGuard(b);
    g.onJob({ id: 'x', kind: 'CHECK', state: 'RUNNING' });
    g.onJob({ id: 'y', kind: 'BACKUP', state: 'CREATED' });
    expect(b.log).toEqual([]);
    g.onJob({ id: 'z', kind: 'BACKUP', state: 'PENDING' });
    g.dispose();
    expect(b.log).toEqual(['start 1', 'stop 1']);
  });
});

describe('log redaction', () => {
  it('replaces values under secret-looking keys, however deep', () => {
    const input = { method: 'vaults.add', input: { name: 'usb', keyProvider: 'passphrase', passphrase: 'correct horse', nested: [{ token: 'abc', plain: 'ok' }] }, recoveryCode: 'AB' };
    expect(redact(input)).toEqual({ method: 'vaults.add', input: { name: 'usb', keyProvider: 'passphrase', passphrase: '[redacted]', nested: [{ token: '[redacted]', plain: 'ok' }] }, recoveryCode: '[redacted]' });
    expect(input.input.passphrase).toBe('correct horse');
  });

  it('scrubs secrets out of message text', () => {
    expect(redactString('GET http://127.0.0.1:4000/?token=s3cr3t&x=1')).toBe('GET http://127.0.0.1:4000/?token=[redacted]&x=1');
    expect(redactString('{"name":"usb","passphrase":"hunter2 \\"quoted\\""}')).toBe('{"name":"usb","passphrase":"[redacted]"}');
    expect(redactString('Authorization: Bearer eyJhbGciOi.x.y')).toBe('Authorization: Bearer [redacted]');
    expect(redactString('your code is ABCDE-12345-FGHIJ-67890-KLMNO')).toBe('your code is [redacted recovery code]');
    expect(redactString('backup of /home/a/docs finished: 12 files')).toBe('backup of /home/a/docs finished: 12 files');
  });

  it('survives cycles and keeps errors as errors', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redact(a)).toEqual({ name: 'a', self: '[…]' });
    const e = redact(new Error('open failed: password=x')) as Error;
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe('open failed: password=[redacted]');
  });
});

describe('launch at login', () => {
  it('uses Electron on macOS and Windows, an XDG autostart entry elsewhere', () => {
    expect([loginItemStrategy('darwin'), loginItemStrategy('win32'), loginItemStrategy('linux'), loginItemStrategy('freebsd')]).toEqual(['electron', 'electron', 'xdg-autostart', 'xdg-autostart']);
    expect(autostartFile({}, '/home/a')).toBe('/home/a/.config/autostart/deskvault.desktop');
    expect(autostartFile({ XDG_CONFIG_HOME: '/cfg' }, '/home/a')).toBe('/cfg/autostart/deskvault.desktop');
  });

  it('writes an autostart entry that starts the app hidden, quoting paths with spaces', () => {
    const entry = autostartEntry('/opt/Desk Vault/deskvault-app', [HIDDEN_FLAG]);
    expect(entry).toContain('Exec="/opt/Desk Vault/deskvault-app" --hidden\n');
    expect(entry.startsWith('[Desktop Entry]\nType=Application\nName=DeskVault\n')).toBe(true);
    expect(autostartEntry('/a/100%.AppImage', [])).toContain('Exec=/a/100%%.AppImage\n');
  });

  it('opens in the tray only when started at login', () => {
    expect(startedHidden(['/usr/bin/deskvault-app', '--hidden'])).toBe(true);
    expect(startedHidden(['/usr/bin/deskvault-app'])).toBe(false);
    expect(startedHidden(['/usr/bin/deskvault-app'], true)).toBe(true);
  });
});

describe('service host restart policy', () => {
  it('restarts with a growing delay, then gives up on a host that keeps dying', () => {
    const now = 10 * WINDOW_MS;
    expect(restartDelay([now], now)).toBe(1000);
    expect(restartDelay([now - 2000, now], now)).toBe(2000);
    expect(restartDelay([now - 3000, now - 2000, now], now)).toBe(4000);
    expect(restartDelay(Array.from({ length: MAX_RESTARTS + 1 }, (_, i) => now - i), now)).toBeNull();
    // exits long ago do not count
    expect(restartDelay([now - 2 * WINDOW_MS, now - WINDOW_MS - 1, now], now)).toBe(1000);
  });
});
