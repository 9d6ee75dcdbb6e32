/**
 * Helpers for integration tests that drive the built CLI (`bin/deskvault.js`, compiled by
 * `npm run build`) as a subprocess: run it (synchronously, or asynchronously for processes that a
 * test pauses and resumes), make temporary folders, build a deterministic source tree from a seeded
 * PRNG, compare a restored tree with its source byte for byte, and look at a vault's objects.
 *
 * Crash injection: `crashAt: N` sets DESKVAULT_CRASH_AT=N (main/engine/util/crash-point.ts), so the
 * child SIGKILLs itself at its N-th crash point. Pausing: `pause` preloads a hook
 * (test/helpers/child-hooks.mjs) that SIGSTOPs the child at a well-defined instant; `waitUntilStopped`
 * waits for that, `resume` continues it. `clockOffsetMs` shifts the child's clock (lease expiry).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listObjects, makeTempDir as makeTempDirIn, removeDir, walkTree } from './files.js';

export const BIN = fileURLToPath(new URL('../../bin/deskvault.js', import.meta.url));
export const CHILD_HOOKS = fileURLToPath(new URL('./child-hooks.mjs', import.meta.url));
export const PASSWORD = 'pw';

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The command line, for failure messages. */
  cmd: string;
}

/** Where the pause hook stops a child (test/helpers/child-hooks.mjs describes each instant). */
export type PauseSpec =
  /** Right after the first object was renamed into place below `dir` (e.g. `leases`: lease written). */
  | { at: 'after'; dir: VaultDir }
  /** Right before that rename (the object is not visible yet). */
  | { at: 'before'; dir: VaultDir }
  /** When the process first opens a file below `path` (a backup: lease taken, index loaded, walk started). */
  | { at: 'open'; path: string };

export type VaultDir = 'leases' | 'prune' | 'index' | 'points' | 'data' | 'meta';

export interface RunOptions {
  /** SIGKILL the child at its N-th crash point (DESKVAULT_CRASH_AT). */
  crashAt?: number;
  pause?: PauseSpec;
  /** Shift the child's Date.now() (lease times) by this much, e.g. to run "21 minutes later". */
  clockOffsetMs?: number;
  /** Make the child report this host name (a process "on another machine"). */
  hostname?: string;
  env?: Record<string, string | undefined>;
  /** Kill a hung child after this long (a test failure, never an expected outcome). */
  timeoutMs?: number;
}

function childEnv(opts: RunOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DESKVAULT_PASSWORD: PASSWORD, DESKVAULT_TEST_KDF: '1', ...opts.env };
  delete env.DESKVAULT_CRASH_AT;
  delete env.DV_TEST_PAUSE;
  delete env.DV_TEST_CLOCK_OFFSET_MS;
  delete env.DV_TEST_HOSTNAME;
  if (opts.hostname) env.DV_TEST_HOSTNAME = opts.hostname;
  delete env.DESKVAULT_VAULT;
  if (opts.crashAt !== undefined) env.DESKVAULT_CRASH_AT = String(opts.crashAt);
  if (opts.clockOffsetMs) env.DV_TEST_CLOCK_OFFSET_MS = String(opts.clockOffsetMs);
  if (opts.pause) env.DV_TEST_PAUSE = opts.pause.at === 'open' ? `open:${opts.pause.path}` : `${opts.pause.at}:${opts.pause.dir}`;
  return env;
}

function nodeArgs(opts: RunOptions, args: string[]): string[] {
  return [...(opts.pause || opts.clockOffsetMs || opts.hostname ? ['--import', CHILD_HOOKS] : []), BIN, ...args];
}

const describeCmd = (args: string[], opts: RunOptions): string =>
  `${opts.crashAt !== undefined ? `DESKVAULT_CRASH_AT=${opts.crashAt} ` : ''}deskvault ${args.join(' ')}`;

