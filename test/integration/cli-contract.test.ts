/**
 * The CLI contract of docs/cli.md, through the real built command: exit codes, where secrets come
 * from, --json shapes, refusing to damage an existing vault, and init --copy-params-from.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStore } from '../../main/engine/storage/local-store.js';
import { Vault } from '../../main/engine/repo/vault.js';
import { BIN, buildSourceTree, diffTrees, dv, expectStatus, makeTempDir, parseJson, PASSWORD, removeTempDirs, runCli, show } from '../helpers/cli.js';

let work: string;
let src: string;
let vault: string;

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of fs.readdirSync(d)) {
      const p = path.join(d, name);
      if (fs.statSync(p).isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p).toString('base64'));
    }
  };
  walk(dir);
  return out;
}

beforeAll(() => {
  work = makeTempDir('dv-cli-');
  src = path.join(work, 'src');
  buildSourceTree(src, 7, { files: 40, maxSize: 64 * 1024, specials: true });
  vault = path.join(work, 'vault');
  expectStatus(dv(vault, 'init'), 0);
});
afterAll(() => removeTempDirs());

describe('secrets and refusals', () => {
  it('init on an existing vault exits 1 and changes nothing', () => {
    const before = snapshot(vault);
    const r = dv(vault, 'init');
    expect(r.status, show(r)).toBe(1);
    expect(r.stderr).toContain('already exists');
    expect(snapshot(vault)).toEqual(before);
  });

  it('without a passphrase source and without a terminal, exits 2 and says how to give one', () => {
    const r = dv(vault, 'points', [], { env: { DESKVAULT_PASSWORD: undefined } });
    expect(r.status, show(r)).toBe(2);
    expect(r.stderr).toMatch(/DESKVAULT_PASSWORD.*--password-file/);
  });

  it('a wrong passphrase exits 1 with one clear sentence, no stack trace', () => {
    const r = dv(vault, 'points', [], { env: { DESKVAULT_PASSWORD: 'nope' } });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('deskvault: wrong passphrase: no key slot of this vault opens with it');
  });

  it('reads the passphrase from --password-file and the vault from DESKVAULT_VAULT', () => {
    const file = path.join(work, 'pw.txt');
    fs.writeFileSync(file, `${PASSWORD}\n`);
    // runCli clears DESKVAULT_VAULT for isolation, so spawn directly here.
    const env: NodeJS.ProcessEnv = { ...process.env, DESKVAULT_VAULT: vault, DESKVAULT_TEST_KDF: '1' };
    delete env.DESKVAULT_PASSWORD;
    const r = spawnSync(process.execPath, [BIN, 'points', '--json', '--password-file', file], { env, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('bandwidth limits are accepted as sizes per second; a bad rate is a usage error', () => {
    expectStatus(dv(vault, 'check', ['--limit-download', '1G', '--limit-upload', '500M']), 0);
    const r = dv(vault, 'check', ['--limit-download', 'fast']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('fast');
  });

  it('a usage error exits 2', () => {
    expect(dv(vault, 'restore', ['latest']).status).toBe(2); // no --target/--into/--in-place
    expect(runCli(['backup', '--vault', vault, '--no-such-flag', src]).status).toBe(2);
    expect(dv(vault, 'forget').status).toBe(2); // no rule
  });

  it('refuses a vault written by a newer format major version, changing nothing', () => {
    const copy = path.join(work, 'future');
    fs.cpSync(vault, copy, { recursive: true });
    const config = JSON.parse(fs.readFileSync(path.join(copy, 'config'), 'utf8'));
    config.version = { major: 2, minor: 0 };
    fs.writeFileSync(path.join(copy, 'config'), JSON.stringify(config));
    const before = snapshot(copy);
    const r = dv(copy, 'points');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('newer DeskVault (format 2.0)');
    expect(snapshot(copy)).toEqual(before);
  });
});

describe('backup, points, ls, restore: JSON shapes and exit codes', () => {
  let pointId: string;

  it('backup --json prints one object with id and stats; points --json lists it', () => {
    const r = expectStatus(dv(vault, 'backup', ['--json', '--tag', 'first', src]), 0);
    const b = parseJson<{ id: string; status: string; stats: { files: number; storedBytes: number }; timings: { openMs: number } }>(r);
    expect(b.id).toMatch(/^[0-9a-f]{64}$/);
    expect(b.status).toBe('COMPLETED');
    expect(b.stats.files).toBeGreaterThan(30);
    expect(b.timings.openMs).toBeGreaterThanOrEqual(0);
    pointId = b.id;
    const pts = parseJson<{ id: string; time: string; paths: string[]; tags: string[] }[]>(expectStatus(dv(vault, 'points', ['--json']), 0));
    expect(pts).toHaveLength(1);
    expect(pts[0]).toMatchObject({ id: pointId, paths: [src], tags: ['first'] });
    expect(new Date(pts[0].time).toISOString()).toBe(pts[0].time);
  });

  it('a missing path among others gives a PARTIAL point and exit 3', () => {
    const r = dv(vault, 'backup', ['--json', src, path.join(work, 'does-not-exist')]);
    expect(r.status, show(r)).toBe(3);
    const b = parseJson<{ status: string; errors: { path: string }[] }>(r);
    expect(b.status).toBe('PARTIAL');
    expect(b.errors.map((e) => e.path)).toEqual([path.join(work, 'does-not-exist')]);
  });

  it('ls --json lists entries with path, type and size; POINT may be a prefix', () => {
    const r = expectStatus(dv(vault, 'ls', ['--json', pointId.slice(0, 8), src]), 0);
    const entries = parseJson<{ path: string; type: string; size?: number }[]>(r);
    expect(entries[0]).toMatchObject({ path: src, type: 'dir' });
    expect(entries.some((e) => e.type === 'file' && typeof e.size === 'number')).toBe(true);
  });

  it('restore --target recreates the absolute path; --into places by name; --dry-run writes nothing', () => {
    const target = path.join(work, 't1');
    expectStatus(dv(vault, 'restore', [pointId, '--target', target]), 0);
    expect(diffTrees(src, path.join(target, src))).toEqual([]);

    const into = path.join(work, 'into');
    const dry = parseJson<{ entries: { action: string }[]; files: number }>(expectStatus(dv(vault, 'restore', [pointId, src, '--into', into, '--dry-run', '--json']), 0));
    expect(dry.files).toBeGreaterThan(30);
    expect(dry.entries.every((e) => e.action === 'create')).toBe(true);
    expect(fs.existsSync(into)).toBe(false);
    expectStatus(dv(vault, 'restore', [pointId, src, '--into', into]), 0);
    expect(diffTrees(src, path.join(into, path.basename(src)))).toEqual([]);
  });

  it('check exits 1 naming a missing pack; restore names the files it could not restore', () => {
    const copy = path.join(work, 'damaged');
    fs.cpSync(vault, copy, { recursive: true });
    const dataDir = path.join(copy, 'data');
    const sub = fs.readdirSync(dataDir)[0];
    const pack = fs.readdirSync(path.join(dataDir, sub))[0];
    fs.rmSync(path.join(dataDir, sub, pack));
    const c = dv(copy, 'check');
    expect(c.status).toBe(1);
    expect(c.stderr).toContain(pack);
    const r = dv(copy, 'restore', ['latest', '--target', path.join(work, 't2')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error: \/.*cannot be read/);
  });
});

describe('keys and forget', () => {
  it('key add, list and remove; the last slot cannot be removed', () => {
    const add = parseJson<{ id: string }>(expectStatus(dv(vault, ['key', 'add'], ['--json'], { env: { DESKVAULT_NEW_PASSWORD: 'second' } }), 0));
    expect(expectStatus(dv(vault, 'points', [], { env: { DESKVAULT_PASSWORD: 'second' } }), 0).stdout).toContain('recovery point');
    const list = parseJson<{ id: string; current: boolean }[]>(expectStatus(dv(vault, ['key', 'list'], ['--json']), 0));
    expect(list).toHaveLength(2);
    const original = list.find((k) => k.current)!;
    expectStatus(dv(vault, ['key', 'remove'], [original.id], { env: { DESKVAULT_PASSWORD: 'second' } }), 0);
    expect(dv(vault, 'points').status).toBe(1); // the old passphrase no longer opens it
    const last = dv(vault, ['key', 'remove'], [add.id], { env: { DESKVAULT_PASSWORD: 'second' } });
    expect(last.status).toBe(2);
    expect(last.stderr).toContain('last key slot');
    expectStatus(dv(vault, ['key', 'add'], [], { env: { DESKVAULT_PASSWORD: 'second', DESKVAULT_NEW_PASSWORD: PASSWORD } }), 0);
  });

  it('forget --dry-run removes nothing; forget --keep-last 1 removes the rest', () => {
    const dry = parseJson<{ remove: unknown[]; keep: { reasons: string[] }[] }>(expectStatus(dv(vault, 'forget', ['--keep-last', '1', '--dry-run', '--json']), 0));
    expect(dry.keep).toHaveLength(2); // two groups (different path sets), newest of each
    expect(dry.remove).toHaveLength(0);
    expectStatus(dv(vault, 'backup', [src]), 0);
    const r = parseJson<{ remove: unknown[] }>(expectStatus(dv(vault, 'forget', ['--keep-last', '1', '--prune', '--json']), 0));
    expect(r.remove).toHaveLength(1);
    expectStatus(dv(vault, 'check', ['--read-data']), 0);
  });
});

describe('init --copy-params-from', () => {
  it('shares chunking with the other vault (same chunk ids), with its own encryption key', async () => {
    const second = path.join(work, 'second');
    expectStatus(runCli(['init', '--vault', second, '--copy-params-from', vault], { env: { DESKVAULT_FROM_PASSWORD: PASSWORD } }), 0);
    expectStatus(dv(second, 'backup', [src]), 0);
    const a = await Vault.open(new LocalStore(vault), PASSWORD);
    const b = await Vault.open(new LocalStore(second), PASSWORD);
    expect(b.sharesChunkParamsWith(a)).toBe(true);
    expect(b.config.chunker).toEqual(a.config.chunker);
    const ia = (await a.loadIndex()).index;
    const ib = (await b.loadIndex()).index;
    const dataIds = [...ib.entries()].filter(([, loc]) => loc.packKind === 'data').map(([id]) => id);
    expect(dataIds.length).toBeGreaterThan(10);
    for (const id of dataIds) expect(ia.has(id)).toBe(true);
    // Different encryption keys: a blob of one vault does not open in the other.
    const [id, loc] = [...ib.entries()].find(([, l]) => l.packKind === 'data')!;
    const sealed = await b.store.get(`data/${loc.packId.slice(0, 2)}/${loc.packId}`, { offset: loc.offset, length: loc.length });
    expect(() => a.openBlob(sealed, id, 'x')).toThrow(/authentication/);
  });
});
