/**
 * The binary and JSON layouts of a vault (docs/vault-format.md): pack headers and trailers, index
 * objects, trees (with the name checks that keep a crafted vault from steering a restore), config
 * versioning, and the promises that `init` on an existing vault and a wrong passphrase change nothing.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeskVaultError } from '../../../../main/core/errors.js';
import { FORMAT_MAJOR, newConfig, parseConfig } from '../../../../main/engine/repo/config.js';
import { decodeIndex, encodeIndex, INDEX_ENTRY_BYTES, type IndexFile } from '../../../../main/engine/repo/index-file.js';
import { decodeHeader, encodeHeader, HEADER_ENTRY_BYTES, PACK_MAGIC, packIdFromKey, packKey, parseTrailer, type PackEntry } from '../../../../main/engine/repo/pack-format.js';
import { decodeTree, encodeTree, type TreeNode } from '../../../../main/engine/repo/tree.js';
import { Vault } from '../../../../main/engine/repo/vault.js';
import { LocalStore } from '../../../../main/engine/storage/local-store.js';
import { caught, createVault, makeTempDir, PASSPHRASE, removeTempDirs, snapshotFiles } from '../../../helpers/engine-fixtures.js';

afterEach(removeTempDirs);

function expectCode(err: unknown, code: string): DeskVaultError {
  expect(err).toBeInstanceOf(DeskVaultError);
  expect((err as DeskVaultError).code).toBe(code);
  return err as DeskVaultError;
}

function syncThrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

const HEX = (b: number): string => b.toString(16).padStart(2, '0').repeat(32);

describe('pack header', () => {
  it('encodes and decodes round trip (45 bytes per blob)', () => {
    const entries: PackEntry[] = Array.from({ length: 50 }, (_, i) => ({
      type: i % 3 === 0 ? 'tree' : 'data',
      id: randomBytes(32),
      offset: i * 70000,
      length: 1000 + i,
      rawLength: i === 49 ? 0xffffffff : 4000 + i,
    }));
    const bytes = encodeHeader(entries);
    expect(bytes.length).toBe(4 + 50 * HEADER_ENTRY_BYTES);
    expect(bytes.readUInt32LE(0)).toBe(50);
    expect(decodeHeader(bytes, 'p')).toEqual(entries);
    expect(decodeHeader(encodeHeader([]), 'p')).toEqual([]);
  });

  it('refuses a truncated, over-long or unknown-type header (INTEGRITY)', () => {
    const bytes = encodeHeader([{ type: 'data', id: randomBytes(32), offset: 0, length: 10, rawLength: 10 }]);
    expectCode(syncThrown(() => decodeHeader(bytes.subarray(0, 3), 'p')), 'INTEGRITY');
    expectCode(syncThrown(() => decodeHeader(bytes.subarray(0, bytes.length - 1), 'p')), 'INTEGRITY');
    expectCode(syncThrown(() => decodeHeader(Buffer.concat([bytes, Buffer.of(0)]), 'p')), 'INTEGRITY');
    const bad = Buffer.from(bytes);
    bad[4] = 2;
    expectCode(syncThrown(() => decodeHeader(bad, 'p')), 'INTEGRITY');
  });

  it('trailer: header length then "DVP1"; refuses a bad magic or a length beyond the pack', () => {
    const t = Buffer.concat([Buffer.from([100, 0, 0, 0]), PACK_MAGIC]);
    expect(parseTrailer(t, 1000, 'p')).toBe(100);
    expectCode(syncThrown(() => parseTrailer(Buffer.concat([Buffer.from([100, 0, 0, 0]), Buffer.from('DVP2')]), 1000, 'p')), 'INTEGRITY');
    expectCode(syncThrown(() => parseTrailer(t, 107, 'p')), 'INTEGRITY');
    expectCode(syncThrown(() => parseTrailer(t.subarray(1), 1000, 'p')), 'INTEGRITY');
  });

  it('pack keys: <kind>/<aa>/<id>', () => {
    const id = HEX(0xab);
    expect(packKey('data', id)).toBe(`data/ab/${id}`);
    expect(packIdFromKey(`meta/ab/${id}`)).toEqual({ kind: 'meta', id });
    expect(packIdFromKey(`data/ab/${id}x`)).toBeNull();
    expect(packIdFromKey(`index/${id}`)).toBeNull();
  });
});

describe('index object', () => {
  const file: IndexFile = {
    supersedes: ['00112233445566778899aabbccddeeff'],
    packs: [
      [HEX(1), 'data'],
      [HEX(2), 'meta'],
      [HEX(3), 'data'],
    ],
    entries: [
      { id: randomBytes(32), packId: HEX(3), offset: 5, length: 6, rawLength: 7 },
      { id: randomBytes(32), packId: HEX(1), offset: 0, length: 100, rawLength: 1000 },
      { id: randomBytes(32), packId: HEX(2), offset: 4294967295, length: 1, rawLength: 0 },
    ],
  };

  it('encodes and decodes round trip (48 bytes per entry, pack numbers by position)', () => {
    const bytes = encodeIndex(file);
    const jsonLen = bytes.readUInt32LE(0);
    expect(JSON.parse(bytes.subarray(4, 4 + jsonLen).toString())).toEqual({ version: 1, supersedes: file.supersedes, packs: file.packs });
    expect(bytes.length).toBe(4 + jsonLen + 3 * INDEX_ENTRY_BYTES);
    expect(bytes.readUInt32LE(4 + jsonLen + 32)).toBe(2); // first entry lives in the third pack
    expect(decodeIndex(bytes, 'i')).toEqual(file);
    expect(decodeIndex(encodeIndex({ supersedes: [], packs: [], entries: [] }), 'i')).toEqual({ supersedes: [], packs: [], entries: [] });
  });

  it('refuses to encode an entry whose pack is not listed', () => {
    expect(() => encodeIndex({ supersedes: [], packs: [], entries: [file.entries[0]] })).toThrow();
  });

  it('refuses damaged index bytes (INTEGRITY)', () => {
    const bytes = encodeIndex(file);
    const jsonLen = bytes.readUInt32LE(0);
    expectCode(syncThrown(() => decodeIndex(bytes.subarray(0, 2), 'i')), 'INTEGRITY');
    expectCode(syncThrown(() => decodeIndex(bytes.subarray(0, 10), 'i')), 'INTEGRITY');
    expectCode(syncThrown(() => decodeIndex(bytes.subarray(0, bytes.length - 1), 'i')), 'INTEGRITY');
    const notJson = Buffer.from(bytes);
    notJson[4] = 0x7d; // the opening '{' becomes '}': no longer JSON
    expectCode(syncThrown(() => decodeIndex(notJson, 'i')), 'INTEGRITY');
    const v2 = Buffer.from(JSON.stringify({ version: 2, supersedes: [], packs: [] }));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(v2.length);
    expectCode(syncThrown(() => decodeIndex(Buffer.concat([len, v2]), 'i')), 'INTEGRITY');
    const badPackNo = Buffer.from(bytes);
    badPackNo.writeUInt32LE(3, 4 + jsonLen + 32);
    expectCode(syncThrown(() => decodeIndex(badPackNo, 'i')), 'INTEGRITY');
  });
});

describe('trees', () => {
  const file = (name: string): TreeNode => ({ name, type: 'file', mode: 0o644, uid: 1, gid: 1, mtimeNs: '1', size: 0, chunks: [] });
  const raw = (entries: unknown[]): Buffer => Buffer.from(JSON.stringify({ version: 1, entries }));

  it('encode sorts by name (UTF-16 code units) and decode returns the entries', () => {
    const entries: TreeNode[] = [
      file('b'),
      file('B'),
      file('ä'),
      file('😀'),
      file('\uffff'),
      { name: 'dir', type: 'dir', mode: 0o755, uid: 0, gid: 0, mtimeNs: '2', tree: HEX(9) },
      { name: 'link', type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtimeNs: '3', target: '../x' },
    ];
    const t = decodeTree(encodeTree([...entries]), 't');
    expect(t.version).toBe(1);
    expect(t.entries.map((e) => e.name)).toEqual(['B', 'b', 'dir', 'link', 'ä', '😀', '\uffff']);
  });

  it.each([[''], ['.'], ['..'], ['a/b'], ['/etc'], ['a\\b'], ['..\\..'], ['a\0b'], ['\0']])('refuses the entry name %j (UNSAFE_PATH)', (name) => {
    const err = expectCode(syncThrown(() => decodeTree(raw([file('ok'), file(name)]), 'tree x')), 'UNSAFE_PATH');
    expect(err.message).toContain(JSON.stringify(name));
  });

  it.each([[42], [null], [undefined], [['a']]])('refuses a non-string name %j (UNSAFE_PATH)', (name) => {
    expectCode(syncThrown(() => decodeTree(raw([{ ...file('x'), name }]), 't')), 'UNSAFE_PATH');
  });

  it('refuses a name that appears twice, even with different types (UNSAFE_PATH)', () => {
    expectCode(syncThrown(() => decodeTree(raw([file('a'), file('a')]), 't')), 'UNSAFE_PATH');
    const dup = [
      { name: 'x', type: 'dir', mode: 0o755, uid: 0, gid: 0, mtimeNs: '1', tree: HEX(1) },
      { name: 'x', type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtimeNs: '1', target: '/etc' },
    ];
    const err = expectCode(syncThrown(() => decodeTree(raw(dup), 't')), 'UNSAFE_PATH');
    expect(err.message).toContain('"x"');
  });

  it('refuses malformed trees and entries (INTEGRITY)', () => {
    for (const bytes of [
      Buffer.from('not json'),
      Buffer.from(JSON.stringify({ version: 2, entries: [] })),
      Buffer.from(JSON.stringify({ version: 1 })),
      Buffer.from('null'),
      raw([{ ...file('f'), chunks: ['abc'] }]),
      raw([{ ...file('f'), chunks: undefined }]),
      raw([{ name: 'd', type: 'dir', mode: 0, uid: 0, gid: 0, mtimeNs: '0', tree: 'nope' }]),
      raw([{ name: 's', type: 'symlink', mode: 0, uid: 0, gid: 0, mtimeNs: '0' }]),
      raw([{ name: 'p', type: 'fifo', mode: 0, uid: 0, gid: 0, mtimeNs: '0' }]),
    ]) {
      expectCode(syncThrown(() => decodeTree(bytes, 't')), 'INTEGRITY');
    }
  });
});

describe('config', () => {
  const bytes = (c: unknown): Buffer => Buffer.from(JSON.stringify(c));

  it('accepts its own config and a newer minor version', () => {
    const c = newConfig();
    expect(parseConfig(bytes(c), 'loc')).toEqual(c);
    expect(parseConfig(bytes({ ...c, version: { major: FORMAT_MAJOR, minor: 99 }, futureField: true }), 'loc').id).toBe(c.id);
  });

  it('refuses a newer major version with VAULT_TOO_NEW naming both versions', () => {
    const err = expectCode(syncThrown(() => parseConfig(bytes({ ...newConfig(), version: { major: FORMAT_MAJOR + 1, minor: 3 } }), 'loc')), 'VAULT_TOO_NEW');
    expect(err.message).toContain(`${FORMAT_MAJOR + 1}.3`);
    expect(err.message).toContain(`${FORMAT_MAJOR}.x`);
  });

  it('refuses an unknown algorithm with VAULT_TOO_NEW', () => {
    expectCode(syncThrown(() => parseConfig(bytes({ ...newConfig(), aead: 'chacha20-poly1305' }), 'loc')), 'VAULT_TOO_NEW');
    const c = newConfig();
    expectCode(syncThrown(() => parseConfig(bytes({ ...c, chunker: { ...c.chunker, algorithm: 'fastcdc-v2' } }), 'loc')), 'VAULT_TOO_NEW');
  });

  it('refuses a config that is not a vault config (VAULT_NOT_FOUND) or not JSON (INTEGRITY)', () => {
    expectCode(syncThrown(() => parseConfig(bytes({ format: 'restic', version: { major: 1, minor: 0 } }), 'loc')), 'VAULT_NOT_FOUND');
    expectCode(syncThrown(() => parseConfig(bytes({ version: 2 }), 'loc')), 'VAULT_NOT_FOUND');
    expectCode(syncThrown(() => parseConfig(bytes([]), 'loc')), 'VAULT_NOT_FOUND');
    expectCode(syncThrown(() => parseConfig(Buffer.from('{"format":'), 'loc')), 'INTEGRITY');
    expectCode(syncThrown(() => parseConfig(bytes({ ...newConfig(), id: '../x' }), 'loc')), 'INTEGRITY');
  });
});

describe('opening and creating vaults', () => {
  it('Vault.open refuses a vault whose config is a newer major version, and changes nothing', async () => {
    const dir = makeTempDir();
    await createVault(dir);
    const c = JSON.parse(fs.readFileSync(path.join(dir, 'config'), 'utf8'));
    c.version.major = FORMAT_MAJOR + 1;
    fs.writeFileSync(path.join(dir, 'config'), JSON.stringify(c));
    const before = snapshotFiles(dir);
    expectCode(await caught(() => Vault.open(new LocalStore(dir), PASSPHRASE)), 'VAULT_TOO_NEW');
    expect(snapshotFiles(dir)).toEqual(before);
  });

  it('Vault.open on a folder with a foreign config or none says VAULT_NOT_FOUND', async () => {
    const dir = makeTempDir();
    expectCode(await caught(() => Vault.open(new LocalStore(dir), PASSPHRASE)), 'VAULT_NOT_FOUND');
    fs.writeFileSync(path.join(dir, 'config'), JSON.stringify({ version: 2, id: 'x' }));
    expectCode(await caught(() => Vault.open(new LocalStore(dir), PASSPHRASE)), 'VAULT_NOT_FOUND');
  });

  it('init on an existing vault fails with VAULT_EXISTS and leaves every file as it was', async () => {
    const dir = makeTempDir();
    const vault = await createVault(dir);
    await vault.putJson(`points/${HEX(0x11)}`, { hello: 'world' });
    const before = snapshotFiles(dir);
    expect(before.size).toBeGreaterThan(2);
    expectCode(await caught(() => Vault.init(new LocalStore(dir), { passphrase: 'another' })), 'VAULT_EXISTS');
    expectCode(await caught(() => Vault.init(new LocalStore(dir), { passphrase: PASSPHRASE })), 'VAULT_EXISTS');
    expect(snapshotFiles(dir)).toEqual(before);
    // And it still opens with the original passphrase, with the same id.
    const again = await Vault.open(new LocalStore(dir), PASSPHRASE);
    expect(again.id).toBe(vault.id);
    expect(await again.getJson(`points/${HEX(0x11)}`)).toEqual({ hello: 'world' });
  });

  it('a wrong passphrase fails with WRONG_PASSWORD and changes nothing', async () => {
    const dir = makeTempDir();
    await createVault(dir);
    const before = snapshotFiles(dir);
    for (const pw of ['wrong', PASSPHRASE.toUpperCase(), `${PASSPHRASE} `]) {
      expectCode(await caught(() => Vault.open(new LocalStore(dir), pw)), 'WRONG_PASSWORD');
    }
    expect(snapshotFiles(dir)).toEqual(before);
    await expect(Vault.open(new LocalStore(dir), PASSPHRASE)).resolves.toBeInstanceOf(Vault);
  });

  it('a key slot copied into another vault does not open it (slot bound to the vault id)', async () => {
    const a = makeTempDir();
    const b = makeTempDir();
    await createVault(a);
    await Vault.init(new LocalStore(b), { passphrase: 'other passphrase' });
    const slotA = fs.readdirSync(path.join(a, 'keys'))[0];
    fs.copyFileSync(path.join(a, 'keys', slotA), path.join(b, 'keys', slotA));
    expectCode(await caught(() => Vault.open(new LocalStore(b), PASSPHRASE)), 'WRONG_PASSWORD');
  });

  it('a sealed object renamed to another name is refused (INTEGRITY)', async () => {
    const dir = makeTempDir();
    const vault = await createVault(dir);
    await vault.putJson(`points/${HEX(0x21)}`, { n: 1 });
    fs.copyFileSync(path.join(dir, 'points', HEX(0x21)), path.join(dir, 'points', HEX(0x22)));
    expectCode(await caught(() => vault.getJson(`points/${HEX(0x22)}`)), 'INTEGRITY');
  });

  it('the config on disk records every algorithm and the chunker parameters, and no secret', async () => {
    const dir = makeTempDir();
    const vault = await createVault(dir);
    const c = JSON.parse(fs.readFileSync(path.join(dir, 'config'), 'utf8'));
    expect(c).toMatchObject({
      format: 'deskvault-vault',
      version: { major: 1, minor: 0 },
      chunker: { algorithm: 'fastcdc-gear32-v1', minSize: 4096, avgSize: 16384, maxSize: 65536 },
      chunkId: 'blake3-keyed-256',
      packId: 'blake3-256',
      aead: 'aes-256-gcm',
      compression: { algorithm: 'zstd' },
      packSize: 256 * 1024,
    });
    expect(c.id).toBe(vault.id);
    expect(Object.keys(c).some((k) => /key|seed|secret/i.test(k))).toBe(false);
  });

  it('refuses an empty passphrase at init (INVALID_INPUT) and leaves no config', async () => {
    const dir = makeTempDir();
    expectCode(await caught(() => Vault.init(new LocalStore(dir), { passphrase: '' })), 'INVALID_INPUT');
    expect(fs.existsSync(path.join(dir, 'config'))).toBe(false);
  });
});