/** Runs the CLI to completion. */
export function runCli(args: string[], opts: RunOptions = {}): RunResult {
  const r = spawnSync(process.execPath, nodeArgs(opts, args), {
    env: childEnv(opts),
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 100_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${describeCmd(args, opts)}: ${r.error.message}\nstderr: ${r.stderr}`);
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, cmd: describeCmd(args, opts) };
}

/** `deskvault CMD --vault VAULT ARGS...` */
export function dv(vault: string, cmd: string | string[], args: string[] = [], opts: RunOptions = {}): RunResult {
  const words = Array.isArray(cmd) ? cmd : [cmd];
  return runCli([...words, '--vault', vault, ...args], opts);
}

export interface AsyncRun {
  child: ChildProcess;
  pid: number;
  done: Promise<RunResult>;
}

const started = new Set<AsyncRun>();

/** Starts the CLI without waiting (for processes the test pauses, resumes or races). */
export function startCli(args: string[], opts: RunOptions = {}): AsyncRun {
  const child = spawn(process.execPath, nodeArgs(opts, args), { env: childEnv(opts), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 100_000);
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, cmd: describeCmd(args, opts) });
    });
  });
  if (child.pid === undefined) throw new Error(`could not start ${describeCmd(args, opts)}`);
  const run = { child, pid: child.pid, done };
  started.add(run);
  void done.finally(() => started.delete(run));
  return run;
}

/** Resumes a child stopped by the pause hook. */
export function resume(run: AsyncRun): void {
  process.kill(run.pid, 'SIGCONT');
}

/** Kills (by pid) every child started by startCli that is still running — for afterEach/afterAll. */
export async function killStarted(): Promise<void> {
  const runs = [...started];
  for (const r of runs) {
    try {
      process.kill(r.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  await Promise.allSettled(runs.map((r) => r.done));
}

/** runCli, asynchronously (for sweeps that run a few instants side by side). */
export function runCliAsync(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return startCli(args, opts).done;
}

export function dvAsync(vault: string, cmd: string | string[], args: string[] = [], opts: RunOptions = {}): Promise<RunResult> {
  const words = Array.isArray(cmd) ? cmd : [cmd];
  return runCliAsync([...words, '--vault', vault, ...args], opts);
}

export function startDv(vault: string, cmd: string | string[], args: string[] = [], opts: RunOptions = {}): AsyncRun {
  const words = Array.isArray(cmd) ? cmd : [cmd];
  return startCli([...words, '--vault', vault, ...args], opts);
}

/** The process state letter from /proc (Linux): R, S, D, T (stopped), Z…; null once it is gone. */
export function procState(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits until a child paused by the pause hook has stopped itself; fails if it exits instead. */
export async function waitUntilStopped(run: AsyncRun, timeoutMs = 60_000): Promise<void> {
  const state: { exited: RunResult | null } = { exited: null };
  void run.done.then((r) => (state.exited = r));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (state.exited) {
      const r = state.exited;
      throw new Error(`${r.cmd} ended (status ${r.status}, signal ${r.signal}) instead of pausing\nstderr: ${r.stderr}`);
    }
    const s = procState(run.pid);
    if (s === 'T' || s === 't') return;
    if (Date.now() > deadline) throw new Error(`${run.child.spawnargs.join(' ')} did not pause within ${timeoutMs} ms (state ${s})`);
    await sleep(2);
  }
}

// ---- result checks ----

/** A readable description of a run, for assertion messages. */
export function show(r: RunResult): string {
  return `${r.cmd}\n  status ${r.status}, signal ${r.signal}\n  stdout: ${r.stdout.trim().slice(0, 4000)}\n  stderr: ${r.stderr.trim().slice(0, 4000)}`;
}

/** Throws with the whole run described unless it exited with `status`. */
export function expectStatus(r: RunResult, status: number): RunResult {
  if (r.status !== status || r.signal !== null) throw new Error(`expected exit ${status}:\n${show(r)}`);
  return r;
}

export function parseJson<T>(r: RunResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON:\n${show(r)}`);
  }
}

export interface PointSummary {
  id: string;
  time: string;
  host: string;
  paths: string[];
  status: string;
  stats: { files: number; bytes: number; storedBytes: number; newChunks: number; chunks: number };
}

export function points(vault: string): PointSummary[] {
  return parseJson<PointSummary[]>(expectStatus(dv(vault, 'points', ['--json']), 0));
}

// ---- temporary folders ----

export { listObjects, removeTempDirs } from './files.js';

/** A fresh folder under the OS temp folder (real path); `removeTempDirs` removes them all. */
export function makeTempDir(prefix = 'dv-it-'): string {
  return makeTempDirIn(prefix);
}

/** Copies a whole folder (a vault template) to a new temporary folder. */
export function copyTree(src: string, prefix = 'dv-it-copy-'): string {
  const dst = makeTempDir(prefix);
  fs.cpSync(src, dst, { recursive: true, preserveTimestamps: true });
  return dst;
}

// ---- deterministic data ----

