#!/usr/bin/env node
// S3 section of the benchmark: DeskVault and restic against the same S3 protocol server (s3rver)
// on loopback, reached over https (restic's client corrupts objects on s3rver over plain http; see
// ../shared/TOOLCHAIN.md). A small TLS proxy in front of s3rver terminates https with a self-signed
// certificate and counts every request, so both tools are measured the same way: wall time, peak
// RSS, and requests per GiB written and read.
//
//   node bench/s3.js [--size-mb N | --quick] [--seed S]
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
  return { port, total: () => Number(fs.readFileSync(countFile, 'utf8') || 0), close: () => child.kill() };
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
  const run = (tool, op, cmd, argv, env) => {
    const before = proxy.total();
    const m = measure(`${tool}-${op}`, cmd, argv, { ...creds, ...env });
    const requests = proxy.total() - before;
    results.push({ tool, op, seconds: m.seconds, rssMiB: Math.round(m.rssMiB), requests, requestsPerGiB: Math.round(requests / gib) });
    console.log(`${tool.padEnd(9)} ${op.padEnd(8)} ${m.seconds.toFixed(2).padStart(7)} s  ${Math.round(m.rssMiB)} MiB  ${requests} requests`);
  };

  try {
    // restic
    const resticEnv = { RESTIC_PASSWORD: 'bench', RESTIC_CACHE_DIR: path.join(base, 'restic-cache') };
    const repo = `s3:${endpoint}/bench/restic`;
    sh('restic', ['--cacert', cert, '-r', repo, 'init'], { env: { ...process.env, ...creds, ...resticEnv } });
    run('restic', 'backup', 'restic', ['--cacert', cert, '-r', repo, 'backup', dir], resticEnv);
    fs.rmSync(path.join(base, 'restic-cache'), { recursive: true, force: true }); // a restore on a new machine
    run('restic', 'restore', 'restic', ['--cacert', cert, '-r', repo, 'restore', 'latest', '--target', path.join(base, 'restore-restic')], resticEnv);

    // DeskVault (the CLI as a user runs it; the self-signed certificate trusted through Node's standard variable)
    const vault = `s3://bench/deskvault?endpoint=${encodeURIComponent(endpoint)}&path-style=true&region=us-east-1`;
    const dvEnv = { DESKVAULT_PASSWORD: 'bench', NODE_EXTRA_CA_CERTS: cert, DESKVAULT_HOME: path.join(base, 'dv-home'), AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED' };
    const bin = path.join(repoRoot, 'bin', 'deskvault.js');
    sh(bin, ['init', '--vault', vault], { env: { ...process.env, ...creds, ...dvEnv } });
    run('deskvault', 'backup', bin, ['backup', '--vault', vault, dir], dvEnv);
    fs.rmSync(path.join(base, 'dv-home'), { recursive: true, force: true }); // a restore on a new machine
    run('deskvault', 'restore', bin, ['restore', '--vault', vault, 'latest', '--target', path.join(base, 'restore-dv')], dvEnv);
    sh('diff', ['-r', '--no-dereference', dir, path.join(base, 'restore-dv', dir)]);
  } finally {
    proxy.close();
    s3rver.kill();
  }

  const get = (tool, op) => results.find((r) => r.tool === tool && r.op === op);
  const lines = [
    `# DeskVault S3 benchmark`,
    '',
    `${new Date().toISOString()} · dataset ${sizeMb} MiB seed ${seed} (${(bytes / 2 ** 20).toFixed(1)} MiB) · s3rver ${'3.7.1'} behind a TLS proxy on 127.0.0.1 · restic ${sh('restic', ['version']).stdout.trim().split(' ')[1]}`,
    '',
    '| operation | DeskVault time | restic time | time ratio | DeskVault requests/GiB | restic requests/GiB | requests ratio |',
    '|---|---:|---:|---|---:|---:|---|',
  ];
  for (const op of ['backup', 'restore']) {
    const d = get('deskvault', op);
    const r = get('restic', op);
    const tr = d.seconds / r.seconds;
    const rr = d.requestsPerGiB / r.requestsPerGiB;
    lines.push(`| ${op} | ${d.seconds.toFixed(2)} s | ${r.seconds.toFixed(2)} s | ${tr.toFixed(2)} (≤1.0) ${tr <= 1 ? 'PASS' : 'MISS'} | ${d.requestsPerGiB} | ${r.requestsPerGiB} | ${rr.toFixed(2)} (≤1.0) ${rr <= 1 ? 'PASS' : 'MISS'} |`);
  }
  const md = lines.join('\n') + '\n';
  fs.writeFileSync(path.join(work, 's3-results.md'), md);
  fs.writeFileSync(path.join(work, 's3-results.json'), JSON.stringify({ sizeMb, seed, bytes, results }, null, 2));
  console.log(`\n${md}`);
}

main().catch((err) => {
  console.error(`bench/s3.js: ${err.message}`);
  process.exit(1);
});
