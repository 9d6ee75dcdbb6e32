#!/usr/bin/env node
// DeskVault benchmark harness: DeskVault vs restic vs borg on the same deterministic dataset.
// Plain ESM, Node 20, node:* only. See bench/README.md.
//
//   node bench/run.js [--quick | --size-mb N] [--seed S] [--repeat N] [--only deskvault,restic,borg]
//                     [--verify] [--keep] [--no-install] [--timeout-min M]
//
// Writes bench/work/results.json and bench/work/results.md; per-command logs in bench/work/logs/.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sharedBench = path.resolve(repoRoot, '../shared/bench');
const workDir = path.join(repoRoot, 'bench', 'work');
const logDir = path.join(workDir, 'logs');
const treeDir = path.join(workDir, 'tree'); // the backed-up tree: same absolute path for every tool
const TOOLS = ['deskvault', 'restic', 'borg'];
const TOOL_LABEL = { deskvault: 'DeskVault', restic: 'restic', borg: 'borg' };
const PASSWORD = 'bench-password-not-secret';
const TIME_BIN = '/usr/bin/time';

// ------------------------------------------------------------------------------------ options
function usage(code) {
  const txt = `usage: node bench/run.js [options]
  --size-mb N        dataset size in MiB (default: make-dataset.sh default, 1024)
  --quick            100 MiB dataset (same as --size-mb 100)
  --seed S           dataset seed (default 42)
  --repeat N         run everything N times, report medians (default 1)
  --only LIST        tools to run: deskvault,restic,borg (comma list or repeated flag)
  --mutate-pct P     percentage for mutate.sh (default 1)
  --verify           full content compare (diff -r) of every full restore against the source
  --keep             keep repos, restores and the working tree after the run
  --no-install       never apt-get install missing tools
  --timeout-min M    per-command timeout in minutes (default 60)
  --deskvault-cli F  run this script instead of bin/deskvault.js (to test the harness)
  -h, --help         this text`;
  (code ? process.stderr : process.stdout).write(txt + '\n');
  process.exit(code);
}

function parseArgs(argv) {
  const o = { sizeMb: null, seed: 42, repeat: 1, only: [], mutatePct: 1, verify: false, keep: false, install: true, timeoutMin: 60 };
  const num = (flag, v, { int = true, min = 1 } = {}) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || (int && !Number.isInteger(n)) || n < min) {
      process.stderr.write(`bench: ${flag} needs a number >= ${min}, got ${v === undefined ? 'nothing' : JSON.stringify(v)}\n`);
      process.exit(2);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let val;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { val = a.slice(eq + 1); a = a.slice(0, eq); }
    const next = () => (val !== undefined ? val : argv[++i]);
    switch (a) {
      case '--size-mb': o.sizeMb = num(a, next()); o.explicitSize = true; break;
      case '--quick': o.quick = true; break;
      case '--seed': o.seed = num(a, next(), { min: 0 }); break;
      case '--repeat': o.repeat = num(a, next()); break;
      case '--mutate-pct': o.mutatePct = num(a, next(), { int: false, min: 0.01 }); break;
      case '--timeout-min': o.timeoutMin = num(a, next(), { int: false, min: 0.1 }); break;
      case '--only': {
        const v = next();
        for (const t of String(v ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
          if (!TOOLS.includes(t)) { process.stderr.write(`bench: --only: unknown tool ${JSON.stringify(t)} (use ${TOOLS.join('|')})\n`); process.exit(2); }
          if (!o.only.includes(t)) o.only.push(t);
        }
        if (!v) { process.stderr.write('bench: --only needs a tool name\n'); process.exit(2); }
        break;
      }
      case '--verify': o.verify = true; break;
      case '--deskvault-cli': o.deskvaultCli = next(); break;
      case '--keep': o.keep = true; break;
      case '--no-install': o.install = false; break;
      case '-h': case '--help': usage(0); break;
      default: process.stderr.write(`bench: unknown argument ${a}\n`); usage(2);
    }
  }
  // An explicit --size-mb wins over --quick, in any order.
  o.sizeMb = o.explicitSize ? o.sizeMb : o.quick ? 100 : 1024;
  o.tools = o.only.length ? TOOLS.filter((t) => o.only.includes(t)) : [...TOOLS];
  return o;
}

// ------------------------------------------------------------------------------------ helpers
const log = (...a) => process.stdout.write(a.join(' ') + '\n');
const warn = (...a) => process.stderr.write('bench: ' + a.join(' ') + '\n');

class BenchError extends Error {}

function tail(text, lines = 25) {
  const l = String(text ?? '').replace(/\s+$/, '').split('\n');
  return l.slice(-lines).join('\n');
}

function readTail(file, lines = 25) {
  try {
    const st = fs.statSync(file);
    const len = Math.min(st.size, 64 * 1024);
    const fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, st.size - len);
    fs.closeSync(fd);
    return tail(buf.toString('utf8'), lines);
  } catch {
    return '';
  }
}

