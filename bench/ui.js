// UI benchmark: the React UI in Chromium (playwright-core) against `deskvault serve`.
//
//   node bench/ui.js [--keep] [--reuse] [--traces]
//                               (after `npm run build`; BENCH_UI_FILES / BENCH_UI_POINTS to resize,
//                                BENCH_UI_RUNS=3 to measure three times on one setup, each run
//                                in a freshly loaded page; BENCH_UI_PAGES=/,/old/index.html measures
//                                each UI build served at those paths in turn in every run — an A/B
//                                under the same load)
//   --keep leaves the setup in bench/work/ui/; --reuse measures it again without the ~10 minutes of
//   backups (when its file and point counts match); --traces writes each run's Chromium trace (open
//   it in DevTools' Performance panel) and frame records to bench/work/ui-traces/.
//
// Measures, in the page (performance.now(), no Playwright round trips inside a measurement):
//   1. first render of a 100,000-entry folder in the point browser: click on the folder → its
//      first row painted (next animation frame)                                  target < 300 ms
//   2. scroll smoothness in that folder: 300 animation frames scrolling 400 px each; frames longer
//      than 50 ms (wall time, rAF to rAF) are counted                            target: none
//   3. opening the dashboard of a vault with 1,000 recovery points: click on "Dashboard" → the
//      usage chart and the folder table are there                               target < 500 ms
// Before 1 and 2 the bench waits until the service is idle (no job pending or running, and its
// process using almost no CPU for a second): work left over from the setup is the bench's own
// artefact, not something a person opening a folder meets.
//
// A frame's wall time on a shared machine includes waiting for a core, so the scroll also reports
// who used the CPUs meanwhile (/proc: Chromium, the service, this script, other processes, the
// hypervisor's steal), the page's main thread's time on a CPU and runnable-but-waiting for one
// (/proc schedstat, sampled every 10 ms, so each long frame is split too), and the page's long
// animation frames (the LoAF API). A second scroll, further down and not judged, runs under a
// Chromium trace for the main thread's CPU time by kind of work (tracing costs every thread some
// time, so the judged scroll is untraced). The PASS/MISS line is judged on frames alone.
//
// Setup through the HTTP API (Bearer token): one backup of the big folder, then tiny backups of a
// one-file plan until the vault has BENCH_UI_POINTS points. State lives in a temp folder, removed
// at the end (or in bench/work/ui/ with --keep / --reuse).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { cpuBetween, cpuSnapshot, descendants, processCpuMs, threadSchedMs, treeCpuMs } from './proc-cpu.js';
import { TRACE_CATEGORIES, readScrollTrace } from './ui-trace.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FILES = Number(process.env.BENCH_UI_FILES ?? 100_000);
const POINTS = Number(process.env.BENCH_UI_POINTS ?? 1000);
const RUNS = Number(process.env.BENCH_UI_RUNS ?? 1);
const PAGES = (process.env.BENCH_UI_PAGES ?? '/').split(',');
const KEEP = process.argv.includes('--keep') || process.argv.includes('--reuse');
const REUSE = process.argv.includes('--reuse');
const TRACES = process.argv.includes('--traces') ? path.join(REPO, 'bench', 'work', 'ui-traces') : null;
const CHROMIUM = '/usr/bin/chromium';
const CORES = availableParallelism();
const LONG_FRAME_MS = 50;
const SCROLL_FRAMES = 300;
const SCROLL_STEP_PX = 400;
const FINAL_JOB_STATES = ['COMPLETED', 'FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'];

if (!existsSync(path.join(REPO, 'renderer', 'dist', 'index.html'))) throw new Error('build the UI first: npm run build:ui');
if (!existsSync(CHROMIUM)) {
  console.log(`bench/ui.js: skipped, ${CHROMIUM} is missing`);
  process.exit(0);
}

