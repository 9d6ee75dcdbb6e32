// UI benchmark: the React UI in Chromium (playwright-core) against `deskvault serve`.
//
//   node bench/ui.js            (after `npm run build`; BENCH_UI_FILES / BENCH_UI_POINTS to resize,
//                                BENCH_UI_RUNS=3 to measure three times on one setup, each run
//                                in a freshly loaded page; the 1-minute load average is printed
//                                with each run, since the machine's other work shows in frame times;
//                                BENCH_UI_PAGES=/,/old/index.html measures each UI build served at
//                                those paths in turn in every run — an A/B under the same load)
//
// Measures, in the page (performance.now(), no Playwright round trips inside a measurement):
//   1. first render of a 100,000-entry folder in the point browser: click on the folder → its
//      first row painted (next animation frame)                                  target < 300 ms
//   2. scroll smoothness in that folder: 300 animation frames scrolling 400 px each; frames longer
//      than 50 ms are counted                                                    target: none
//   3. opening the dashboard of a vault with 1,000 recovery points: click on "Dashboard" → the
//      usage chart and the folder table are there                               target < 500 ms
// Setup through the HTTP API (Bearer token): one backup of the big folder, then tiny backups of a
// one-file plan until the vault has BENCH_UI_POINTS points. State lives in a temp folder, removed
// at the end.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FILES = Number(process.env.BENCH_UI_FILES ?? 100_000);
const POINTS = Number(process.env.BENCH_UI_POINTS ?? 1000);
const RUNS = Number(process.env.BENCH_UI_RUNS ?? 1);
const PAGES = (process.env.BENCH_UI_PAGES ?? '/').split(',');
const CHROMIUM = '/usr/bin/chromium';

if (!existsSync(path.join(REPO, 'renderer', 'dist', 'index.html'))) throw new Error('build the UI first: npm run build:ui');
if (!existsSync(CHROMIUM)) {
  console.log(`bench/ui.js: skipped, ${CHROMIUM} is missing`);
  process.exit(0);
}

const work = mkdtempSync(path.join(tmpdir(), 'dv-bench-ui-'));
const home = path.join(work, 'home');
const big = path.join(work, 'big');
const tiny = path.join(work, 'tiny');
mkdirSync(big);
mkdirSync(tiny);
const started = Date.now();
for (let i = 0; i < FILES; i++) writeFileSync(path.join(big, `f${String(i).padStart(6, '0')}.txt`), `${i}\n`);
writeFileSync(path.join(tiny, 'counter.txt'), '0');
console.log(`made ${FILES} files in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const env = { ...process.env, DESKVAULT_HOME: home, DESKVAULT_KEYSTORE: 'file', DESKVAULT_TEST_KDF: '1' };
const child = spawn(process.execPath, [path.join(REPO, 'bin', 'deskvault.js'), 'serve'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    const m = /DeskVault UI: (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  child.once('exit', (c) => reject(new Error(`serve exited ${c}`)));
});
const base = new URL(url);
const token = base.searchParams.get('token');

async function call(method, input = {}, attempt = 1) {
  let res;
  try {
    res = await fetch(new URL(`/api/${method}`, base), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(input) });
  } catch (err) {
    // A kept-alive connection the server closed as it was reused: ask again, for reads only.
    if (attempt < 3 && /\.(get|list)$/.test(method)) return call(method, input, attempt + 1);
    throw err;
  }
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}
async function backup(plan) {
  let job = await call('backups.start', { plan });
  while (!['COMPLETED', 'FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'].includes(job.state)) {
    await new Promise((r) => setTimeout(r, 20));
    job = await call('jobs.get', { id: job.id });
  }
  if (job.state !== 'COMPLETED') throw new Error(`backup of ${plan}: ${job.state} ${job.error?.message}`);
  return job.recoveryPointId;
}

/** One run in a new page: first render of the big folder, scrolling it, opening the dashboard. */
async function measure(browser, bigPoint, pagePath) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(120_000);
  await page.goto(url); // trades the token for the session cookie
  await page.goto(`${base.origin}${pagePath}#/dashboard`);
  await page.getByRole('heading', { name: 'Protected folders' }).waitFor();

  // 1. First render of the big folder.
  await page.goto(`${base.origin}${pagePath}#/points/${bigPoint}`);
  const segments = big.split('/').filter(Boolean);
  for (const seg of segments.slice(0, -1)) {
    await page.getByRole('button', { name: `${seg} (folder)` }).click();
    await page.getByRole('navigation', { name: 'Folder path' }).getByText(seg, { exact: true }).waitFor();
  }
  await page.getByRole('button', { name: `${segments.at(-1)} (folder)` }).waitFor();
  const firstRenderMs = await page.evaluate(async (label) => {
    const button = document.querySelector(`button.entry-name[aria-label="${label}"]`);
    const t0 = performance.now();
    button.click();
    await new Promise((resolve) => {
      const check = () => (document.querySelector('button.entry-name[aria-label="f000000.txt"]') ? resolve() : requestAnimationFrame(check));
      check();
    });
    await new Promise((r) => requestAnimationFrame(() => r()));
    return performance.now() - t0;
  }, `${segments.at(-1)} (folder)`);

  // 2. Scroll smoothness. A trace of the page's main thread is taken meanwhile: on a busy machine a
  // frame's wall time includes waiting for a CPU, while a task's thread time is the page's own work.
  await browser.startTracing(page, { categories: ['toplevel', 'disabled-by-default-devtools.timeline'] });
  const scroll = await page.evaluate(async () => {
    const el = document.querySelector('.rows-scroll');
    const deltas = [];
    let last = performance.now();
    for (let i = 0; i < 300; i++) {
      el.scrollTop += 400;
      await new Promise((r) => requestAnimationFrame(() => r()));
      const now = performance.now();
      deltas.push(now - last);
      last = now;
    }
    deltas.sort((a, b) => a - b);
    return {
      frames: deltas.length,
      long: deltas.filter((d) => d > 50).length,
      over33: deltas.filter((d) => d > 33).length,
      p50: deltas[Math.floor(deltas.length / 2)],
      p95: deltas[Math.floor(deltas.length * 0.95)],
      max: deltas.at(-1),
      rowsInDom: document.querySelectorAll('.rows-body .row').length,
      scrolledTo: el.scrollTop,
    };
  });
  const tasks = mainThreadTasks(JSON.parse((await browser.stopTracing()).toString('utf8')));
  const blanks = await page.evaluate(() => [...document.querySelectorAll('.rows-body .row')].filter((r) => r.textContent === '…').length);

  // 3. The dashboard with POINTS points: from another screen, click "Dashboard" → chart and folders.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
  await page.getByRole('heading', { name: 'Jobs', level: 1 }).waitFor();
  const dashboardMs = await page.evaluate(async () => {
    const link = [...document.querySelectorAll('nav[aria-label="Main"] a')].find((a) => a.textContent === 'Dashboard');
    const t0 = performance.now();
    link.click();
    await new Promise((resolve) => {
      const check = () => (document.querySelector('[role="img"][aria-label^="Vault usage"] svg') && document.querySelector('td code.path') ? resolve() : requestAnimationFrame(check));
      check();
    });
    await new Promise((r) => requestAnimationFrame(() => r()));
    return performance.now() - t0;
  });
  await page.close();
  return { firstRenderMs, scroll, tasks, blanks, dashboardMs };
}