/** Run an unmeasured helper command; throw with stderr tail on failure. */
function sh(cmd, args, { cwd = repoRoot, env = process.env, allow = [0], input, quiet = false, timeoutMs } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs });
  if (r.error) throw new BenchError(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (!allow.includes(r.status)) {
    throw new BenchError(`command failed (exit ${r.status ?? r.signal}): ${cmd} ${args.join(' ')}\n--- stderr tail ---\n${tail(r.stderr)}\n--- stdout tail ---\n${tail(r.stdout, 10)}`);
  }
  if (!quiet && r.stderr && r.stderr.trim()) process.stderr.write(r.stderr);
  return r;
}

function which(cmd) {
  for (const d of (process.env.PATH || '/usr/local/bin:/usr/bin:/bin').split(':')) {
    const p = path.join(d, cmd);
    try { fs.accessSync(p, fs.constants.X_OK); return p; } catch { /* next */ }
  }
  return null;
}

function rmrf(p) { fs.rmSync(p, { recursive: true, force: true, maxRetries: 3 }); }

function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

function duBytes(dir) {
  // Allocated size (what `du` reports) and apparent size, in bytes.
  if (!fs.existsSync(dir)) return { allocated: null, apparent: null };
  const a = sh('du', ['-s', '--block-size=1', dir], { quiet: true }).stdout.split('\t')[0];
  const b = sh('du', ['-s', '--apparent-size', '--block-size=1', dir], { quiet: true }).stdout.split('\t')[0];
  return { allocated: Number(a), apparent: Number(b) };
}

/** Walk a tree without following symlinks. */
function walk(root, onEntry) {
  const stack = [root];
  while (stack.length) {
    const d = stack.pop();
    let ents;
    try { ents = fs.readdirSync(d, { withFileTypes: true }); } catch { continue; }
    for (const e of ents) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) { onEntry(p, 'dir'); stack.push(p); } else if (e.isSymbolicLink()) onEntry(p, 'symlink');
      else if (e.isFile()) onEntry(p, 'file');
    }
  }
}

function treeSummary(root) {
  const s = { files: 0, bytes: 0, symlinks: 0, dirs: 0 };
  walk(root, (p, kind) => {
    if (kind === 'file') { s.files++; s.bytes += fs.lstatSync(p).size; } else if (kind === 'symlink') s.symlinks++;
    else s.dirs++;
  });
  return s;
}

/** Read every regular file once into one reused buffer (warms the page cache). */
function warmCache(root) {
  const buf = Buffer.allocUnsafe(1 << 20);
  let bytes = 0;
  walk(root, (p, kind) => {
    if (kind !== 'file') return;
    const fd = fs.openSync(p, 'r');
    try { let n; while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) bytes += n; } finally { fs.closeSync(fd); }
  });
  return bytes;
}

function sha256File(p) {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = fs.openSync(p, 'r');
  try { let n; while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n)); } finally { fs.closeSync(fd); }
  return h.digest('hex');
}

const fmtS = (ms) => (ms == null ? 'n/a' : ms < 10000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`);
const fmtMiB = (kb) => (kb == null ? 'n/a' : `${(kb / 1024).toFixed(0)} MiB`);
const fmtBytes = (b) => (b == null ? 'n/a' : `${(b / 2 ** 20).toFixed(1)} MiB`);

// ------------------------------------------------------------------------------------ setup
function ensureTools(opts) {
  const need = [];
  if (opts.tools.includes('restic') && !which('restic')) need.push('restic');
  if (opts.tools.includes('borg') && !which('borg')) need.push('borgbackup');
  if (!fs.existsSync(TIME_BIN)) need.push('time');
  if (!which('python3')) need.push('python3');
  if (!need.length) return;
  if (!opts.install) throw new BenchError(`missing: ${need.join(', ')} (and --no-install given); run: apt-get install -y ${need.join(' ')}`);
  log(`installing with apt-get: ${need.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  sh('apt-get', ['update'], { env, quiet: true });
  sh('apt-get', ['install', '-y', ...need], { env, quiet: true });
}

function hostInfo() {
  let cpu = 'unknown';
  try { cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m) || [])[1] || os.cpus()[0]?.model || cpu; } catch { cpu = os.cpus()[0]?.model || cpu; }
  let nproc = os.availableParallelism?.() ?? os.cpus().length;
  try { nproc = Number(sh('nproc', [], { quiet: true }).stdout.trim()) || nproc; } catch { /* keep */ }
  return { date: new Date().toISOString(), nproc, cpu: cpu.trim(), memTotalMiB: Math.round(os.totalmem() / 2 ** 20), kernel: os.release(), node: process.version };
}

function toolVersion(cmd, args) {
  try { return sh(cmd, args, { quiet: true, allow: [0, 1, 2] }).stdout.trim().split('\n')[0]; } catch { return null; }
}

