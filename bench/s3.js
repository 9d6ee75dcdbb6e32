#!/usr/bin/env node
// S3 section of the benchmark: DeskVault and restic against the same S3 protocol server (s3rver)
// on loopback, reached over https (restic's client corrupts objects on s3rver over plain http; see
// ../shared/TOOLCHAIN.md). A small TLS proxy in front of s3rver terminates https with a self-signed
// certificate and counts every request, so both tools are measured the same way: wall time, peak
// RSS, and requests per GiB written and read.
//
//   node bench/s3.js [--size-mb N | --quick] [--seed S] [--repeat N] [--only restic,deskvault] [--profile] [--deskvault-cli FILE]
//
// --repeat N runs both tools N times (fresh repositories each time, tools back to back within a
// repeat) and reports medians and ranges; --profile writes DeskVault's CPU profiles (node
// --cpu-prof) to bench/work/s3-profiles/. The proxy also counts requests by type (PUT/GET/HEAD/
// LIST/DELETE and the key's folder), shown under the table. --deskvault-cli FILE runs FILE with Node
// instead of bin/deskvault.js (e.g. an earlier build, to compare two versions on the same machine).
//
// Writes bench/work/s3-results.md and s3-results.json.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.join(repoRoot, 'bench', 'work');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const sizeMb = flag('--quick') ? 100 : Number(value('--size-mb', 1024));
const seed = Number(value('--seed', 42));
const repeat = Number(value('--repeat', 1));

function sh(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...opts });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status ?? r.signal}):\n${(r.stderr || r.stdout || '').slice(-2000)}`);
  return r;
}

function ensureTools() {
  const missing = ['restic', 'openssl'].filter((t) => sh('sh', ['-c', `command -v ${t}`], { allowFail: true }).status !== 0);
  if (!fs.existsSync('/usr/bin/time')) missing.push('time');
  if (missing.length) {
    sh('sh', ['-c', 'apt-get update -qq'], { stdio: 'inherit' });
    sh('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit' });
  }
}

function dataset() {
  const dir = path.join(work, `dataset-${sizeMb}mb-seed${seed}`);
  if (!fs.existsSync(dir)) sh('bash', [path.resolve(repoRoot, '../shared/bench/make-dataset.sh'), dir, String(sizeMb), String(seed)], { stdio: 'inherit' });
  const bytes = Number(sh('du', ['-sb', dir]).stdout.split('\t')[0]);
  sh('sh', ['-c', `find "${dir}" -type f -print0 | xargs -0 cat > /dev/null`]);
  return { dir, bytes };
}

/** The counting TLS proxy, as its own process (see tls-count-proxy.js). */
async function startCountingTlsProxy(upstreamPort, key, cert, countFile) {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bench', 'tls-count-proxy.js'), String(upstreamPort), key, cert, countFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('exit', (c) => reject(new Error(`the TLS proxy exited (${c})`)));
  });
  const snapshot = () => JSON.parse(fs.readFileSync(countFile, 'utf8') || '{"total":0,"byType":{}}');
  return { port, snapshot, close: () => child.kill() };
}

/**
 * Restored trees are deleted only at the end of a run, and a run starts its measurements at least
 * five minutes after the last such deletion. Reason: on an ext4 without a journal (this VM's root
 * file system), creating a file skips, one by one, every inode of its block group deleted in the
 * last five minutes (fs/ext4/ialloc.c, recently_deleted), so creating ~24k files right after
 * deleting ~24k others nearby costs seconds of kernel time. Deleting each restore before the next
 * tool's restore made whichever tool came next pay for it (restic's restore took 8.6 s in one
 * repeat and 19.1 s in the next).
 */
const INODE_COOLDOWN_MS = 5 * 60 * 1000;
const cleanupMarker = path.join(work, 's3-cleanup-at');

function removeTrees(dirs) {
  const existing = dirs.filter((d) => fs.existsSync(d));
  for (const d of existing) fs.rmSync(d, { recursive: true, force: true });
  if (existing.length > 0) fs.writeFileSync(cleanupMarker, String(Date.now()));
}

async function waitForInodeCooldown() {
  const last = fs.existsSync(cleanupMarker) ? Number(fs.readFileSync(cleanupMarker, 'utf8')) : 0;
  const waitMs = last + INODE_COOLDOWN_MS - Date.now();
  if (waitMs <= 0) return;
  console.log(`waiting ${Math.ceil(waitMs / 1000)} s: restored trees were deleted less than 5 minutes ago (see INODE_COOLDOWN_MS)`);
  await new Promise((r) => setTimeout(r, waitMs));
}

function measure(label, cmd, argv, env) {
  const timeFile = path.join(work, 's3-logs', `${label}.time`);
  fs.mkdirSync(path.dirname(timeFile), { recursive: true });
  const r = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%e %M', cmd, ...argv], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${label} failed (${r.status}):\n${(r.stderr || '').slice(-3000)}`);
  const [secs, kb] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ');
  return { seconds: Number(secs), rssMiB: Number(kb) / 1024, stdout: r.stdout };
}

