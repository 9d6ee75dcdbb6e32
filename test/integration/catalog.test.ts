/**
 * The catalog against real vaults on disk: three backups with known mutations between them, the
 * catalog built incrementally (sync, addPoint, sync), and every answer checked against the engine
 * (`ls`) or against the mutations made; then rebuilt from the vault, reopened from disk, corrupted,
 * and synced after a point is forgotten — each time the answers must stay the same.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDeskVaultError } from '../../main/core/errors.js';
import { Catalog, type SyncProgress } from '../../main/service/catalog/catalog.js';
import { catalogFolder } from '../../main/service/catalog/catalog-folder.js';
import { VaultSession, type ListedEntry, type RecoveryPoint } from '../../main/service/vault-service.js';
import { caught, createVault, makeTempDir, removeTempDirs, xorshiftBytes } from '../helpers/engine-fixtures.js';

afterAll(removeTempDirs);

let src: string;
let session: VaultSession;
let folder: string;
const points: RecoveryPoint[] = [];
let built: Catalog;
const progress: SyncProgress[] = [];

const write = (rel: string, data: string | Buffer, mtimeSec = 1_700_000_000): void => {
  const p = path.join(src, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, data);
  fs.utimesSync(p, mtimeSec, mtimeSec);
};
const at = (rel: string): string => `${src}/${rel}`;

async function backupAt(iso: string): Promise<RecoveryPoint> {
  const r = await session.backup({ paths: [src], now: () => new Date(iso) });
  return r.point;
}

/** Every answer the catalog gives for this fixture, for comparing two catalogs. */
function answers(c: Catalog): unknown {
  const ps = c.listPoints();
  const dirs: Record<string, unknown> = {};
  for (const p of ps) {
    for (const d of ['/', src, at('docs'), at('big'), at('docs/deep/x')]) {
      try {
        dirs[`${p.id}:${d}`] = c.listDir(p.id, d);
      } catch (err) {
        dirs[`${p.id}:${d}`] = (err as Error).message;
      }
    }
    dirs[`${p.id}:big-by-size`] = c.listDir(p.id, at('big'), { sort: 'size', order: 'desc', offset: 3, limit: 5 });
  }
  return {
    points: ps,
    dirs,
    search: [c.search({ glob: '*.txt' }), c.search({ text: 'NOTES' }), c.search({ glob: 'docs/*.txt' }), c.search({ glob: '*.dat', limit: 7 })],
    versions: [c.versions(at('docs/a.txt')), c.versions(at('docs/b.txt')), c.versions(at('link')), c.versions(at('photos'))],
    diffs: ps.slice(1).map((p, i) => c.diff(ps[i].id, p.id)),
  };
}

beforeAll(async () => {
  const root = makeTempDir('dv-catalog-');
  src = path.join(root, 'src');
  fs.mkdirSync(src);
  session = new VaultSession(await createVault(path.join(root, 'vault')), path.join(root, 'vault'));
  folder = catalogFolder(session.id, { DESKVAULT_HOME: path.join(root, 'state') });

  write('docs/a.txt', 'alpha v1');
  write('docs/b.txt', 'bravo');
  write('docs/notes.md', '# notes');
  write('docs/deep/x/y/z.txt', 'zulu');
  write('empty.txt', '');
  write('photos/p1.jpg', xorshiftBytes(1, 70_000));
  write('photos/p2.jpg', xorshiftBytes(2, 5_000));
  for (let i = 0; i < 300; i++) write(`big/f${String(i).padStart(3, '0')}.dat`, `file ${i} `.repeat(i % 17));
  fs.symlinkSync('docs/a.txt', path.join(src, 'link'));
  points.push(await backupAt('2026-01-01T00:00:00.000Z'));

  built = await Catalog.open(folder, session.id);
  await built.sync(session, (p) => progress.push(p));

  // Point 2: one mutation of each kind the diff distinguishes.
  write('docs/a.txt', 'alpha v2', 1_700_000_100); // content
  fs.rmSync(path.join(src, 'docs/b.txt')); // removed file
  write('docs/c.txt', 'charlie'); // added file
  fs.utimesSync(path.join(src, 'docs/notes.md'), 1_700_000_200, 1_700_000_200); // metadata only
  fs.rmSync(path.join(src, 'photos'), { recursive: true }); // removed folder
  write('music/m1.mp3', xorshiftBytes(3, 1000)); // added folder
  fs.rmSync(path.join(src, 'link'));
  fs.symlinkSync('docs/c.txt', path.join(src, 'link')); // symlink target
  write('big/f007.dat', 'changed', 1_700_000_300); // one file of a big folder
  points.push(await backupAt('2026-01-02T00:00:00.000Z'));
  await built.addPoint(session, points[1]);

  // Point 3: a.txt back to its first content (another mtime): still the first version.
  write('docs/a.txt', 'alpha v1', 1_700_000_400);
  points.push(await backupAt('2026-01-03T00:00:00.000Z'));
  await built.sync(session);
});

