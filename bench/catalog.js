#!/usr/bin/env node
// Catalog benchmark: a vault with one 100,000-entry folder and 30 recovery points (a few files
// change between points, so the catalog holds ~30 distinct versions of the big folder — the worst
// case for search, which must look at every distinct tree). Times the catalog's rebuild from the
// vault, then — in a fresh process, so "first call after open" is really first — open, listDir of
// the big folder (first and warm), search across the 30 points, versions and diff.
// Plain ESM over dist/ (run `npx tsc -b` first). See bench/README.md, "Catalog".
//
//   node bench/catalog.js [--entries N] [--points N] [--keep] [--reuse]
//   --keep leaves bench/work/catalog/ in place; --reuse then measures its vault and catalog again
//   without rebuilding them (the setup lines repeat the numbers recorded when they were made).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.DESKVAULT_TEST_KDF = '1'; // cheap scrypt: key derivation is not what is measured here
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.join(repoRoot, 'bench', 'work', 'catalog');
const dist = (p) => path.join(repoRoot, 'dist', 'main', p);
const PASSPHRASE = 'bench-password-not-secret';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const ENTRIES = opt('--entries', 100_000);
const POINTS = opt('--points', 30);

const ms = (t0) => performance.now() - t0;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
const mb = (b) => (b / 1048576).toFixed(0);

async function load() {
  const { initVault, openVault } = await import(dist('service/vault-service.js'));
  const { Catalog } = await import(dist('service/catalog/catalog.js'));
  return { initVault, openVault, Catalog };
}

// ------------------------------------------------------------------ measuring child (fresh process)
if (args[0] === '--measure') {
  const { openVault, Catalog } = await load();
  const [, vaultDir, catalogDir, vaultId, srcDir] = args;
  const out = {};
  const rss0 = process.memoryUsage().rss;
  let t0 = performance.now();
  const cat = await Catalog.open(catalogDir, vaultId);
  out.open = ms(t0);
  const memOpen = process.memoryUsage();
  const big = `${srcDir}/big`;
  const points = cat.listPoints();
  const latest = points.at(-1).id;
  const time = (label, fn, warm = 5) => {
    let t = performance.now();
    const r = fn();
    out[`${label} (first)`] = ms(t);
    const xs = [];
    for (let i = 0; i < warm; i++) {
      t = performance.now();
      fn();
      xs.push(ms(t));
    }
    out[`${label} (warm)`] = median(xs);
    return r;
  };
  const all = time('listDir big folder, all entries', () => cat.listDir(latest, big));
  time('listDir big folder, page of 1,000 at offset 50,000', () => cat.listDir(latest, big, { offset: 50_000, limit: 1000 }));
  time('listDir big folder, page of 1,000 sorted by size desc', () => cat.listDir(latest, big, { sort: 'size', order: 'desc', limit: 1000 }));
  const s1 = time('search glob `*77.dat`, all points', () => cat.search({ glob: '*77.dat', limit: 1000 }));
  const s2 = time('search text `f0123`, all points', () => cat.search({ text: 'f0123', limit: 1000 }));
  const s3 = time('search path glob `big/f00*.dat`, all points', () => cat.search({ glob: 'big/f00*.dat', limit: 1000 }));
  const s4 = time('search glob `*.dat`, all points (3M hits, limit 1,000)', () => cat.search({ glob: '*.dat', limit: 1000 }));
  const v = time('versions of a file changed 10 times', () => cat.versions(`${big}/f00003.dat`));
  const d = time('diff first → last point', () => cat.diff(points[0].id, latest));
  const vault = await openVault(vaultDir, PASSPHRASE);
  t0 = performance.now();
  await cat.sync(vault);
  out['sync, nothing new (lists the vault\'s points)'] = ms(t0);
  const mem = process.memoryUsage();
  process.stdout.write(
    JSON.stringify({
      timings: out,
      counts: { listed: all.entries.length, hits: [s1.total, s2.total, s3.total, s4.total], versions: v.length, diff: [d.added.length, d.removed.length, d.changed.length] },
      stats: cat.stats(),
      memory: { rssBefore: rss0, rssAfterOpen: memOpen.rss, heapAfterOpen: memOpen.heapUsed, arrayBuffersAfterOpen: memOpen.arrayBuffers, rssEnd: mem.rss },
    }),
  );
  process.exit(0);
}

// ------------------------------------------------------------------ main: build vault, rebuild catalog
const setupFile = path.join(work, 'setup.json');
const srcDir = path.join(work, 'src');
const vaultDir = path.join(work, 'vault');
const catalogDir = path.join(work, 'catalog');
let setup;
if (args.includes('--reuse') && fs.existsSync(setupFile)) {
  setup = JSON.parse(fs.readFileSync(setupFile, 'utf8'));
} else {
  setup = await build();
  fs.writeFileSync(setupFile, JSON.stringify(setup));
}
const { makeMs, backupMs, rebuildMs, r, diskBytes, vaultId } = setup;