function ensureDataset(opts) {
  const name = `dataset-${opts.sizeMb}mb-seed${opts.seed}`;
  const dir = path.join(workDir, name);
  const marker = path.join(workDir, `${name}.json`);
  if (fs.existsSync(dir) && fs.existsSync(marker)) {
    const info = JSON.parse(fs.readFileSync(marker, 'utf8'));
    log(`dataset: reusing ${path.relative(repoRoot, dir)} (${info.summary.files} files, ${fmtBytes(info.summary.bytes)})`);
    return { dir, ...info };
  }
  rmrf(dir);
  rmrf(marker);
  const script = path.join(sharedBench, 'make-dataset.sh');
  if (!fs.existsSync(script)) throw new BenchError(`dataset generator not found: ${script}`);
  log(`dataset: generating ${opts.sizeMb} MiB, seed ${opts.seed} -> ${path.relative(repoRoot, dir)}`);
  const t0 = Date.now();
  const r = sh('bash', [script, dir, String(opts.sizeMb), String(opts.seed)], { quiet: true });
  const generatorOutput = r.stderr.trim();
  log('  ' + generatorOutput + ` (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  const info = { sizeMb: opts.sizeMb, seed: opts.seed, generatorOutput, summary: treeSummary(dir) };
  fs.writeFileSync(marker, JSON.stringify(info, null, 2));
  return { dir, ...info };
}

/** Deterministic single file for the one-file restore: regular file whose size is closest to 1 MiB
 *  (ties: lexicographically smallest path), skipping names with glob/pattern characters. */
function pickOneFile(root) {
  const target = 1 << 20;
  let best = null;
  walk(root, (p, kind) => {
    if (kind !== 'file' || /[*?[\]\\]/.test(p)) return;
    const size = fs.lstatSync(p).size;
    const d = Math.abs(size - target);
    if (!best || d < best.d || (d === best.d && p < best.path)) best = { path: p, size, d };
  });
  if (!best) throw new BenchError('no regular file found for the single-file restore');
  return { path: best.path, size: best.size, sha256: sha256File(best.path) };
}

// ------------------------------------------------------------------------------------ measuring
let timeoutMs = 60 * 60 * 1000;
let haveTime = true;

/**
 * Run a measured command through /usr/bin/time. Returns { wallMs, maxRssKb, userS, sysS, exit, stdout }.
 * Throws BenchError (with stderr tail) unless the exit code is in `ok`.
 */
function measure(label, cmd, args, { cwd = repoRoot, env, ok = [0] } = {}) {
  fs.mkdirSync(logDir, { recursive: true });
  const base = path.join(logDir, label.replace(/[^A-Za-z0-9._-]+/g, '_'));
  const outFile = `${base}.out`; const errFile = `${base}.err`; const timeFile = `${base}.time`;
  rmrf(timeFile);
  const outFd = fs.openSync(outFile, 'w'); const errFd = fs.openSync(errFile, 'w');
  // `timeout --foreground` (same process group, so Ctrl-C still reaches the tool) kills the tool itself
  // on timeout; spawnSync's own timeout is only a backstop.
  const limitS = Math.ceil(timeoutMs / 1000);
  const inner = ['timeout', '--foreground', '-k', '30', `${limitS}s`, cmd, ...args];
  const [c, a] = haveTime ? [TIME_BIN, ['-f', '%e %M %U %S', '-o', timeFile, ...inner]] : [inner[0], inner.slice(1)];
  sh('sync', [], { quiet: true }); // do not bill the previous command's writeback to this one
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c, a, { cwd, env, stdio: ['ignore', outFd, errFd], timeout: timeoutMs + 120000, killSignal: 'SIGKILL' });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.closeSync(outFd); fs.closeSync(errFd);
  // Not part of `wallMs`: how long the kernel then needs to flush what the tool left dirty (a tool
  // that fsyncs pays inside wallMs, one that does not pays here). Recorded in results.json.
  const s0 = process.hrtime.bigint();
  spawnSync('sync');
  const syncAfterMs = Number(process.hrtime.bigint() - s0) / 1e6;
  let maxRssKb = null; let userS = null; let sysS = null;
  if (haveTime) {
    try {
      const last = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().trim().split(/\s+/);
      if (last.length === 4 && last.every((x) => /^[\d.]+$/.test(x))) { maxRssKb = Number(last[1]); userS = Number(last[2]); sysS = Number(last[3]); }
    } catch { /* no time output (killed) */ }
  }
  const stdout = fs.readFileSync(outFile, 'utf8');
  const cmdline = [cmd, ...args].map((x) => (/[\s'"]/.test(x) ? JSON.stringify(x) : x)).join(' ');
  if (r.error) throw new BenchError(`${label}: cannot run ${cmdline}: ${r.error.message}`);
  if (r.signal) throw new BenchError(`${label}: killed by ${r.signal}: ${cmdline}\n--- stderr tail (${errFile}) ---\n${readTail(errFile)}`);
  if ((r.status === 124 || r.status === 137) && wallMs >= timeoutMs - 1000) {
    throw new BenchError(`${label}: timed out after ${timeoutMs / 60000} min (--timeout-min): ${cmdline}\n--- stderr tail (${errFile}) ---\n${readTail(errFile)}`);
  }
  if (!ok.includes(r.status)) {
    throw new BenchError(`${label}: exit ${r.status}: ${cmdline}\n--- stderr tail (${errFile}) ---\n${readTail(errFile)}\n--- stdout tail ---\n${readTail(outFile, 8)}`);
  }
  return { wallMs, syncAfterMs, maxRssKb, userS, sysS, exit: r.status, stdout };
}

// ------------------------------------------------------------------------------------ tools
// Each adapter: name, env, repo, init(), backup(phase) -> { extra }, restoreAll(target), restoreOne(target, abs), check(), settings
function makeAdapters(opts) {
  const homeOf = (t) => path.join(workDir, 'home', t); // per-tool caches/config, wiped between repeats
  const baseEnv = (t) => ({ ...process.env, XDG_CACHE_HOME: path.join(homeOf(t), 'cache'), XDG_CONFIG_HOME: path.join(homeOf(t), 'config'), XDG_DATA_HOME: path.join(homeOf(t), 'data') });

  const restic = {
    name: 'restic',
    repo: path.join(workDir, 'restic-repo'),
    home: homeOf('restic'),
    settings: 'restic defaults: repository format v2, compression auto (zstd), local cache in bench/work/home/restic',
    env() { return { ...baseEnv('restic'), RESTIC_PASSWORD: PASSWORD, RESTIC_CACHE_DIR: path.join(homeOf('restic'), 'cache', 'restic') }; },
    init(label) { return measure(label, 'restic', ['-r', this.repo, 'init'], { env: this.env() }); },
    backup(label) { return measure(label, 'restic', ['-r', this.repo, 'backup', treeDir], { env: this.env(), ok: [0, 3] }); },
    restoreAll(label, target) { return measure(label, 'restic', ['-r', this.repo, 'restore', 'latest', '--target', target], { env: this.env() }); },
    restoreOne(label, target, abs) { return measure(label, 'restic', ['-r', this.repo, 'restore', 'latest', '--target', target, '--include', abs], { env: this.env() }); },
    check(label) { return measure(label, 'restic', ['-r', this.repo, 'check', '--read-data'], { env: this.env() }); },
    points() { return JSON.parse(sh('restic', ['-r', this.repo, 'snapshots', '--json'], { env: this.env(), quiet: true }).stdout).length; },
  };

  const borg = {
    name: 'borg',
    repo: path.join(workDir, 'borg-repo'),
    home: homeOf('borg'),
    archives: [],
    settings: 'borg: init --encryption=repokey-blake2, create --compression zstd,3 (single-threaded by design)',
    env() {
      return {
        ...baseEnv('borg'), BORG_PASSPHRASE: PASSWORD, BORG_BASE_DIR: homeOf('borg'), BORG_DISPLAY_PASSPHRASE: 'no',
        BORG_RELOCATED_REPO_ACCESS_IS_OK: 'yes', BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'no',
      };
    },
    init(label) { this.archives = []; return measure(label, 'borg', ['init', '--encryption=repokey-blake2', this.repo], { env: this.env() }); },
    backup(label, phase) {
      const name = `bench-${this.archives.length + 1}-${phase}`;
      // exit 1 = warning (e.g. a file changed while read); still a complete archive
      const r = measure(label, 'borg', ['create', '--compression', 'zstd,3', `${this.repo}::${name}`, treeDir], { env: this.env(), ok: [0, 1] });
      this.archives.push(name);
      return r;
    },
    latest() { return this.archives[this.archives.length - 1]; },
    restoreAll(label, target) { return measure(label, 'borg', ['extract', `${this.repo}::${this.latest()}`], { env: this.env(), cwd: target }); },
    restoreOne(label, target, abs) { return measure(label, 'borg', ['extract', `${this.repo}::${this.latest()}`, abs.replace(/^\/+/, '')], { env: this.env(), cwd: target }); },
    check(label) { return measure(label, 'borg', ['check', '--verify-data', this.repo], { env: this.env() }); },
    points() { return sh('borg', ['list', '--short', this.repo], { env: this.env(), quiet: true }).stdout.trim().split('\n').filter(Boolean).length; },
  };

  const dvBin = dvCliPath(opts);
  const deskvault = {
    name: 'deskvault',
    repo: path.join(workDir, 'deskvault-vault'),
    home: homeOf('deskvault'),
    backupJson: [],
    settings: 'DeskVault: `bin/deskvault.js` run as a user runs it (its shebang sets the Node flags), vault defaults (see vault config)',
    env() { return { ...baseEnv('deskvault'), DESKVAULT_PASSWORD: PASSWORD }; },
    run(label, args, o = {}) { return measure(label, ...dvCommand(dvBin, args), { env: this.env(), ...o }); },
    init(label) { return this.run(label, ['init', '--vault', this.repo]); },
    backup(label, phase) {
      const r = this.run(label, ['backup', '--vault', this.repo, '--json', treeDir], { ok: [0, 3] });
      if (r.exit === 3) r.warning = 'exit 3: point created but some files were unreadable';
      const j = parseJsonOutput(r.stdout);
      if (!j) r.warning = (r.warning ? r.warning + '; ' : '') + 'backup --json printed no parsable JSON';
      const openMs = j?.timings?.openMs;
      r.openMs = typeof openMs === 'number' ? openMs : null;
      this.backupJson.push({ label, phase, exit: r.exit, json: j });
      return r;
    },
    restoreAll(label, target) { return this.run(label, ['restore', '--vault', this.repo, '--target', target, 'latest']); },
    restoreOne(label, target, abs) { return this.run(label, ['restore', '--vault', this.repo, '--target', target, 'latest', abs]); },
    check(label) { return this.run(label, ['check', '--vault', this.repo, '--read-data']); },
    points() {
      const r = sh(...dvCommand(dvBin, ['points', '--vault', this.repo, '--json']), { env: this.env(), quiet: true });
      const j = parseJsonOutput(r.stdout);
      if (!Array.isArray(j)) throw new BenchError(`deskvault points --json did not print a JSON array: ${tail(r.stdout, 5)}`);
      return j.length;
    },
    readConfig() {
      try { return JSON.parse(fs.readFileSync(path.join(this.repo, 'config'), 'utf8')); } catch { return null; }
    },
  };
  return { deskvault, restic, borg };
}

function parseJsonOutput(s) {
  const t = String(s ?? '').trim();
  if (!t) return null;
  try { return JSON.parse(t); } catch { /* try harder */ }
  const lines = t.split('\n').map((l) => l.trim()).filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) { try { return JSON.parse(lines[i]); } catch { /* next */ } }
  for (const [o, c] of [['{', '}'], ['[', ']']]) {
    const a = t.indexOf(o); const b = t.lastIndexOf(c);
    if (a >= 0 && b > a) { try { return JSON.parse(t.slice(a, b + 1)); } catch { /* next */ } }
  }
  return null;
}

/** The DeskVault CLI: bin/deskvault.js, executed directly as `npx deskvault` does (its shebang
 *  carries the Node flags). --deskvault-cli FILE substitutes another script (run with this Node). */
function dvCliPath(opts) { return opts.deskvaultCli ? path.resolve(opts.deskvaultCli) : path.join(repoRoot, 'bin', 'deskvault.js'); }

/** [command, args] to run the CLI script with arguments. */
function dvCommand(bin, args) {
  return bin === path.join(repoRoot, 'bin', 'deskvault.js') ? [bin, args] : [process.execPath, [bin, ...args]];
}

function deskvaultAvailable(opts) {
  const r = spawnSync(...dvCommand(dvCliPath(opts), ['--help']), { cwd: repoRoot, encoding: 'utf8', timeout: 60000 });
  if (r.status === 0) return { ok: true };
  return { ok: false, why: `\`node bin/deskvault.js --help\` exited ${r.status ?? r.signal}${r.error ? ` (${r.error.message})` : ''}: ${tail(r.stderr || r.stdout, 5)}` };
}