describe('catalog built incrementally', () => {
  it('lists the points oldest first with their counts', () => {
    const listed = built.listPoints();
    expect(listed.map((p) => p.id)).toEqual(points.map((p) => p.id));
    expect(listed[0]).toMatchObject({ time: points[0].time, paths: [src], status: 'COMPLETED', tree: points[0].tree });
    expect(listed[0].counts.files).toBe(points[0].stats.files);
  });

  it('reports progress while reading trees', () => {
    expect(progress[0].phase).toBe('LISTING');
    expect(progress.at(-1)).toMatchObject({ phase: 'DONE', pointsDone: 1, pointsTotal: 1 });
    expect(progress.at(-1)!.treesRead).toBeGreaterThan(5);
    expect(progress.some((p) => p.phase === 'READING' && p.treesRead > 0)).toBe(true);
  });

  it('lists every folder of every point exactly as the engine`s ls does', async () => {
    for (const p of points) {
      const { entries } = await session.ls(p.id);
      const byParent = new Map<string, ListedEntry[]>([['/', []]]);
      for (const e of entries) {
        const parent = path.posix.dirname(e.path);
        if (!byParent.has(parent)) byParent.set(parent, []);
        byParent.get(parent)!.push(e);
        if (e.type === 'dir' && !byParent.has(e.path)) byParent.set(e.path, []);
      }
      for (const [dir, children] of byParent) {
        const listed = built.listDir(p.id, dir);
        expect(listed.total).toBe(children.length);
        expect(listed.entries.map(({ name, ...rest }) => (expect(path.posix.basename(rest.path)).toBe(name), rest))).toEqual(children);
      }
    }
  });

  it('pages and sorts a folder', () => {
    const all = built.listDir('latest', at('big')).entries;
    expect(all).toHaveLength(300);
    expect(built.listDir('latest', at('big'), { offset: 10, limit: 5 }).entries).toEqual(all.slice(10, 15));
    const bySize = built.listDir('latest', at('big'), { sort: 'size', order: 'desc' }).entries;
    const expected = [...all].sort((a, b) => b.size! - a.size! || (a.name < b.name ? 1 : -1));
    expect(bySize.map((e) => e.name)).toEqual(expected.map((e) => e.name));
    expect(built.listDir('latest', src, { sort: 'type' }).entries.map((e) => `${e.type}:${e.name}`)).toEqual(['dir:big', 'dir:docs', 'dir:music', 'file:empty.txt', 'symlink:link']);
  });

  it('refuses a missing folder, a file as folder and an unknown point', async () => {
    expect(isDeskVaultError(await caught(() => built.listDir('latest', at('nope'))), 'NOT_FOUND')).toBe(true);
    expect(isDeskVaultError(await caught(() => built.listDir('latest', at('empty.txt'))), 'INVALID_INPUT')).toBe(true);
    expect(isDeskVaultError(await caught(() => built.listDir('ffff', src)), 'NOT_FOUND')).toBe(true);
  });

  it('finds files by glob and text in the points that hold them', () => {
    const [p1, p2, p3] = points.map((p) => p.id);
    const txt = built.search({ glob: '*.txt' });
    const pairs = txt.hits.map((h) => `${path.posix.relative(src, h.path)}@${[p1, p2, p3].indexOf(h.pointId) + 1}`);
    expect(pairs).toEqual([
      'docs/a.txt@1', 'docs/a.txt@2', 'docs/a.txt@3', 'docs/b.txt@1', 'docs/c.txt@2', 'docs/c.txt@3',
      'docs/deep/x/y/z.txt@1', 'docs/deep/x/y/z.txt@2', 'docs/deep/x/y/z.txt@3', 'empty.txt@1', 'empty.txt@2', 'empty.txt@3',
    ]);
    expect(txt.total).toBe(12);
    const a2 = txt.hits.find((h) => h.pointId === p2 && h.path === at('docs/a.txt'))!;
    expect(a2).toMatchObject({ type: 'file', size: 8, mtime: new Date(1_700_000_100_000).toISOString() });

    expect(built.search({ text: 'NOTES' }).hits.map((h) => h.path)).toEqual([at('docs/notes.md'), at('docs/notes.md'), at('docs/notes.md')]);
    expect(built.search({ text: 'NOTES', caseSensitive: true }).hits).toEqual([]);
    expect(built.search({ glob: 'docs/*.txt' }).hits.map((h) => path.posix.relative(src, h.path))).toEqual(['docs/a.txt', 'docs/a.txt', 'docs/a.txt', 'docs/b.txt', 'docs/c.txt', 'docs/c.txt']);
    expect(built.search({ glob: `${src}/docs/deep/**`, pointIds: [p3] }).hits.map((h) => path.posix.relative(src, h.path))).toEqual(['docs/deep/x', 'docs/deep/x/y', 'docs/deep/x/y/z.txt']);
    expect(built.search({ glob: 'p*.jpg' }).hits.map((h) => h.pointId)).toEqual([p1, p1]);
    expect(built.search({ glob: '*.txt', pointIds: [p2.slice(0, 12)] }).hits.every((h) => h.pointId === p2)).toBe(true);
    const limited = built.search({ glob: '*.dat', limit: 7 });
    expect(limited.hits).toHaveLength(7);
    expect(limited.total).toBe(900);
  });

  it('gives one version per distinct content, with the points holding it', () => {
    const [p1, p2, p3] = points;
    const v = built.versions(at('docs/a.txt'));
    expect(v).toHaveLength(2);
    expect(v[0]).toMatchObject({ type: 'file', size: 8, pointIds: [p1.id, p3.id], firstSeen: { pointId: p1.id, time: p1.time }, lastSeen: { pointId: p3.id, time: p3.time } });
    expect(v[1]).toMatchObject({ pointIds: [p2.id], firstSeen: { pointId: p2.id }, lastSeen: { pointId: p2.id } });
    expect(v[0].contentId).toMatch(/^[0-9a-f]{32}$/);
    expect(v[0].contentId).not.toBe(v[1].contentId);
    expect(built.versions(at('docs/notes.md'))).toHaveLength(1); // touched, same content
    expect(built.versions(at('docs/b.txt')).map((x) => x.pointIds)).toEqual([[p1.id]]);
    expect(built.versions(at('link')).map((x) => x.target)).toEqual(['docs/a.txt', 'docs/c.txt']);
    expect(built.versions(at('nope'))).toEqual([]);
  });

  it('diffs two points: exactly the mutations made', () => {
    const d = built.diff(points[0].id, points[1].id);
    const rel = (xs: { path: string }[]): string[] => xs.map((x) => path.posix.relative(src, x.path));
    expect(rel(d.added)).toEqual(['docs/c.txt', 'music', 'music/m1.mp3']);
    expect(rel(d.removed)).toEqual(['docs/b.txt', 'photos', 'photos/p1.jpg', 'photos/p2.jpg']);
    expect(d.changed.map((c) => [path.posix.relative(src, c.path), c.contentChanged])).toEqual([
      ['big/f007.dat', true],
      ['docs/a.txt', true],
      ['docs/notes.md', false],
      ['link', true],
    ]);
    expect(d.changed[1].before.size).toBe(8);
    expect(built.diff(points[2].id, points[2].id)).toEqual({ added: [], removed: [], changed: [] });
    expect(built.diff(points[1].id, points[2].id).changed.map((c) => path.posix.relative(src, c.path))).toEqual(['docs/a.txt']);
  });
});