/** mulberry32: a small seeded PRNG, so every tree and every chosen crash instant can be replayed. */
export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  /** Incompressible bytes. */
  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let i = 0;
    for (; i + 4 <= n; i += 4) out.writeUInt32LE(Math.floor(this.next() * 4294967296), i);
    for (; i < n; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }
  /** Compressible text made of a small vocabulary. */
  text(n: number): Buffer {
    const words = ['vault', 'pack', 'chunk', 'index', 'lease', 'prune', 'backup', 'restore', 'tree', 'point', 'delta', 'orbit', 'quartz', 'lemon', 'river', '\n'];
    const parts: string[] = [];
    let len = 0;
    while (len < n) {
      const w = this.pick(words) + (this.next() < 0.8 ? ' ' : '');
      parts.push(w);
      len += w.length;
    }
    return Buffer.from(parts.join('').slice(0, n), 'latin1');
  }
}

export interface TreeOptions {
  /** Ordinary files (sizes 0–maxSize, a mix of text and random). */
  files?: number;
  maxSize?: number;
  /** Extra large random files (to fill several 16 MiB packs). */
  bigFiles?: number;
  bigSize?: number;
  /** Also add a few symlinks and empty folders. */
  specials?: boolean;
}

export interface TreeInfo {
  root: string;
  files: number;
  bytes: number;
}

/**
 * Writes a deterministic tree below `root` (created if needed): nested folders up to 3 deep,
 * `files` files of 0–`maxSize` bytes (about half compressible text, some empty), optional large
 * random files, symlinks and empty folders. The same seed always gives the same names and bytes.
 */
export function buildSourceTree(root: string, seed: number, opts: TreeOptions = {}): TreeInfo {
  const rng = new Prng(seed);
  const nFiles = opts.files ?? 200;
  const maxSize = opts.maxSize ?? 300 * 1024;
  fs.mkdirSync(root, { recursive: true });
  const dirs = [root];
  const nDirs = Math.max(1, Math.round(nFiles / 12));
  for (let i = 0; i < nDirs; i++) {
    const parent = rng.pick(dirs);
    const depth = path.relative(root, parent).split(path.sep).filter(Boolean).length;
    const dir = path.join(depth >= 3 ? root : parent, `d${seed % 1000}-${i}`);
    fs.mkdirSync(dir, { recursive: true });
    dirs.push(dir);
  }
  let bytes = 0;
  let files = 0;
  for (let i = 0; i < nFiles; i++) {
    const dir = rng.pick(dirs);
    const kind = rng.next();
    // Skew towards small files, with a tail up to maxSize.
    const size = kind < 0.05 ? 0 : Math.floor(maxSize * rng.next() ** 2);
    const data = rng.next() < 0.5 ? rng.text(size) : rng.bytes(size);
    fs.writeFileSync(path.join(dir, `f${i}${rng.next() < 0.5 ? '.txt' : '.bin'}`), data);
    bytes += size;
    files++;
  }
  const bigSize = opts.bigSize ?? 8 * 1024 * 1024;
  for (let i = 0; i < (opts.bigFiles ?? 0); i++) {
    fs.writeFileSync(path.join(rng.pick(dirs), `big${seed % 1000}-${i}.bin`), rng.bytes(bigSize));
    bytes += bigSize;
    files++;
  }
  if (opts.specials ?? true) {
    const linkDir = rng.pick(dirs);
    fs.symlinkSync('f0.txt', path.join(linkDir, 'link-relative'));
    fs.symlinkSync('/nonexistent/target', path.join(rng.pick(dirs), 'link-dangling'));
    fs.mkdirSync(path.join(rng.pick(dirs), 'empty-folder'), { recursive: true });
  }
  return { root, files, bytes };
}

// ---- comparisons ----

interface Entry {
  type: 'file' | 'dir' | 'symlink';
  data?: Buffer;
  target?: string;
}

function readEntries(root: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  walkTree(root, (r, abs, st) => {
    if (st.isDirectory()) out.set(r, { type: 'dir' });
    else if (st.isSymbolicLink()) out.set(r, { type: 'symlink', target: fs.readlinkSync(abs) });
    else if (st.isFile()) out.set(r, { type: 'file', data: fs.readFileSync(abs) });
  });
  return out;
}

/** Every difference between two trees (names, kinds, file bytes, link targets); empty if equal. */
export function diffTrees(expected: string, actual: string): string[] {
  if (!fs.existsSync(actual)) return [`${actual} does not exist`];
  const a = readEntries(expected);
  const b = readEntries(actual);
  const diffs: string[] = [];
  for (const [p, e] of a) {
    const o = b.get(p);
    if (!o) diffs.push(`missing: ${p}`);
    else if (o.type !== e.type) diffs.push(`${p}: ${e.type} restored as ${o.type}`);
    else if (e.type === 'file' && !e.data!.equals(o.data!)) diffs.push(`${p}: content differs (${e.data!.length} vs ${o.data!.length} bytes)`);
    else if (e.type === 'symlink' && e.target !== o.target) diffs.push(`${p}: link target ${o.target}, expected ${e.target}`);
  }
  for (const p of b.keys()) if (!a.has(p)) diffs.push(`unexpected: ${p}`);
  return diffs;
}

