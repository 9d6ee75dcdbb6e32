#!/usr/bin/env node
// Continuous-mode benchmark: file watchers (@parcel/watcher vs chokidar) on a 100k-file tree, the
// time from a one-file change to its recovery point being durable, and the reconcile scan against
// a restic no-change backup. Plain ESM over dist/ (run `npx tsc -b` first). See bench/README.md.
//
//   node bench/watch.js [--files N] [--repeat R] [--quiet-ms Q] [--only parcel,chokidar,continuous,reconcile] [--keep]
//
// Writes bench/work/watch-results.md and bench/work/watch-results.json.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workDir = path.join(repoRoot, 'bench', 'work');
const PASSWORD = 'bench-password-not-secret';
const PARTS = ['parcel', 'chokidar', 'continuous', 'reconcile'];

// ------------------------------------------------------------------------------------ child mode
// `--child parcel|chokidar TREE`: measures one watcher in a fresh process (so RSS is its own) and
// prints one JSON line: ready time, extra RSS, inotify watches, and one change's event latency.
if (process.argv[2] === '--child') {
  await runChild(process.argv[3], process.argv[4]);
  process.exit(0);
}

function inotifyWatches() {
  // Each inotify fd lists one `inotify wd:` line per watch in /proc/self/fdinfo.
  let n = 0;
  for (const fd of fs.readdirSync('/proc/self/fdinfo')) {
    try {
      n += (fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').match(/^inotify wd:/gm) ?? []).length;
    } catch { /* fd closed meanwhile */ }
  }
  return n;
}

async function settledRss() {
  for (let i = 0; i < 3; i++) { globalThis.gc?.(); await new Promise((r) => setTimeout(r, 200)); }
  return process.memoryUsage().rss;
}

async function runChild(kind, tree) {
  const probe = path.join(tree, 'd000', 's000', 'watch-probe.txt');
  let resolveEvent;
  const got = new Promise((r) => { resolveEvent = r; });
  let error = null;
  const onPath = (p) => { if (p === probe) resolveEvent(performance.now()); };
  let close;
  let t0;
  let rss0;
  if (kind === 'parcel') {
    const parcel = (await import('@parcel/watcher')).default;
    rss0 = await settledRss();
    t0 = performance.now();
    const sub = await parcel.subscribe(tree, (err, events) => {
      if (err) error = String(err.message);
      for (const e of events) onPath(e.path);
    });
    close = () => sub.unsubscribe();
  } else {
    const chokidar = (await import('chokidar')).default;
    rss0 = await settledRss();
    t0 = performance.now();
    const w = chokidar.watch(tree, { ignoreInitial: true });
    w.on('error', (e) => { error = String(e?.message ?? e); });
    w.on('add', onPath).on('change', onPath);
    await new Promise((r) => w.once('ready', r));
    close = () => w.close();
  }
  const readyMs = performance.now() - t0;
  const rss1 = await settledRss();
  const watches = inotifyWatches();
  const tChange = performance.now();
  fs.writeFileSync(probe, String(Date.now()));
  const tEvent = await Promise.race([got, new Promise((r) => setTimeout(() => r(null), 20_000))]);
  await close();
  fs.rmSync(probe, { force: true });
  process.stdout.write(JSON.stringify({ kind, readyMs, extraRssBytes: rss1 - rss0, watches, eventLatencyMs: tEvent === null ? null : tEvent - tChange, error }) + '\n');
}

// ------------------------------------------------------------------------------------ options
function parseArgs(argv) {
  const o = { files: 100_000, repeat: 5, quietMs: 1000, only: [], keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) { process.stderr.write(`bench: ${a} needs a positive integer\n`); process.exit(2); }
      return n;
    };
    if (a === '--files') o.files = num();
    else if (a === '--repeat') o.repeat = num();
    else if (a === '--quiet-ms') o.quietMs = num();
    else if (a === '--keep') o.keep = true;
    else if (a === '--only') {
      for (const p of String(argv[++i] ?? '').split(',').filter(Boolean)) {
        if (!PARTS.includes(p)) { process.stderr.write(`bench: --only: unknown part ${p} (use ${PARTS.join('|')})\n`); process.exit(2); }
        o.only.push(p);
      }
    } else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node bench/watch.js [--files N] [--repeat R] [--quiet-ms Q] [--only parcel,chokidar,continuous,reconcile] [--keep]\n');
      process.exit(0);
    } else { process.stderr.write(`bench: unknown argument ${a}\n`); process.exit(2); }
  }
  o.parts = o.only.length ? o.only : PARTS;
  return o;
}