async function main() {
  ensureTools();
  const { dir, bytes } = dataset();
  const gib = bytes / 2 ** 30;
  const base = path.join(work, 's3');
  // Trees a previous run left (interrupted) count as a deletion; everything else here is few files.
  removeTrees(fs.existsSync(base) ? fs.readdirSync(base).filter((n) => n.startsWith('restore-')).map((n) => path.join(base, n)) : []);
  fs.rmSync(base, { recursive: true, force: true });
  fs.mkdirSync(base, { recursive: true });
  const key = path.join(base, 'key.pem');
  const cert = path.join(base, 'cert.pem');
  sh('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);

  const s3rverPort = 40000 + Math.floor(Math.random() * 20000);
  const s3rver = spawn(process.execPath, [path.join(repoRoot, 'node_modules/s3rver/bin/s3rver.js'), '-d', path.join(base, 'data'), '-a', '127.0.0.1', '-p', String(s3rverPort), '-s', '--configure-bucket', 'bench'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1500));
  const proxy = await startCountingTlsProxy(s3rverPort, key, cert, path.join(base, 'requests.txt'));
  const endpoint = `https://127.0.0.1:${proxy.port}`;
  const creds = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' };
  const results = [];
  const run = (rep, tool, op, cmd, argv, env) => {
    // Untimed, as in bench/run.js: what the previous command (or s3rver) wrote is on disk first, so
    // no tool pays for another's write-back.
    sh('sync', []);
    const before = proxy.snapshot();
    const m = measure(`${tool}-${op}-${rep}`, cmd, argv, { ...creds, ...env });
    const after = proxy.snapshot();
    const requests = after.total - before.total;
    const byType = {};
    for (const [t, n] of Object.entries(after.byType)) if (n - (before.byType[t] ?? 0) > 0) byType[t] = n - (before.byType[t] ?? 0);
    results.push({ rep, tool, op, seconds: m.seconds, rssMiB: Math.round(m.rssMiB), requests, requestsPerGiB: Math.round((requests / gib) * 10) / 10, byType });
    const types = Object.entries(byType).sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `${t} ${n}`).join(', ');
    console.log(`#${rep} ${tool.padEnd(9)} ${op.padEnd(8)} ${m.seconds.toFixed(2).padStart(7)} s  ${Math.round(m.rssMiB)} MiB  ${requests} requests (${types})`);
  };

  const only = value('--only', 'restic,deskvault').split(',');
  const restored = [];
  await waitForInodeCooldown();
  const profileDir = flag('--profile') ? path.join(work, 's3-profiles') : null;
  if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
  try {
    for (let rep = 1; rep <= repeat; rep++) {
      if (only.includes('restic')) {
        const resticEnv = { RESTIC_PASSWORD: 'bench', RESTIC_CACHE_DIR: path.join(base, 'restic-cache') };
        const repo = `s3:${endpoint}/bench/restic-${rep}`;
        sh('restic', ['--cacert', cert, '-r', repo, 'init'], { env: { ...process.env, ...creds, ...resticEnv } });
        run(rep, 'restic', 'backup', 'restic', ['--cacert', cert, '-r', repo, 'backup', dir], resticEnv);
        fs.rmSync(path.join(base, 'restic-cache'), { recursive: true, force: true }); // a restore on a new machine
        const resticTarget = path.join(base, `restore-restic-${rep}`);
        restored.push(resticTarget);
        run(rep, 'restic', 'restore', 'restic', ['--cacert', cert, '-r', repo, 'restore', 'latest', '--target', resticTarget], resticEnv);
      }
      if (only.includes('deskvault')) {
        // The CLI as a user runs it; the self-signed certificate trusted through Node's standard variable.
        const vault = `s3://bench/deskvault-${rep}?endpoint=${encodeURIComponent(endpoint)}&path-style=true&region=us-east-1`;
        const dvEnv = { DESKVAULT_PASSWORD: 'bench', NODE_EXTRA_CA_CERTS: cert, DESKVAULT_HOME: path.join(base, 'dv-home'), AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED' };
        const custom = value('--deskvault-cli', null);
        const bin = custom ? path.resolve(custom) : path.join(repoRoot, 'bin', 'deskvault.js');
        sh(...(custom ? [process.execPath, [bin, 'init', '--vault', vault]] : [bin, ['init', '--vault', vault]]), { env: { ...process.env, ...creds, ...dvEnv } });
        // --cpu-prof is refused in NODE_OPTIONS: with --profile, Node runs the launcher itself (with
        // the launcher's own flag, --max-semi-space-size=2).
        const profile = (op) => (profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=deskvault-${op}-${rep}.cpuprofile`] : []);
        const dv = (op, argv) => (profileDir || custom ? [process.execPath, ['--max-semi-space-size=2', ...profile(op), bin, ...argv]] : [bin, argv]);
        run(rep, 'deskvault', 'backup', ...dv('backup', ['backup', '--vault', vault, dir]), dvEnv);
        fs.rmSync(path.join(base, 'dv-home'), { recursive: true, force: true }); // a restore on a new machine
        const target = path.join(base, `restore-dv-${rep}`);
        restored.push(target);
        run(rep, 'deskvault', 'restore', ...dv('restore', ['restore', '--vault', vault, 'latest', '--target', target]), dvEnv);
        sh('diff', ['-r', '--no-dereference', dir, path.join(target, dir)]);
      }
    }
  } finally {
    proxy.close();
    s3rver.kill();
    removeTrees(restored);
  }

  const median = (xs) => {
    const v = [...xs].sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  const span = (xs, f) => (xs.length > 1 ? ` (${f(Math.min(...xs))}–${f(Math.max(...xs))})` : '');
  const pick = (tool, op) => results.filter((r) => r.tool === tool && r.op === op);
  const lines = [
    `# DeskVault S3 benchmark`,
    '',
    `${new Date().toISOString()} · dataset ${sizeMb} MiB seed ${seed} (${(bytes / 2 ** 20).toFixed(1)} MiB) · s3rver ${'3.7.1'} behind a TLS proxy on 127.0.0.1 · restic ${sh('restic', ['version']).stdout.trim().split(' ')[1]} · ${repeat} repeat(s): medians, (range)`,
    '',
    '| operation | DeskVault time | restic time | time ratio | DeskVault requests/GiB | restic requests/GiB | requests ratio |',
    '|---|---:|---:|---|---:|---:|---|',
  ];
  for (const op of ['backup', 'restore']) {
    const d = pick('deskvault', op);
    const r = pick('restic', op);
    if (d.length === 0 || r.length === 0) continue;
    // Ratios within a repeat (both tools ran back to back), then their median and range.
    const ratios = d.map((x, i) => x.seconds / (r[i] ?? r[0]).seconds);
    const tr = median(ratios);
    // Requests compared unrounded (both tools wrote and read the same data): per repeat, then the median.
    const dq = median(d.map((x) => x.requestsPerGiB));
    const rq = median(r.map((x) => x.requestsPerGiB));
    const reqRatios = d.map((x, i) => x.requests / (r[i] ?? r[0]).requests);
    const rr = median(reqRatios);
    const s = (x) => `${x.toFixed(2)}`;
    lines.push(
      `| ${op} | ${s(median(d.map((x) => x.seconds)))} s${span(d.map((x) => x.seconds), s)} | ${s(median(r.map((x) => x.seconds)))} s${span(r.map((x) => x.seconds), s)} | ${tr.toFixed(2)}${span(ratios, s)} (≤1.0) ${tr <= 1 ? 'PASS' : 'MISS'} | ${dq}${span(d.map((x) => x.requestsPerGiB), (v) => v.toFixed(1))} | ${rq}${span(r.map((x) => x.requestsPerGiB), (v) => v.toFixed(1))} | ${rr.toFixed(2)}${span(reqRatios, s)} (≤1.0) ${rr <= 1 ? 'PASS' : 'MISS'} |`,
    );
  }
  lines.push('', 'Requests by type (first repeat):', '');
  for (const x of results.filter((r) => r.rep === 1)) {
    lines.push(`- ${x.tool} ${x.op}: ${x.requests} — ${Object.entries(x.byType).sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `${t} ${n}`).join(', ')}`);
  }
  const md = lines.join('\n') + '\n';
  fs.writeFileSync(path.join(work, 's3-results.md'), md);
  fs.writeFileSync(path.join(work, 's3-results.json'), JSON.stringify({ sizeMb, seed, bytes, repeat, results }, null, 2));
  console.log(`\n${md}`);
}

main().catch((err) => {
  console.error(`bench/s3.js: ${err.message}`);
  process.exit(1);
});