const work = KEEP ? path.join(REPO, 'bench', 'work', 'ui') : mkdtempSync(path.join(tmpdir(), 'dv-bench-ui-'));
const setupFile = path.join(work, 'setup.json');
const recorded = REUSE && existsSync(setupFile) ? JSON.parse(readFileSync(setupFile, 'utf8')) : null;
const reusing = recorded?.files === FILES && recorded?.points === POINTS;
if (KEEP && !reusing) rmSync(work, { recursive: true, force: true });
const home = path.join(work, 'home');
const big = path.join(work, 'big');
const tiny = path.join(work, 'tiny');
if (!reusing) {
  mkdirSync(big, { recursive: true });
  mkdirSync(tiny, { recursive: true });
  const started = Date.now();
  for (let i = 0; i < FILES; i++) writeFileSync(path.join(big, `f${String(i).padStart(6, '0')}.txt`), `${i}\n`);
  writeFileSync(path.join(tiny, 'counter.txt'), '0');
  console.log(`made ${FILES} files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const env = { ...process.env, DESKVAULT_HOME: home, DESKVAULT_KEYSTORE: 'file', DESKVAULT_TEST_KDF: '1' };
const child = spawn(process.execPath, [path.join(REPO, 'bin', 'deskvault.js'), 'serve'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'inherit'] });
let stopping = false;
// A service that dies mid-run would otherwise show only as a refused connection.
child.once('exit', (code, signal) => {
  if (!stopping) console.error(`bench/ui.js: deskvault serve exited (${signal ?? `code ${code}`}) before the bench was done`);
});
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
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function backup(plan) {
  let job = await call('backups.start', { plan });
  while (!FINAL_JOB_STATES.includes(job.state)) {
    await sleep(20);
    job = await call('jobs.get', { id: job.id });
  }
  if (job.state !== 'COMPLETED') throw new Error(`backup of ${plan}: ${job.state} ${job.error?.message}`);
  return job.recoveryPointId;
}

/** Past this the measurement goes ahead with a busy service, and says so. */
const IDLE_TIMEOUT_MS = 120_000;
/** Idle = QUIET_WINDOWS windows in a row of QUIET_WINDOW_MS in which the service used ≤ QUIET_CPU_MS of CPU (1–2 ticks of /proc's 10 ms). */
const QUIET_WINDOW_MS = 500;
const QUIET_WINDOWS = 2;
const QUIET_CPU_MS = 20;

/**
 * Waits until the service is idle: no job pending or running (jobs.list), then its process's CPU
 * time (/proc/PID/stat) standing still. Returns how long that took, the CPU the service used
 * meanwhile, and the jobs it waited for.
 */
async function waitForIdleService() {
  const t0 = performance.now();
  const cpu0 = processCpuMs(child.pid);
  const jobs = new Set();
  let timedOut = false;
  for (;;) {
    const active = (await call('jobs.list', { limit: 100 })).filter((j) => !FINAL_JOB_STATES.includes(j.state));
    if (active.length === 0) break;
    for (const j of active) jobs.add(`${j.kind} ${j.state}`);
    if ((timedOut = performance.now() - t0 > IDLE_TIMEOUT_MS)) break;
    await sleep(200);
  }
  let quiet = 0;
  let prev = processCpuMs(child.pid);
  while (!timedOut && prev !== null && quiet < QUIET_WINDOWS) {
    await sleep(QUIET_WINDOW_MS);
    const now = processCpuMs(child.pid);
    quiet = now - prev <= QUIET_CPU_MS ? quiet + 1 : 0;
    prev = now;
    timedOut = performance.now() - t0 > IDLE_TIMEOUT_MS;
  }
  return { waitedMs: performance.now() - t0, serviceCpuMs: (processCpuMs(child.pid) ?? 0) - (cpu0 ?? 0), jobs: [...jobs], timedOut };
}

/** Who used the CPUs during the scroll: Chromium (every process under this one but the service), the service, this script. */
const cpuGroups = {
  chromium: () => treeCpuMs(process.pid, [child.pid]) - processCpuMs(process.pid),
  service: () => treeCpuMs(child.pid),
  bench: () => processCpuMs(process.pid),
};

/** The page's renderer process: of Chromium's renderers, the one whose main thread ran most while `work` ran. */
async function pageRenderer(work) {
  const renderers = descendants(process.pid, (cmd) => cmd.includes('--type=renderer'));
  const before = renderers.map((pid) => threadSchedMs(pid)?.runMs ?? 0);
  const result = await work();
  const ran = renderers.map((pid, i) => (threadSchedMs(pid)?.runMs ?? 0) - before[i]);
  return { pid: renderers[ran.indexOf(Math.max(...ran))] ?? null, result };
}

/** How often the page's main thread's scheduler statistics are read during the scroll. */
const SCHED_SAMPLE_MS = 10;

/**
 * Reads the main thread of `pid` (a renderer) every SCHED_SAMPLE_MS: its time on a CPU and its
 * time runnable but waiting for one (/proc schedstat). `stop(scroll)` returns those for the whole
 * scroll and for each long frame; what is neither is time asleep (waiting for the compositor, the
 * GPU process, a lock, I/O). One file read per sample, so the sampling costs the machine little.
 */
function startSchedSampler(pid) {
  const samples = [];
  const sample = () => {
    const s = pid && threadSchedMs(pid);
    if (s) samples.push([performance.timeOrigin + performance.now(), s]);
  };
  sample();
  const timer = setInterval(sample, SCHED_SAMPLE_MS);
  return {
    stop(scroll) {
      clearInterval(timer);
      sample();
      if (samples.length < 2) return null;
      // The counters at epoch time t, interpolated between the samples around it.
      const at = (t) => {
        let j = samples.findIndex(([ts]) => ts >= t);
        if (j <= 0) j = j < 0 ? samples.length - 1 : 1;
        const [[t0, a], [t1, b]] = [samples[j - 1], samples[j]];
        const f = t1 > t0 ? Math.min(1, Math.max(0, (t - t0) / (t1 - t0))) : 1;
        return { runMs: a.runMs + f * (b.runMs - a.runMs), waitMs: a.waitMs + f * (b.waitMs - a.waitMs) };
      };
      const span = (pageFrom, pageTo) => {
        const [a, b] = [at(scroll.origin + pageFrom), at(scroll.origin + pageTo)];
        const runMs = b.runMs - a.runMs;
        const waitMs = b.waitMs - a.waitMs;
        return { wallMs: pageTo - pageFrom, runMs, waitMs, asleepMs: Math.max(0, pageTo - pageFrom - runMs - waitMs) };
      };
      return { main: span(scroll.from, scroll.to), longFrames: scroll.frames.filter(([, ms]) => ms > LONG_FRAME_MS).map(([t, ms]) => span(t - ms, t)) };
    },
  };
}

/**
 * In the page: scrolls the folder table SCROLL_FRAMES animation frames by SCROLL_STEP_PX each and
 * records each frame's time (rAF to rAF) and the long animation frames meanwhile. `mark` names a
 * performance.mark() made at the start (it aligns a trace's clock with the page's).
 */
function scrollInPage(page, mark) {
  return page.evaluate(
    async ({ mark, frameCount, step }) => {
      const el = document.querySelector('.rows-scroll');
      const loafs = [];
      const keep = (entries) => {
        for (const e of entries) {
          const scriptMs = e.scripts.reduce((s, x) => s + x.duration, 0);
          // From styleAndLayoutStart to the frame's end: style, layout (and the rest of rendering).
          const styleLayoutMs = e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0;
          loafs.push({ start: e.startTime, duration: e.duration, scriptMs, styleLayoutMs, blockingMs: e.blockingDuration });
        }
      };
      const supported = PerformanceObserver.supportedEntryTypes.includes('long-animation-frame');
      const observer = supported ? new PerformanceObserver((list) => keep(list.getEntries())) : null;
      observer?.observe({ type: 'long-animation-frame' });
      const markAt = performance.mark(mark).startTime;
      const frames = [];
      const from = performance.now();
      let last = from;
      for (let i = 0; i < frameCount; i++) {
        el.scrollTop += step;
        await new Promise((r) => requestAnimationFrame(() => r()));
        const now = performance.now();
        frames.push([now, now - last]);
        last = now;
      }
      await new Promise((r) => setTimeout(r, 100)); // the last frames' LoAF entries are delivered
      if (observer) {
        keep(observer.takeRecords());
        observer.disconnect();
      }
      return { origin: performance.timeOrigin, markAt, from, to: last, frames, loafs: supported ? loafs : null, rowsInDom: document.querySelectorAll('.rows-body .row').length, scrolledTo: el.scrollTop };
    },
    { mark, frameCount: SCROLL_FRAMES, step: SCROLL_STEP_PX },
  );
}

/** One run in a new page: first render of the big folder, scrolling it (judged, then traced), opening the dashboard. */
async function measure(browser, bigPoint, pagePath, run) {
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
    // The last crumb is the folder now open (a name may also appear higher up the path).
    await page.locator('nav[aria-label="Folder path"] [aria-current="location"]').filter({ hasText: new RegExp(`^${seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).waitFor();
  }
  await page.getByRole('button', { name: `${segments.at(-1)} (folder)` }).waitFor();
  const idleBeforeRender = await waitForIdleService();
  const { pid: rendererPid, result: firstRenderMs } = await pageRenderer(() =>
    page.evaluate(async (label) => {
      const button = document.querySelector(`button.entry-name[aria-label="${label}"]`);
      const t0 = performance.now();
      button.click();
      await new Promise((resolve) => {
        const check = () => (document.querySelector('button.entry-name[aria-label="f000000.txt"]') ? resolve() : requestAnimationFrame(check));
        check();
      });
      await new Promise((r) => requestAnimationFrame(() => r()));
      return performance.now() - t0;
    }, `${segments.at(-1)} (folder)`),
  );

  // 2. Scroll smoothness, once the service is idle: the judged scroll, untraced.
  const idleBeforeScroll = await waitForIdleService();
  const load = loadavg()[0];
  const sampler = startSchedSampler(rendererPid);
  const cpu0 = cpuSnapshot(cpuGroups);
  const scroll = await scrollInPage(page, 'dv-scroll');
  const cpu = cpuBetween(cpu0, cpuSnapshot(cpuGroups));
  const sched = sampler.stop(scroll);
  const blanks = await page.evaluate(() => [...document.querySelectorAll('.rows-body .row')].filter((r) => r.textContent === '…').length);

  // The same again further down, under a Chromium trace: what the page's threads spent their CPU on.
  await browser.startTracing(page, { categories: TRACE_CATEGORIES });
  const traced = await scrollInPage(page, 'dv-traced-scroll');
  const traceBuffer = await browser.stopTracing();
  const trace = readScrollTrace(JSON.parse(traceBuffer.toString('utf8')), { markName: 'dv-traced-scroll', markAt: traced.markAt, from: traced.from, to: traced.to });
  if (TRACES) {
    const name = `run-${run}${pagePath.replace(/\W+/g, '-')}`;
    mkdirSync(TRACES, { recursive: true });
    writeFileSync(path.join(TRACES, `${name}trace.json`), traceBuffer);
    writeFileSync(path.join(TRACES, `${name}scroll.json`), JSON.stringify({ load, cpu, sched, scroll, traced }, null, 1));
  }

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
  return { firstRenderMs, idleBeforeRender, idleBeforeScroll, load, scroll, frames: frameStats(scroll), cpu, sched, trace, tracedFrames: frameStats(traced), blanks, dashboardMs };
}

