#!/usr/bin/env node
// Bundles the preload (preload/preload.ts + bridge.ts) into one CommonJS file,
// dist/preload/preload.cjs: a sandboxed preload cannot load modules, so its only `require` may be
// 'electron'. The API's method and event names are put in at build time from the compiled method
// table (dist/main/core/api.js, built by `tsc -b` first), so the preload carries no schema library.
// The build fails if the bundle requires anything else.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { API_METHODS, API_EVENT_NAMES } = await import(pathToFileURL(path.join(root, 'dist', 'main', 'core', 'api.js')).href);
// --out=<dir>: build elsewhere (the preload test builds into a temporary folder).
const outArg = process.argv.find((a) => a.startsWith('--out='));
const outDir = outArg ? path.resolve(outArg.slice('--out='.length)) : path.join(root, 'dist', 'preload');

await build({
  configFile: false,
  root,
  logLevel: 'warn',
  define: {
    __DESKVAULT_API_METHODS__: JSON.stringify(Object.keys(API_METHODS)),
    __DESKVAULT_API_EVENTS__: JSON.stringify(API_EVENT_NAMES),
  },
  build: {
    outDir,
    emptyOutDir: true,
    minify: false,
    sourcemap: false,
    copyPublicDir: false,
    target: 'es2022',
    lib: { entry: path.join(root, 'preload', 'preload.ts'), formats: ['cjs'], fileName: () => 'preload.cjs' },
    rollupOptions: { external: ['electron'] },
  },
});

const bundle = readFileSync(path.join(outDir, 'preload.cjs'), 'utf8');
const required = [...bundle.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
const foreign = required.filter((r) => r !== 'electron');
if (foreign.length > 0 || /\bimport\s*\(/.test(bundle)) {
  process.stderr.write(`build-preload: the bundle must require only 'electron', found: ${foreign.join(', ') || 'a dynamic import'}\n`);
  process.exit(1);
}
process.stdout.write(`build-preload: ${path.relative(root, path.join(outDir, 'preload.cjs'))} (${Object.keys(API_METHODS).length} methods, ${bundle.length} bytes)\n`);