describe('catalog on disk', () => {
  it('reopens from disk with the same answers, without the vault', async () => {
    const again = await Catalog.open(folder, session.id);
    expect(again.discarded).toBeNull();
    expect(answers(again)).toEqual(answers(built));
  });

  it('rebuilt from the vault equals the catalog built incrementally', async () => {
    const expected = answers(built);
    fs.rmSync(folder, { recursive: true });
    const fresh = await Catalog.open(folder, session.id);
    expect(fresh.listPoints()).toEqual([]);
    const r = await fresh.rebuild(session);
    expect(r.added.sort()).toEqual(points.map((p) => p.id).sort());
    expect(answers(fresh)).toEqual(expected);
    expect(answers(await Catalog.open(folder, session.id))).toEqual(expected);
    built = fresh;
  });

  it('discards a damaged segment and rebuilds on the next sync', async () => {
    const expected = answers(built);
    const seg = fs.readdirSync(folder).find((n) => n.startsWith('seg-'))!;
    const bytes = fs.readFileSync(path.join(folder, seg));
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    fs.writeFileSync(path.join(folder, seg), bytes);
    const damaged = await Catalog.open(folder, session.id);
    expect(damaged.discarded).toMatch(/damaged/);
    expect(damaged.listPoints()).toEqual([]);
    expect(fs.readdirSync(folder)).toEqual([]);
    await damaged.sync(session);
    expect(answers(damaged)).toEqual(expected);
  });

  it('discards a manifest that is not JSON', async () => {
    fs.writeFileSync(path.join(folder, 'catalog.json'), '{"format": "deskvault-cat');
    const damaged = await Catalog.open(folder, session.id);
    expect(damaged.discarded).toMatch(/not valid JSON/);
    await damaged.sync(session);
    expect(damaged.listPoints().map((p) => p.id)).toEqual(points.map((p) => p.id));
  });

  it('drops a forgotten point on sync, and keeps the rest answering the same', async () => {
    const c = await Catalog.open(folder, session.id);
    const gone = points[1].id;
    await session.vault.store.delete(`points/${gone}`);
    const r = await c.sync(session);
    expect(r).toMatchObject({ added: [], removed: [gone], errors: [] });
    expect(c.listPoints().map((p) => p.id)).toEqual([points[0].id, points[2].id]);
    expect(c.search({ glob: '*' }).hits.some((h) => h.pointId === gone)).toBe(false);
    expect(c.search({ glob: 'c.txt' }).hits.map((h) => h.pointId)).toEqual([points[2].id]);
    expect(c.versions(at('docs/a.txt')).map((v) => v.pointIds)).toEqual([[points[0].id, points[2].id]]);
    expect(isDeskVaultError(await caught(() => c.listDir(gone, '/')), 'NOT_FOUND')).toBe(true);
    // The same answers as a catalog that never saw the forgotten point.
    const reopened = await Catalog.open(folder, session.id);
    fs.rmSync(folder, { recursive: true });
    const fresh = await Catalog.open(folder, session.id);
    await fresh.rebuild(session);
    expect(answers(reopened)).toEqual(answers(fresh));
    expect(answers(c)).toEqual(answers(fresh));
  });

  it('compacts once most stored rows belong to forgotten points', async () => {
    // p1 and p3 share little beyond the deep folders, so dropping p1 leaves about half the rows
    // live; dropping p3 too leaves none, which must compact to nothing.
    const c = await Catalog.open(folder, session.id);
    for (const p of [points[0], points[2]]) await session.vault.store.delete(`points/${p.id}`);
    const r = await c.sync(session);
    expect(r).toMatchObject({ removed: [points[0].id, points[2].id], compacted: true });
    expect(c.stats()).toMatchObject({ points: 0, trees: 0, entries: 0, segments: 0 });
    expect(fs.readdirSync(folder)).toEqual(['catalog.json']);
    expect((await Catalog.open(folder, session.id)).stats()).toEqual(c.stats());
  });

  it('refuses a session of another vault', async () => {
    const other = new VaultSession(await createVault(makeTempDir()), 'x');
    const c = await Catalog.open(folder, session.id);
    expect(isDeskVaultError(await caught(() => c.sync(other)), 'INVALID_INPUT')).toBe(true);
  });
});
