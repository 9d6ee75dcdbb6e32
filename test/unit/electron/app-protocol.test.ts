import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAppResource, securityHeaders } from '../../../main/electron/app-protocol.js';
import { CONTENT_SECURITY_POLICY } from '../../../main/electron/security-policy.js';
import { makeTempDir, removeTempDirs } from '../../helpers/files.js';

describe('app:// protocol', () => {
  let ui: string;
  let outside: string;

  beforeAll(() => {
    const base = makeTempDir('dv-app-proto-');
    ui = path.join(base, 'dist');
    outside = path.join(base, 'secret.txt');
    mkdirSync(path.join(ui, 'assets'), { recursive: true });
    writeFileSync(path.join(ui, 'index.html'), '<!doctype html>');
    writeFileSync(path.join(ui, 'assets', 'app-1.js'), 'console.log(1)');
    writeFileSync(outside, 'secret');
    symlinkSync(outside, path.join(ui, 'assets', 'link.js'));
  });
  afterAll(() => removeTempDirs());

  it('serves index.html for / and files by path, with their types', async () => {
    expect(await resolveAppResource(ui, 'GET', 'app://deskvault/')).toEqual({ kind: 'file', path: path.join(ui, 'index.html'), contentType: 'text/html; charset=utf-8' });
    expect(await resolveAppResource(ui, 'GET', 'app://deskvault/index.html#/restore')).toMatchObject({ kind: 'file', path: path.join(ui, 'index.html') });
    expect(await resolveAppResource(ui, 'HEAD', 'app://deskvault/assets/app-1.js?v=1')).toMatchObject({ kind: 'file', contentType: 'text/javascript; charset=utf-8' });
    expect(await resolveAppResource(ui, 'GET', 'app://deskvault/assets/')).toEqual({ kind: 'not-found' });
    expect(await resolveAppResource(ui, 'GET', 'app://deskvault/missing.js')).toEqual({ kind: 'not-found' });
  });

  it('never answers a file outside the UI folder', async () => {
    for (const url of ['app://deskvault/../secret.txt', 'app://deskvault/%2e%2e/secret.txt', 'app://deskvault/assets%2f..%2f..%2fsecret.txt', 'app://deskvault/assets/link.js', 'app://deskvault/a%5c..%5csecret.txt', 'app://deskvault/%00']) {
      expect(await resolveAppResource(ui, 'GET', url), url).toEqual({ kind: 'not-found' });
    }
  });

  it('refuses other origins and methods', async () => {
    expect(await resolveAppResource(ui, 'GET', 'app://other/index.html')).toEqual({ kind: 'refused', status: 403 });
    expect(await resolveAppResource(ui, 'POST', 'app://deskvault/index.html')).toEqual({ kind: 'refused', status: 405 });
  });

  it('answers a placeholder page until the UI is built', async () => {
    expect(await resolveAppResource(path.join(ui, 'nope'), 'GET', 'app://deskvault/')).toEqual({ kind: 'placeholder' });
    expect(await resolveAppResource(path.join(ui, 'nope'), 'GET', 'app://deskvault/x.js')).toEqual({ kind: 'not-found' });
  });

  it('puts the CSP and nosniff on every answer', () => {
    expect(securityHeaders('text/html')).toMatchObject({ 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' });
  });
});