/**
 * Restores POINT (all of it) into a fresh folder and returns the differences between each source
 * folder and its restored copy (restore recreates /a/b as TARGET/a/b); empty if all are equal.
 * A source given as `{ path, expected }` is compared with `expected` (a snapshot of an earlier state).
 */
export async function restoreDiff(vault: string, point: string, sources: (string | { path: string; expected: string })[]): Promise<string[]> {
  const target = makeTempDir('dv-it-restore-');
  const r = await dvAsync(vault, 'restore', [point, '--target', target]);
  if (r.status !== 0 || r.signal) return [`restore of ${point} failed:\n${show(r)}`];
  const diffs: string[] = [];
  for (const s of sources) {
    const src = typeof s === 'string' ? s : s.path;
    const expected = typeof s === 'string' ? s : s.expected;
    diffs.push(...diffTrees(expected, path.join(target, src)).map((d) => `${point.slice(0, 8)} ${src}: ${d}`));
  }
  removeDir(target);
  return diffs;
}

// ---- vault objects ----

/** Unfinished writes (`.tmp-*`) anywhere in a vault folder. */
export function listTmpFiles(vault: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.startsWith('.tmp-')) out.push(p);
    }
  };
  walk(vault);
  return out.sort();
}

/** Pack keys (`data/aa/id`, `meta/aa/id`). */
export function listPackKeys(vault: string): string[] {
  return [...listObjects(vault, 'data/'), ...listObjects(vault, 'meta/')];
}

/**
 * Removes the lease objects a killed process left behind. A dead process's lease stays "alive"
 * for its TTL plus the clock-skew allowance (20 min); deleting it is exactly what the first
 * operation after expiry does, so this stands in for waiting that long.
 */
export function expireLeases(vault: string): number {
  const keys = listObjects(vault, 'leases/');
  for (const k of keys) fs.rmSync(path.join(vault, ...k.split('/')));
  return keys.length;
}

/**
 * Finds how many crash points `run(n)` passes: run(n) must be SIGKILLed while n ≤ count and
 * complete normally once n > count (so the first n that is not killed is count + 1). Gallops
 * upward, then bisects, so it costs O(log count) runs. `run` must use a fresh vault each time.
 */
export async function countCrashPoints(run: (n: number) => Promise<RunResult>): Promise<number> {
  const killed = async (n: number): Promise<boolean> => {
    const r = await run(n);
    if (r.signal === 'SIGKILL') return true;
    expectStatus(r, 0);
    return false;
  };
  if (!(await killed(1))) return 0;
  let lo = 1; // killed
  let hi = 2;
  while (await killed(hi)) {
    lo = hi;
    hi *= 2;
    if (hi > 1 << 16) throw new Error('crash point count does not converge');
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (await killed(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Runs `fn` over `items` with at most `limit` at once; results in input order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** Side-by-side instants in sweeps: 2 by default (the suite targets 2 cores); DV_IT_JOBS overrides. */
export const SWEEP_JOBS = Math.max(1, Number(process.env.DV_IT_JOBS ?? 2) || 2);

/**
 * ~`n` distinct crash instants in [1, count], sorted: always 1, 2 and the last three; the rest
 * spread evenly — one seeded-random instant in each of equal slices of the range between.
 * DV_IT_EXHAUSTIVE=1 returns every instant (a slow, thorough run).
 */
export function chooseInstants(count: number, n: number, seed: number): number[] {
  if (process.env.DV_IT_EXHAUSTIVE === '1') return Array.from({ length: count }, (_, i) => i + 1);
  const set = new Set<number>([1, 2, count - 2, count - 1, count].filter((x) => x >= 1 && x <= count));
  const rng = new Prng(seed);
  const lo = 3;
  const hi = count - 3;
  const slices = Math.max(0, n - set.size);
  if (hi >= lo && slices > 0) {
    const width = (hi - lo + 1) / slices;
    for (let i = 0; i < slices; i++) {
      const a = lo + Math.floor(i * width);
      const b = Math.max(a, lo + Math.floor((i + 1) * width) - 1);
      set.add(rng.int(a, Math.min(b, hi)));
    }
  }
  return [...set].sort((a, b) => a - b);
}