async function build() {
  const { initVault, Catalog } = await load();
  fs.rmSync(work, { recursive: true, force: true });
  const bigDir = path.join(srcDir, 'big');
  fs.mkdirSync(bigDir, { recursive: true });
  const name = (i) => `f${String(i).padStart(5, '0')}.dat`;
  let t0 = performance.now();
  for (let i = 0; i < ENTRIES; i++) fs.writeFileSync(path.join(bigDir, name(i)), `${i}\n`);
  for (let i = 0; i < 50; i++) {
    fs.mkdirSync(path.join(srcDir, 'docs', `d${i}`), { recursive: true });
    fs.writeFileSync(path.join(srcDir, 'docs', `d${i}`, 'note.txt'), `${i}`);
  }
  const makeMs = ms(t0);

  const session = await initVault(vaultDir, { passphrase: PASSPHRASE });
  const backupMs = [];
  for (let p = 0; p < POINTS; p++) {
    if (p > 0) {
      // A few changes per point: 3 files rewritten (one of them f00003 every third point), one added.
      for (const i of [p * 7, p * 13 + 1, p % 3 === 0 ? 3 : p * 17 + 2]) fs.writeFileSync(path.join(bigDir, name(i % ENTRIES)), `${i} changed at point ${p}\n`);
      fs.writeFileSync(path.join(bigDir, `new-${p}.dat`), `${p}`);
    }
    t0 = performance.now();
    await session.backup({ paths: [srcDir], now: () => new Date(Date.UTC(2026, 0, 1 + p)) });
    backupMs.push(ms(t0));
    process.stderr.write(`\rbackup ${p + 1}/${POINTS} (${fmt(backupMs.at(-1))} ms)`);
  }
  process.stderr.write('\n');

  const catalog = await Catalog.open(catalogDir, session.id);
  t0 = performance.now();
  let last = 0;
  const r = await catalog.rebuild(session, (pr) => {
    if (performance.now() - last > 500) {
      last = performance.now();
      process.stderr.write(`\rcatalog: ${pr.phase} point ${pr.pointsDone}/${pr.pointsTotal}, ${pr.treesRead} trees, ${pr.entriesRead} entries`);
    }
  });
  const rebuildMs = ms(t0);
  process.stderr.write('\n');
  const diskBytes = fs.readdirSync(catalogDir).reduce((n, f) => n + fs.statSync(path.join(catalogDir, f)).size, 0);
  return { makeMs, backupMs, rebuildMs, r, diskBytes, vaultId: session.id };
}

const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--measure', vaultDir, catalogDir, vaultId, srcDir], { encoding: 'utf8', maxBuffer: 1 << 26 });
if (child.status !== 0) {
  process.stderr.write(child.stderr);
  process.exit(1);
}
const m = JSON.parse(child.stdout);

const lines = [
  `### Catalog: ${ENTRIES.toLocaleString('en')}-entry folder, ${POINTS} points (Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)})`,
  '',
  `Setup: ${fmt(makeMs)} ms to write ${ENTRIES.toLocaleString('en')} files; backups median ${fmt(median(backupMs))} ms (first ${fmt(backupMs[0])} ms).`,
  `Catalog: rebuild from the vault ${fmt(rebuildMs)} ms (${r.treesRead} trees, ${r.entriesRead.toLocaleString('en')} entries read); ` +
    `${m.stats.trees} distinct trees, ${m.stats.entries.toLocaleString('en')} distinct entries, ${m.stats.rows.toLocaleString('en')} tree rows, ${m.stats.segments} segment(s), ${mb(diskBytes)} MiB on disk.`,
  `Memory of the measuring process: RSS ${mb(m.memory.rssBefore)} MiB before open, ${mb(m.memory.rssAfterOpen)} MiB after open (heap ${mb(m.memory.heapAfterOpen)} MiB, array buffers ${mb(m.memory.arrayBuffersAfterOpen)} MiB), ${mb(m.memory.rssEnd)} MiB at the end.`,
  `Answers: listed ${m.counts.listed.toLocaleString('en')}; hits ${m.counts.hits.map((h) => h.toLocaleString('en')).join(' / ')}; ${m.counts.versions} versions; diff +${m.counts.diff[0]} −${m.counts.diff[1]} ~${m.counts.diff[2]}.`,
  '',
  '| operation (fresh process; "first" = first call after open) | ms | target |',
  '|---|---:|---:|',
  ...Object.entries(m.timings).map(([k, v]) => `| ${k} | ${fmt(v)} | ${/^(listDir|search)/.test(k) ? '< 100' : ''} |`),
  '',
];
process.stdout.write(lines.join('\n') + '\n');
if (!args.includes('--keep')) fs.rmSync(work, { recursive: true, force: true });