// ------------------------------------------------------------------------------------ helpers
const log = (...a) => process.stdout.write(a.join(' ') + '\n');
const median = (xs) => { const v = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b); return v.length ? (v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2) : null; };
const fmtS = (ms) => (ms == null ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
const fmtMiB = (b) => (b == null ? 'n/a' : `${(b / 2 ** 20).toFixed(1)} MiB`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function which(cmd) {
  for (const d of (process.env.PATH || '').split(':')) {
    try { fs.accessSync(path.join(d, cmd), fs.constants.X_OK); return path.join(d, cmd); } catch { /* next */ }
  }
  return null;
}

/**
 * A deterministic tree of `files` small files: 10 top folders, 100 files per leaf folder, sizes
 * 200 B – 4 KiB from the file number, bytes from a per-file LCG. Cached with a marker.
 */
function ensureTree(files) {
  const tree = path.join(workDir, `watch-tree-${files}`);
  const marker = path.join(workDir, `watch-tree-${files}.complete`);
  if (fs.existsSync(marker)) return tree;
  fs.rmSync(tree, { recursive: true, force: true });
  const t0 = Date.now();
  for (let i = 0; i < files; i++) {
    const file = treeFile(tree, i);
    if (i % 100 === 0) fs.mkdirSync(path.dirname(file), { recursive: true });
    const size = 200 + ((i * 7919) % 3900);
    const buf = Buffer.allocUnsafe(size);
    let x = (i * 2654435761) >>> 0;
    for (let j = 0; j < size; j++) { x = (Math.imul(x, 1664525) + 1013904223) >>> 0; buf[j] = x >>> 24; }
    fs.writeFileSync(file, buf);
  }
  fs.writeFileSync(marker, new Date().toISOString());
  log(`generated ${files} files in ${tree} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return tree;
}

/** The path of file number `i` of the generated tree. */
function treeFile(tree, i) {
  return path.join(tree, `d${String(Math.floor(i / 10_000)).padStart(3, '0')}`, `s${String(Math.floor(i / 100) % 100).padStart(3, '0')}`, `f${String(i % 100).padStart(2, '0')}.bin`);
}

function runChildWatcher(kind, tree) {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', kind, tree], { cwd: repoRoot, encoding: 'utf8', timeout: 180_000 });
  const line = (r.stdout || '').trim().split('\n').pop();
  try { return JSON.parse(line); } catch { return { kind, error: `child failed (exit ${r.status ?? r.signal}): ${(r.stderr || '').slice(-500)}` }; }
}

async function loadDist() {
  const dist = path.join(repoRoot, 'dist', 'main');
  const engineFile = path.join(dist, 'engine', 'index.js');
  const watchFile = path.join(dist, 'service', 'watch', 'index.js');
  if (!fs.existsSync(engineFile) || !fs.existsSync(watchFile)) throw new Error('dist/ is missing: run `npx tsc -b` first');
  return { engine: await import(pathToFileURL(engineFile).href), watch: await import(pathToFileURL(watchFile).href) };
}

// ------------------------------------------------------------------------------------ main
const opts = parseArgs(process.argv.slice(2));
fs.mkdirSync(workDir, { recursive: true });
const results = { date: new Date().toISOString(), node: process.version, files: opts.files, quietMs: opts.quietMs, maxUserWatches: null, watchers: {}, continuous: null, reconcile: null };
try { results.maxUserWatches = Number(fs.readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8')); } catch { /* not Linux */ }
const tree = ensureTree(opts.files);

for (const kind of ['parcel', 'chokidar']) {
  if (!opts.parts.includes(kind)) continue;
  log(`measuring ${kind}…`);
  results.watchers[kind] = runChildWatcher(kind, tree);
  log(JSON.stringify(results.watchers[kind]));
}

let engine;
let watch;
let vault;
const vaultDir = path.join(workDir, 'watch-vault');
const stateDir = path.join(workDir, 'watch-state');
if (opts.parts.includes('continuous') || opts.parts.includes('reconcile')) {
  ({ engine, watch } = await loadDist());
  fs.rmSync(vaultDir, { recursive: true, force: true });
  fs.rmSync(stateDir, { recursive: true, force: true });
  // Normal settings: the default KDF, chunker and pack size, as `deskvault init` makes them.
  vault = await engine.Vault.init(new engine.LocalStore(vaultDir), { passphrase: PASSWORD });
  const t0 = performance.now();
  const first = await engine.backup(vault, { paths: [tree], neverInclude: [vaultDir, stateDir] });
  results.initialBackupMs = performance.now() - t0;
  log(`initial backup: ${fmtS(results.initialBackupMs)} (${first.point.stats.files} files)`);
}

if (opts.parts.includes('continuous')) {
  log('measuring continuous mode…');
  const runs = [];
  let onRun = null;
  const pw = await watch.startPlanWatch({
    roots: [tree],
    journalFile: path.join(stateDir, 'plan.journal'),
    alwaysExcluded: [vaultDir],
    quietMs: opts.quietMs,
    runBackup: async (pending) => {
      const tStart = performance.now();
      const r = await engine.backup(vault, { paths: [tree], neverInclude: [vaultDir, stateDir], changedPaths: pending.rescan ? undefined : pending.paths });
      const run = { tStart, tDone: performance.now(), rescan: pending.rescan, paths: pending.paths.length, scan: r.scan, newChunks: r.point.stats.newChunks };
      runs.push(run);
      onRun?.(run);
    },
  });
  // The first start has no snapshot: it compares everything (the start-up scan) and writes one.
  await pw.protectNow();
  results.startupScanMs = runs[0] ? runs[0].tDone - runs[0].tStart : null;
  const samples = [];
  for (let i = 0; i < opts.repeat; i++) {
    await sleep(300);
    const file = treeFile(tree, (i * 9973 + 1234) % opts.files);
    const done = new Promise((r) => { onRun = r; });
    const tChange = performance.now();
    fs.appendFileSync(file, `change ${i} ${Date.now()}\n`);
    const run = await Promise.race([done, sleep(60_000).then(() => null)]);
    onRun = null;
    if (!run) { samples.push({ error: 'no backup within 60 s' }); continue; }
    samples.push({ totalMs: run.tDone - tChange, afterQuietMs: run.tDone - tChange - opts.quietMs, backupMs: run.tDone - run.tStart, bytesRead: run.scan.bytesRead, foldersListed: run.scan.foldersListed, entriesChecked: run.scan.entriesChecked, mode: run.scan.mode, paths: run.paths });
  }
  await pw.stop();
  results.continuous = {
    samples,
    medianTotalMs: median(samples.map((s) => s.totalMs)),
    medianAfterQuietMs: median(samples.map((s) => s.afterQuietMs)),
    medianBackupMs: median(samples.map((s) => s.backupMs)),
    medianBytesRead: median(samples.map((s) => s.bytesRead)),
    medianFoldersListed: median(samples.map((s) => s.foldersListed)),
    medianEntriesChecked: median(samples.map((s) => s.entriesChecked)),
  };
  log(JSON.stringify(results.continuous.samples));
}

if (opts.parts.includes('reconcile')) {
  log('measuring the reconcile scan…');
  const times = [];
  let scan = null;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = await engine.backup(vault, { paths: [tree], neverInclude: [vaultDir, stateDir] });
    times.push(performance.now() - t0);
    scan = r.scan;
  }
  results.reconcile = { medianMs: median(times), samples: times, bytesRead: scan.bytesRead, foldersListed: scan.foldersListed, entriesChecked: scan.entriesChecked, restic: null };
  // The same no-change backup through the CLI (process start and key derivation included), for a
  // like-for-like row next to restic's CLI.
  const cli = path.join(repoRoot, 'bin', 'deskvault.js');
  const cliTimes = [];
  for (let i = 0; i < 2 && fs.existsSync(cli); i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, 'backup', '--vault', vaultDir, '--json', tree], { env: { ...process.env, DESKVAULT_PASSWORD: PASSWORD }, encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) { results.reconcile.cliError = (r.stderr || '').slice(0, 2000); break; }
    cliTimes.push(performance.now() - t0);
  }
  results.reconcile.cliMedianMs = median(cliTimes);
  if (which('restic')) {
    const repo = path.join(workDir, 'watch-restic');
    fs.rmSync(repo, { recursive: true, force: true });
    const env = { ...process.env, RESTIC_PASSWORD: PASSWORD, RESTIC_CACHE_DIR: path.join(workDir, 'watch-restic-cache') };
    const restic = (args) => {
      const t0 = performance.now();
      const r = spawnSync('restic', ['-r', repo, ...args], { env, encoding: 'utf8', timeout: 600_000 });
      if (r.status !== 0 && r.status !== 3) throw new Error(`restic ${args.join(' ')}: exit ${r.status}: ${(r.stderr || '').slice(-300)}`);
      return performance.now() - t0;
    };
    restic(['init']);
    const initial = restic(['backup', tree]);
    const rtimes = [restic(['backup', tree]), restic(['backup', tree]), restic(['backup', tree])];
    results.reconcile.restic = { version: spawnSync('restic', ['version'], { encoding: 'utf8' }).stdout.trim(), initialMs: initial, medianMs: median(rtimes), samples: rtimes };
    if (!opts.keep) fs.rmSync(repo, { recursive: true, force: true });
  }
}
if (!opts.keep) {
  fs.rmSync(vaultDir, { recursive: true, force: true });
  fs.rmSync(stateDir, { recursive: true, force: true });
}

// ------------------------------------------------------------------------------------ report
const rows = [];
const w = results.watchers;
const watcherRow = (k, label) => {
  const r = w[k];
  if (!r) return;
  rows.push(`| ${label}: ready | ${r.readyMs != null ? fmtS(r.readyMs) : 'n/a'} | — | ${r.error ? `error: ${r.error.replace(/\|/g, '/')}` : ''} |`);
  rows.push(`| ${label}: extra RSS | ${fmtMiB(r.extraRssBytes)} | < 200 MiB | ${r.extraRssBytes != null ? (r.extraRssBytes < 200 * 2 ** 20 ? 'ok' : 'over') : ''} |`);
  rows.push(`| ${label}: inotify watches | ${r.watches ?? 'n/a'} | — | limit ${results.maxUserWatches ?? 'n/a'}, shared by the user's processes |`);
  rows.push(`| ${label}: one change → event | ${r.eventLatencyMs != null ? `${Math.round(r.eventLatencyMs)} ms` : 'n/a'} | — | |`);
};
watcherRow('parcel', '@parcel/watcher');
watcherRow('chokidar', 'chokidar');
const c = results.continuous;
if (c) {
  rows.push(`| continuous: change → point durable | ${fmtS(c.medianTotalMs)} | — | median of ${c.samples.length}, quiet period ${opts.quietMs} ms included |`);
  rows.push(`| continuous: after the quiet period | ${fmtS(c.medianAfterQuietMs)} | < 2 s | ${c.medianAfterQuietMs != null && c.medianAfterQuietMs < 2000 ? 'ok' : 'over'} |`);
  rows.push(`| continuous: backup itself | ${fmtS(c.medianBackupMs)} | — | ${c.medianFoldersListed} folder(s) listed, ${c.medianEntriesChecked} lstat |`);
  rows.push(`| continuous: bytes read | ${c.medianBytesRead} B | — | the changed file only |`);
}
if (results.startupScanMs != null) rows.push(`| start-up scan (no snapshot yet) | ${fmtS(results.startupScanMs)} | — | full walk, no change |`);
const rc = results.reconcile;
if (rc) {
  rows.push(`| reconcile scan (in-process, vault open) | ${fmtS(rc.medianMs)} | — | ${rc.foldersListed} folders listed, ${rc.bytesRead} B read |`);
  if (rc.cliMedianMs != null) rows.push(`| \`deskvault backup\` no change (CLI) | ${fmtS(rc.cliMedianMs)} | — | process start and key derivation included |`);
  else if (rc.cliError) rows.push(`| \`deskvault backup\` no change (CLI) | n/a | — | ${(rc.cliError.split('\n').find((l) => /Error/.test(l)) ?? 'failed').trim().slice(0, 160).replace(/\|/g, '/')} |`);
  if (rc.restic) {
    rows.push(`| restic no-change backup | ${fmtS(rc.restic.medianMs)} | — | ${rc.restic.version} |`);
    const ratio = rc.medianMs / rc.restic.medianMs;
    rows.push(`| reconcile / restic | ${ratio.toFixed(2)} | ≤ 1.0 | ${ratio <= 1 ? 'ok' : 'over'} |`);
    if (rc.cliMedianMs != null) rows.push(`| CLI no change / restic | ${(rc.cliMedianMs / rc.restic.medianMs).toFixed(2)} | ≤ 1.0 | ${rc.cliMedianMs <= rc.restic.medianMs ? 'ok' : 'over'} |`);
  } else rows.push('| restic no-change backup | n/a | — | restic not installed |');
}
const md = [
  `# Continuous mode: ${opts.files} files (${results.date}, Node ${results.node})`,
  '',
  '| measure | value | target | note |',
  '|---|---|---|---|',
  ...rows,
  '',
].join('\n');
fs.writeFileSync(path.join(workDir, 'watch-results.md'), md);
fs.writeFileSync(path.join(workDir, 'watch-results.json'), JSON.stringify(results, null, 2));
log('');
log(md);