// ------------------------------------------------------------------------------------ the run
const OPS = [
  { key: 'init', label: 'init (create repo/vault)' },
  { key: 'initial', label: 'initial backup', time: 0.8 },
  { key: 'nochange', label: 'no-change re-run', time: 0.5 },
  { key: 'change', label: 'backup after 1% change' },
  { key: 'restoreAll', label: 'full restore (latest)', time: 0.8 },
  { key: 'restoreOne', label: 'single-file restore', time: 0.8 },
  { key: 'check', label: 'check --read-data', time: 1.0 },
];
const RSS_TARGET = 1.5;
const SIZE_TARGET = 1.0;

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  timeoutMs = opts.timeoutMin * 60 * 1000;
  if (process.platform !== 'linux') throw new BenchError('the benchmark runs on Linux only');
  fs.mkdirSync(workDir, { recursive: true });

  ensureTools(opts);
  haveTime = fs.existsSync(TIME_BIN);
  if (!haveTime) warn(`${TIME_BIN} not available: peak RSS will be n/a`);

  const host = hostInfo();
  const adapters = makeAdapters(opts);
  const failures = [];
  const skipped = {};

  let tools = [...opts.tools];
  if (tools.includes('deskvault')) {
    const a = deskvaultAvailable(opts);
    if (!a.ok) {
      const msg = `DeskVault CLI not usable: ${a.why}\n  (run \`npm run build\`, or use \`npm run bench\`)`;
      if (opts.only.length === 1) throw new BenchError(msg);
      warn(msg + '\n  -> continuing without DeskVault');
      skipped.deskvault = a.why;
      tools = tools.filter((t) => t !== 'deskvault');
    }
  }

  const versions = {
    deskvault: (() => { try { return JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version; } catch { return null; } })(),
    restic: tools.includes('restic') ? toolVersion('restic', ['version']) : null,
    borg: tools.includes('borg') ? toolVersion('borg', ['--version']) : null,
    git: (() => { try { return sh('git', ['rev-parse', '--short', 'HEAD'], { quiet: true }).stdout.trim(); } catch { return null; } })(),
  };

  const header = `${host.date} · nproc ${host.nproc} · ${host.cpu} · ${(host.memTotalMiB / 1024).toFixed(1)} GiB RAM · Linux ${host.kernel} · Node ${host.node}`;
  log(`# DeskVault benchmark\n${header}`);

  const ds = ensureDataset(opts);

  // samples[tool][op] = [ {wallMs, maxRssKb, ...} per repeat ]
  const samples = Object.fromEntries(tools.map((t) => [t, Object.fromEntries(OPS.map((o) => [o.key, []]))]));
  const sizes = Object.fromEntries(tools.map((t) => [t, { afterInitial: [], final: [] }]));
  const warnings = [];
  let oneFile = null;
  let mutateOutput = null;
  let restoreChecks = [];

  const cleanTool = (a) => { rmrf(a.repo); rmrf(a.home); rmrf(path.join(workDir, `restore-${a.name}`)); };

  for (let rep = 1; rep <= opts.repeat; rep++) {
    log(`\n## repeat ${rep}/${opts.repeat}`);
    // Fresh copy of the pristine dataset at a fixed path (all tools back up the same absolute path).
    rmrf(treeDir);
    sh('cp', ['-a', ds.dir, treeDir], { quiet: true });
    for (const t of tools) cleanTool(adapters[t]);
    log(`warming page cache: ${fmtBytes(warmCache(treeDir))} read`);

    const broken = new Set();
    const step = (t, opKey, fn) => {
      if (broken.has(t)) { samples[t][opKey].push({ notRun: true }); return null; }
      const label = `r${rep}-${t}-${opKey}`;
      try {
        const r = fn(label);
        samples[t][opKey].push(r);
        const extra = [r.warning ? `WARNING ${r.warning}` : '', r.openMs != null ? `openMs=${r.openMs}` : ''].filter(Boolean).join(' ');
        log(`  ${TOOL_LABEL[t].padEnd(9)} ${opKey.padEnd(10)} ${fmtS(r.wallMs).padStart(9)}  ${fmtMiB(r.maxRssKb).padStart(8)}  ${extra}`);
        if (r.warning) warnings.push(`${label}: ${r.warning}`);
        return r;
      } catch (e) {
        if (!(e instanceof BenchError)) throw e;
        warn(`FAILED ${label}\n${e.message}`);
        failures.push({ label, tool: t, op: opKey, message: e.message });
        samples[t][opKey].push({ failed: true });
        // Everything after a failed init/backup depends on it; restore/check failures do not block the others.
        if (['init', 'initial', 'nochange', 'change'].includes(opKey)) broken.add(t);
        return null;
      }
    };

    log('phase 1: init, initial backup, no-change re-run');
    for (const t of tools) {
      const a = adapters[t];
      step(t, 'init', (l) => a.init(l));
      step(t, 'initial', (l) => a.backup(l, 'initial'));
      if (!broken.has(t)) sizes[t].afterInitial.push(duBytes(a.repo));
      step(t, 'nochange', (l) => a.backup(l, 'nochange'));
    }

    log(`phase 2: mutate.sh ${opts.mutatePct}% (once; every tool backs up the same mutated tree)`);
    mutateOutput = sh('bash', [path.join(sharedBench, 'mutate.sh'), treeDir, String(opts.mutatePct)], { quiet: true }).stderr.trim();
    log('  ' + mutateOutput);
    log(`warming page cache: ${fmtBytes(warmCache(treeDir))} read`);
    const srcSummary = treeSummary(treeDir);
    oneFile = pickOneFile(treeDir);
    if (rep === 1) log(`single-file restore target: ${path.relative(treeDir, oneFile.path)} (${oneFile.size} bytes)`);

    for (const t of tools) {
      const a = adapters[t];
      step(t, 'change', (l) => a.backup(l, 'change'));
      if (!broken.has(t)) {
        sizes[t].final.push(duBytes(a.repo));
        try {
          const n = a.points();
          if (n !== 3) { const w = `r${rep}-${t}: expected 3 points/snapshots/archives, found ${n}`; warn(w); warnings.push(w); }
        } catch (e) { const w = `r${rep}-${t}: listing points failed: ${e.message}`; warn(w); warnings.push(w); }
      }
    }

    log('phase 3: full restore, single-file restore, check');
    for (const t of tools) {
      const a = adapters[t];
      const target = path.join(workDir, `restore-${t}`);
      rmrf(target); fs.mkdirSync(target, { recursive: true });
      const r = step(t, 'restoreAll', (l) => a.restoreAll(l, target));
      if (r) {
        const restored = path.join(target, treeDir);
        const got = treeSummary(restored);
        const same = got.files === srcSummary.files && got.bytes === srcSummary.bytes && got.symlinks === srcSummary.symlinks;
        let diff = null;
        if (opts.verify) {
          const d = spawnSync('diff', ['-r', '-q', '--no-dereference', treeDir, restored], { encoding: 'utf8', maxBuffer: 64 << 20 });
          diff = d.status === 0 ? 'identical' : `differs (diff exit ${d.status}): ${tail(d.stdout || d.stderr, 10)}`;
        }
        restoreChecks.push({ rep, tool: t, source: srcSummary, restored: got, summaryMatches: same, diff });
        if (!same || (diff && diff !== 'identical')) {
          const w = `r${rep}-${t}: full restore differs from source: restored ${JSON.stringify(got)} vs source ${JSON.stringify(srcSummary)}${diff ? `; ${diff}` : ''}`;
          warn(w); warnings.push(w);
        }
      }
      rmrf(target); fs.mkdirSync(target, { recursive: true });
      const r1 = step(t, 'restoreOne', (l) => a.restoreOne(l, target, oneFile.path));
      if (r1) {
        const p = path.join(target, oneFile.path);
        let ok = false;
        try { ok = fs.statSync(p).size === oneFile.size && sha256File(p) === oneFile.sha256; } catch { ok = false; }
        let count = 0; walk(target, (_, k) => { if (k === 'file') count++; });
        if (!ok || count !== 1) { const w = `r${rep}-${t}: single-file restore wrong: file ${ok ? 'ok' : 'missing or different'}, ${count} regular files restored`; warn(w); warnings.push(w); }
      }
      rmrf(target);
      step(t, 'check', (l) => a.check(l));
    }
  }

  // ---------------------------------------------------------------------------------- report
  const med = {};
  for (const t of tools) {
    med[t] = {};
    for (const o of OPS) {
      const ok = samples[t][o.key].filter((s) => !s.failed && !s.notRun);
      const failed = samples[t][o.key].some((s) => s.failed);
      med[t][o.key] = ok.length ? { wallMs: median(ok.map((s) => s.wallMs)), maxRssKb: median(ok.map((s) => s.maxRssKb)), userS: median(ok.map((s) => s.userS)), sysS: median(ok.map((s) => s.sysS)), syncAfterMs: median(ok.map((s) => s.syncAfterMs)), n: ok.length, failed } : { failed, notRun: !failed };
    }
    const peaks = OPS.map((o) => med[t][o.key]?.maxRssKb).filter((x) => x != null);
    med[t].peakRssKb = peaks.length ? Math.max(...peaks) : null;
    med[t].sizeAfterInitial = median(sizes[t].afterInitial.map((s) => s.allocated));
    med[t].sizeFinal = median(sizes[t].final.map((s) => s.allocated));
    med[t].sizeFinalApparent = median(sizes[t].final.map((s) => s.apparent));
  }
  const dv = med.deskvault; const rs = med.restic;
  const ratio = (a, b) => (a != null && b != null && b > 0 ? a / b : null);
  const verdict = (r, target) => (r == null || target == null ? '' : r <= target ? ' PASS' : ' MISS');
  const ratioCell = (r, target) => (r == null ? 'n/a' : `${r.toFixed(2)}${target != null ? ` (≤${target})${verdict(r, target)}` : ''}`);
  const cell = (t, op, field) => {
    if (!med[t]) return skipped[t] ? 'skipped' : '—';
    const m = med[t][op];
    if (!m || m.wallMs == null) return m?.notRun ? 'not run' : 'FAIL';
    const v = field === 'time' ? fmtS(m.wallMs) : fmtMiB(m.maxRssKb);
    return m.failed ? `${v} (${m.n}/${opts.repeat} ok)` : v;
  };

  const cols = TOOLS.flatMap((t) => [`${TOOL_LABEL[t]} time`, `${TOOL_LABEL[t]} RSS`]);
  const lines = [];
  lines.push('| operation | ' + cols.join(' | ') + ' | DV/restic time | DV/restic RSS |');
  lines.push('|---|' + cols.map(() => '---:').join('|') + '|---|---|');
  const ratioRows = [];
  for (const o of OPS) {
    const rt = ratio(dv?.[o.key]?.wallMs, rs?.[o.key]?.wallMs);
    const rr = ratio(dv?.[o.key]?.maxRssKb, rs?.[o.key]?.maxRssKb);
    const rssTarget = o.key === 'init' ? null : RSS_TARGET;
    ratioRows.push({ row: o.label, timeRatio: rt, timeTarget: o.time ?? null, timeVerdict: verdict(rt, o.time).trim() || null, rssRatio: rr, rssTarget, rssVerdict: verdict(rr, rssTarget).trim() || null });
    lines.push(`| ${o.label} | ` + TOOLS.flatMap((t) => [cell(t, o.key, 'time'), cell(t, o.key, 'rss')]).join(' | ') + ` | ${ratioCell(rt, o.time)} | ${ratioCell(rr, rssTarget)} |`);
  }
  {
    const rr = ratio(dv?.peakRssKb, rs?.peakRssKb);
    ratioRows.push({ row: 'peak RSS (max over operations)', rssRatio: rr, rssTarget: RSS_TARGET, rssVerdict: verdict(rr, RSS_TARGET).trim() || null });
    lines.push('| **peak RSS** (max over operations) | ' + TOOLS.flatMap((t) => ['', med[t] ? fmtMiB(med[t].peakRssKb) : (skipped[t] ? 'skipped' : '—')]).join(' | ') + ` |  | ${ratioCell(rr, RSS_TARGET)} |`);
  }
  for (const [k, label] of [['sizeAfterInitial', 'vault size after initial backup (du)'], ['sizeFinal', '**vault size** after 3 backups (du)']]) {
    const r = ratio(dv?.[k], rs?.[k]);
    ratioRows.push({ row: label, sizeRatio: r, sizeTarget: SIZE_TARGET, sizeVerdict: verdict(r, SIZE_TARGET).trim() || null });
    lines.push(`| ${label} | ` + TOOLS.flatMap((t) => [med[t] ? fmtBytes(med[t][k]) : (skipped[t] ? 'skipped' : '—'), '']).join(' | ') + ` | ${ratioCell(r, SIZE_TARGET)} |  |`);
  }
  const table = lines.join('\n');

  const openVals = tools.includes('deskvault') ? samples.deskvault.initial.concat(samples.deskvault.nochange, samples.deskvault.change).map((s) => s.openMs).filter((x) => typeof x === 'number') : [];
  const openMed = median(openVals);
  const keyLine = `DeskVault key-opening time (key derivation, \`backup --json\` timings.openMs, median of ${openVals.length} backups): ${openMed != null ? `${openMed.toFixed(0)} ms` : tools.includes('deskvault') ? 'n/a (not in the JSON)' : 'n/a (DeskVault not run)'}`;

  const dvConfig = tools.includes('deskvault') ? adapters.deskvault.readConfig() : null;
  const settings = [
    tools.includes('restic') && adapters.restic.settings,
    tools.includes('borg') && adapters.borg.settings,
    tools.includes('deskvault') && (dvConfig ? `DeskVault vault config: chunker ${dvConfig.chunker?.algorithm} avg ${dvConfig.chunker?.avgSize}, ${dvConfig.aead}, compression ${dvConfig.compression?.algorithm} ${dvConfig.compression?.level}, packSize ${dvConfig.packSize}` : adapters.deskvault.settings),
  ].filter(Boolean);
  const dsLine = `dataset: ${ds.sizeMb} MiB seed ${ds.seed}: ${ds.summary.files} files, ${ds.summary.symlinks} symlinks, ${ds.summary.dirs} dirs, ${fmtBytes(ds.summary.bytes)}; then mutate.sh ${opts.mutatePct}%`;
  const md = [
    '# DeskVault benchmark',
    '',
    header,
    '',
    `${dsLine}. Repeats: ${opts.repeat} (medians). Tools: ${tools.map((t) => TOOL_LABEL[t]).join(', ')}${Object.keys(skipped).length ? ` (skipped: ${Object.keys(skipped).join(', ')})` : ''}.`,
    `Versions: DeskVault ${versions.deskvault ?? '?'}${versions.git ? ` (${versions.git})` : ''}; ${versions.restic ?? 'restic n/a'}; ${versions.borg ?? 'borg n/a'}.`,
    '',
    ...settings.map((s) => `- ${s}`),
    `- time = wall clock of the CLI process; RSS = peak resident set (\`/usr/bin/time %M\`); page cache warm; \`sync\` before each command.`,
    `- single-file restore: \`${oneFile ? path.relative(treeDir, oneFile.path) : '?'}\` (${oneFile?.size ?? '?'} bytes).`,
    '',
    table,
    '',
    keyLine,
    '',
    ...(warnings.length ? ['Warnings:', ...warnings.map((w) => `- ${w}`), ''] : []),
    ...(failures.length ? ['Failures:', ...failures.map((f) => `- ${f.message.split('\n')[0]}`), ''] : []),
  ].join('\n');

  const results = {
    host, versions, options: opts, dataset: { ...ds, mutatePct: opts.mutatePct, mutateOutput }, tools, skipped, settings,
    oneFile: oneFile && { path: oneFile.path, size: oneFile.size, sha256: oneFile.sha256 },
    samples: Object.fromEntries(Object.entries(samples).map(([t, ops]) => [t, Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, v.map(({ stdout: _stdout, ...rest }) => rest)]))])),
    sizes, medians: med, ratios: ratioRows,
    deskvault: tools.includes('deskvault') ? { openMs: openVals, openMsMedian: openMed, backupJson: adapters.deskvault.backupJson, vaultConfig: dvConfig } : null,
    restoreChecks, warnings, failures,
  };
  fs.writeFileSync(path.join(workDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(path.join(workDir, 'results.md'), md + '\n');
  log('\n' + md);
  log(`results: ${path.relative(process.cwd(), path.join(workDir, 'results.md'))}, ${path.relative(process.cwd(), path.join(workDir, 'results.json'))}; logs in ${path.relative(process.cwd(), logDir)}/`);

  if (!opts.keep) {
    for (const t of tools) cleanTool(adapters[t]);
    rmrf(treeDir);
    try { fs.rmdirSync(path.join(workDir, 'home')); } catch { /* not empty or absent */ }
  }
  if (failures.length) process.exitCode = 1;
}

main().catch((e) => {
  if (e instanceof BenchError) { process.stderr.write(`bench: ${e.message}\n`); process.exit(1); }
  process.stderr.write(`bench: unexpected error: ${e?.stack || e}\n`);
  process.exit(1);
});