/** A scroll's frames and long animation frames, summed up. */
function frameStats(scroll) {
  const ms = scroll.frames.map(([, d]) => d).sort((a, b) => a - b);
  const long = scroll.frames.filter(([, d]) => d > LONG_FRAME_MS);
  const loafs = scroll.loafs;
  return {
    count: ms.length,
    long: long.length,
    over33: ms.filter((d) => d > 33).length,
    p50: ms[Math.floor(ms.length / 2)],
    p95: ms[Math.floor(ms.length * 0.95)],
    max: ms.at(-1),
    loaf: loafs && {
      count: loafs.length,
      longestMs: Math.max(0, ...loafs.map((l) => l.duration)),
      ms: loafs.reduce((s, l) => s + l.duration, 0),
      scriptMs: loafs.reduce((s, l) => s + l.scriptMs, 0),
      styleLayoutMs: loafs.reduce((s, l) => s + l.styleLayoutMs, 0),
      // Long frames (rAF to rAF) without a long animation frame: the main thread's work in them was short; the wait was elsewhere.
      framesWithout: long.filter(([at, d]) => !loafs.some((l) => l.start < at && l.start + l.duration > at - d)).length,
    },
  };
}

const ms0 = (x) => `${x.toFixed(0)} ms`;
const ms1 = (x) => `${x.toFixed(1)} ms`;
const sec = (x) => `${(x / 1000).toFixed(2)} s`;

