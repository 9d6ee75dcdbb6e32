/**
 * The packaging layout check: electron-builder packs the app for Linux (`--linux dir`) with a
 * stand-in Electron distribution (a dummy executable and the files electron-builder reads: version,
 * LICENSE, LICENSES.chromium.html), no native rebuild, into a temporary folder — offline, in
 * seconds. Then app.asar is read back: it must hold what the app loads at run time (the compiled
 * main process, service host and service, the one-file preload, the built UI when there is one,
 * the icons, package.json with its "main", the runtime dependencies) and nothing from tests,
 * benches, scripts, sources, source maps or type-check outputs. Needs `npm run build` first
 * (`npm test` does it).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as { listPackage(archive: string, opts: object): string[]; extractFile(archive: string, file: string): Buffer };
const ELECTRON_VERSION = (require('electron/package.json') as { version: string }).version;

const BUILT = ['dist/main/electron/main.js', 'dist/main/electron/service-host.js', 'dist/preload/preload.cjs'];

describe('packaging layout (electron-builder --linux dir, stand-in Electron)', () => {
  let files: string[];
  let archive: string;
  let unpacked: string;

  beforeAll(async () => {
    const missing = BUILT.filter((f) => !existsSync(path.join(root, f)));
    if (missing.length > 0) throw new Error(`not built: ${missing.join(', ')} — run \`npm run build\` first`);
    const tmp = makeTempDir('dv-pack-');
    const dist = path.join(tmp, 'electron-dist');
    mkdirSync(dist);
    writeFileSync(path.join(dist, 'electron'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    writeFileSync(path.join(dist, 'version'), ELECTRON_VERSION);
    writeFileSync(path.join(dist, 'LICENSE'), 'stand-in\n');
    writeFileSync(path.join(dist, 'LICENSES.chromium.html'), '<p>stand-in</p>\n');
    const out = path.join(tmp, 'out');
    const cli = path.join(root, 'node_modules', 'electron-builder', 'cli.js');
    await promisify(execFile)(process.execPath, [cli, '--linux', 'dir', `-c.electronDist=${dist}`, '-c.npmRebuild=false', `-c.directories.output=${out}`], {
      cwd: root,
      env: { ...process.env, CI: 'true' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 110_000,
    });
    const resources = path.join(out, 'linux-unpacked', 'resources');
    archive = path.join(resources, 'app.asar');
    unpacked = path.join(resources, 'app.asar.unpacked');
    files = asar.listPackage(archive, { isPack: false }).map((f) => f.split(path.sep).join('/'));
  }, 120_000);
  afterAll(() => removeTempDirs());

  it('holds the compiled main process, service host, service and the one-file preload', () => {
    for (const f of ['/package.json', '/dist/main/electron/main.js', '/dist/main/electron/service-host.js', '/dist/main/electron/service-host-runtime.js', '/dist/main/service/index.js', '/dist/main/core/api.js', '/dist/main/engine/index.js', '/dist/preload/preload.cjs']) {
      expect(files, f).toContain(f);
    }
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/electron/main.js');
    expect(files).toContain(`/${pkg.main}`);
  });

  it('holds the icons for every tray state and the app icon', () => {
    for (const state of ['protected', 'backing-up', 'attention', 'error', 'paused']) {
      for (const theme of ['light', 'dark']) {
        expect(files).toContain(`/assets/tray/tray-${state}-${theme}.png`);
        expect(files).toContain(`/assets/tray/tray-${state}-${theme}@2x.png`);
      }
    }
    expect(files).toContain('/assets/icon.png');
  });

  it('holds the built UI when there is one', () => {
    if (existsSync(path.join(root, 'renderer', 'dist', 'index.html'))) expect(files).toContain('/renderer/dist/index.html');
    expect(files.filter((f) => f.startsWith('/renderer/') && !f.startsWith('/renderer/dist'))).toEqual([]);
  });

  it('holds the runtime dependencies, not the development ones', () => {
    for (const dep of ['zod', 'electron-log', '@napi-rs/keyring']) expect(files, dep).toContain(`/node_modules/${dep}/package.json`);
    for (const dev of ['electron', 'electron-builder', 'vitest', 'vite', 'typescript', 'playwright-core']) expect(files, dev).not.toContain(`/node_modules/${dev}/package.json`);
    // native modules load from outside the archive
    const natives = readdirSync(unpacked, { recursive: true }).map(String).filter((f) => f.endsWith('.node'));
    expect(natives.length).toBeGreaterThan(0);
  });

  it('has nothing from tests, benches, scripts, sources, maps or type-check outputs', () => {
    const own = files.filter((f) => !f.startsWith('/node_modules/'));
    const bad = own.filter((f) => /^\/(test|bench|scripts|docs|main|preload)(\/|$)|^\/dist\/\.|\.map$|\.d\.ts$|\.tsbuildinfo$|\.ts$/.test(f));
    expect(bad).toEqual([]);
    expect(files.filter((f) => /^\/node_modules\/[^/]+\/(test|tests|__tests__)\/.*\.test\.ts$/.test(f))).toEqual([]);
  });
});