/** The renderer main thread's top-level tasks in a Chromium trace: the longest by thread (CPU) time and by wall time. */
function mainThreadTasks(trace) {
  const events = trace.traceEvents ?? trace;
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const onMain = events.filter((e) => e.ph === 'X' && main && e.pid === main.pid && e.tid === main.tid);
  // A task is traced as ThreadControllerImpl::RunTask with a RunTask inside: count the outer one only.
  const outer = onMain.some((e) => e.name === 'ThreadControllerImpl::RunTask') ? 'ThreadControllerImpl::RunTask' : 'RunTask';
  const runs = onMain.filter((e) => e.name === outer);
  const cpu = runs.map((e) => (e.tdur ?? e.dur) / 1000).sort((a, b) => a - b);
  const wall = runs.map((e) => e.dur / 1000).sort((a, b) => a - b);
  return { count: runs.length, maxCpu: cpu.at(-1) ?? 0, maxWall: wall.at(-1) ?? 0, cpuOver50: cpu.filter((d) => d > 50).length, totalCpu: cpu.reduce((a, b) => a + b, 0) };
}

let browser;
try {
  await call('plans.create', { name: 'Big', resources: [{ path: big }], rules: [{ targetVault: 'local', schedule: 'rate(30 days)' }] });
  await call('plans.create', { name: 'Tiny', resources: [{ path: tiny }], rules: [{ targetVault: 'local', schedule: 'rate(30 days)' }] });
  let t = Date.now();
  const bigPoint = await backup('Big');
  console.log(`backed up the ${FILES}-file folder in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  t = Date.now();
  for (let i = 1; i < POINTS; i++) {
    writeFileSync(path.join(tiny, 'counter.txt'), String(i));
    await backup('Tiny');
  }
  console.log(`made ${POINTS - 1} more points in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const pointCount = (await call('points.list', { vault: 'local' })).length;
  for (let run = 1; run <= RUNS; run++) for (const pagePath of PAGES) {
    const load = loadavg()[0];
    const r = await measure(browser, bigPoint, pagePath);
    console.log('');
    console.log(`run ${run} of ${RUNS}${PAGES.length > 1 ? `, UI at ${pagePath}` : ''} (1-minute load average ${load.toFixed(2)} on ${availableParallelism()} cores)`);
    console.log(`first render of a ${FILES.toLocaleString('en-US')}-entry folder: ${r.firstRenderMs.toFixed(0)} ms (target < 300 ms)`);
    console.log(
      `scrolling: ${r.scroll.frames} frames, ${r.scroll.long} over 50 ms (target 0), ${r.scroll.over33} over 33 ms, median ${r.scroll.p50.toFixed(1)} ms, p95 ${r.scroll.p95.toFixed(1)} ms, worst ${r.scroll.max.toFixed(1)} ms; ${r.scroll.rowsInDom} rows in the DOM; ${r.blanks} rows still loading at the end`,
    );
    console.log(
      `  its main thread meanwhile: ${r.tasks.count} tasks, ${r.tasks.totalCpu.toFixed(0)} ms of CPU in all; the longest took ${r.tasks.maxCpu.toFixed(1)} ms of CPU (${r.tasks.maxWall.toFixed(1)} ms of wall time); ${r.tasks.cpuOver50} over 50 ms of CPU`,
    );
    console.log(`dashboard with ${pointCount} points: ${r.dashboardMs.toFixed(0)} ms (target < 500 ms)`);
  }
} finally {
  await browser?.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(work, { recursive: true, force: true });
}