function report(r, run, pagePath) {
  const f = r.frames;
  const idle = (w) => `${sec(w.waitedMs)}${w.jobs.length ? ` (jobs: ${w.jobs.join(', ')})` : ''}${w.timedOut ? ' — GAVE UP, still busy' : ''}, using ${w.serviceCpuMs} ms of CPU meanwhile`;
  console.log('');
  console.log(`run ${run} of ${RUNS}${PAGES.length > 1 ? `, UI at ${pagePath}` : ''} (1-minute load average ${r.load.toFixed(2)} on ${CORES} cores as the scroll started)`);
  console.log(`  the service went idle in ${idle(r.idleBeforeRender)}, before the first render; in ${idle(r.idleBeforeScroll)}, before the scroll`);
  console.log(`first render of a ${FILES.toLocaleString('en-US')}-entry folder: ${ms0(r.firstRenderMs)} (target < 300 ms)`);
  console.log(
    `scrolling: ${f.count} frames, ${f.long} over ${LONG_FRAME_MS} ms (target 0), ${f.over33} over 33 ms, median ${ms1(f.p50)}, p95 ${ms1(f.p95)}, worst ${ms1(f.max)}; ${r.scroll.rowsInDom} rows in the DOM; ${r.blanks} rows still loading at the end`,
  );
  if (r.cpu) {
    const c = r.cpu;
    console.log(
      `  CPU time meanwhile (${sec(c.wallMs)} × ${CORES} cores): Chromium ${sec(c.groups.chromium)}, the service ${sec(c.groups.service)} (pages of entries), this script ${sec(c.groups.bench)}, other processes ${sec(c.othersMs)}, idle ${sec(c.idleMs)}, stolen by the hypervisor ${sec(c.stealMs)}`,
    );
  }
  if (r.sched) {
    const m = r.sched.main;
    console.log(`  the page's main thread: on a CPU ${sec(m.runMs)} (${ms1(m.runMs / f.count)} a frame), runnable but waiting for a CPU ${sec(m.waitMs)}`);
    if (r.sched.longFrames.length)
      console.log(`  the long frames, wall / main thread on a CPU / waiting for a CPU / asleep: ${r.sched.longFrames.map((x) => `${x.wallMs.toFixed(0)}/${x.runMs.toFixed(0)}/${x.waitMs.toFixed(0)}/${x.asleepMs.toFixed(0)} ms`).join('; ')}`);
  }
  if (f.loaf)
    console.log(
      `  long animation frames (main-thread work over 50 ms, wall time): ${f.loaf.count}${f.loaf.count ? `, longest ${ms0(f.loaf.longestMs)}; of their ${ms0(f.loaf.ms)}, scripts ${ms0(f.loaf.scriptMs)}, style and layout ${ms0(f.loaf.styleLayoutMs)}` : ''}; ${f.loaf.framesWithout} of the ${f.long} long frames had none`,
    );
  if (r.trace) {
    const t = r.trace;
    const k = t.mainByKind;
    const per = (x) => ms1(x / r.tracedFrames.count);
    console.log(
      `  a second scroll, traced (not judged; ${r.tracedFrames.long} frames over ${LONG_FRAME_MS} ms): main thread ${per(t.main.cpuMs)} of CPU a frame — script ${per(k.script)}, style ${per(k.style)}, layout ${per(k.layout)}, paint ${per(k.paint)}, GC ${per(k.gc)}, other ${per(k.other)}; longest task ${ms1(t.main.maxCpuMs)} of CPU (${ms1(t.main.maxWallMs)} wall); ${t.others.slice(0, 3).map((x) => `${x.name} ${per(x.cpuMs)}`).join(', ')} a frame`,
    );
  }
  console.log(`dashboard with ${POINTS.toLocaleString('en-US')} points: ${ms0(r.dashboardMs)} (target < 500 ms)`);
}

/** The verdicts over every run of one UI build: a target is met when every run meets it. */
function summary(rs, pagePath) {
  const verdict = (ok) => (ok ? 'PASS' : 'MISS');
  const list = (fn) => rs.map(fn).join(', ');
  console.log('');
  console.log(`summary${PAGES.length > 1 ? ` for ${pagePath}` : ''} (${rs.length} run${rs.length === 1 ? '' : 's'}; 1-minute load average ${list((r) => r.load.toFixed(1))} on ${CORES} cores):`);
  console.log(`  first render < 300 ms: ${verdict(rs.every((r) => r.firstRenderMs < 300))} (${list((r) => r.firstRenderMs.toFixed(0))} ms)`);
  const long = rs.map((r) => r.frames.long);
  console.log(`  no frame over ${LONG_FRAME_MS} ms while scrolling: ${verdict(long.every((n) => n === 0))} (${long.join(', ')} frames over ${LONG_FRAME_MS} ms; worst ${list((r) => r.frames.max.toFixed(0))} ms)`);
  const missed = rs.filter((r) => r.frames.long > 0);
  if (missed.length) {
    const others = (r) => (r.cpu ? sec(r.cpu.othersMs) : '?');
    const waited = missed.flatMap((r) => r.sched?.longFrames ?? []);
    console.log(
      `    in the runs with long frames other processes used ${missed.map(others).join(', ')} of CPU during the scroll${rs.length > missed.length ? ` (in the others ${rs.filter((r) => r.frames.long === 0).map(others).join(', ')})` : ''}; in the long frames the page's main thread waited for a CPU ${ms0(waited.reduce((s, x) => s + x.waitMs, 0))} of ${ms0(waited.reduce((s, x) => s + x.wallMs, 0))}`,
    );
  }
  console.log(`  dashboard < 500 ms: ${verdict(rs.every((r) => r.dashboardMs < 500))} (${list((r) => r.dashboardMs.toFixed(0))} ms)`);
}

let browser;
try {
  let bigPoint;
  if (reusing) {
    bigPoint = (await call('points.list', { vault: 'local' })).find((p) => p.paths.includes(big))?.id;
    console.log(`reusing the setup in ${work} (${FILES} files, ${POINTS} points, made ${recorded.made})`);
  } else {
    await call('plans.create', { name: 'Big', resources: [{ path: big }], rules: [{ targetVault: 'local', schedule: 'rate(30 days)' }] });
    await call('plans.create', { name: 'Tiny', resources: [{ path: tiny }], rules: [{ targetVault: 'local', schedule: 'rate(30 days)' }] });
    let t = Date.now();
    bigPoint = await backup('Big');
    console.log(`backed up the ${FILES}-file folder in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    t = Date.now();
    for (let i = 1; i < POINTS; i++) {
      writeFileSync(path.join(tiny, 'counter.txt'), String(i));
      await backup('Tiny');
    }
    console.log(`made ${POINTS - 1} more points in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    if (KEEP) writeFileSync(setupFile, JSON.stringify({ files: FILES, points: POINTS, made: new Date().toISOString() }));
  }

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const results = [];
  // Several builds are measured in turn, another one first in each run (so none always goes first).
  for (let run = 1; run <= RUNS; run++)
    for (const pagePath of PAGES.map((_, i) => PAGES[(i + run - 1) % PAGES.length])) {
      const r = await measure(browser, bigPoint, pagePath, run);
      results.push({ pagePath, r });
      report(r, run, pagePath);
    }
  for (const pagePath of PAGES)
    summary(
      results.filter((x) => x.pagePath === pagePath).map((x) => x.r),
      pagePath,
    );
} finally {
  await browser?.close();
  stopping = true;
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  if (!KEEP) rmSync(work, { recursive: true, force: true });
}
