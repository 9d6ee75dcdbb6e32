/**
 * Where a vault may go: a location under /proc (where Node's recursive mkdir never returns) or
 * below a file is refused at once with a sentence saying why, by `vaults.add`, `vaults.test` and
 * the CLI; missing folders of a good location are created.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../main/service/keys/key-store.js';
import { DeskVaultService } from '../../main/service/index.js';
import { checkVaultFolder } from '../../main/service/vaults/vault-folder.js';
import { runCli, show } from '../helpers/cli.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';

/** Fails instead of hanging: the bug this guards against was a call that never returned. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

const linux = process.platform === 'linux';

describe('vault locations', () => {
  let home: string;
  let svc: DeskVaultService;

  beforeAll(async () => {
    home = makeTempDir('dv-home-');
    svc = await DeskVaultService.start({ home, kind: 'test', keyStore: new FileKeyStore(home), noDefaultVault: true });
  });

  afterAll(async () => {
    await svc?.stop();
    removeTempDirs();
  });

  it.runIf(linux)('refuses a location under /proc at once, naming the file system', async () => {
    const err = await within(10_000, svc.api['vaults.add']({ name: 'p', location: '/proc/foo/vault' }).then(() => null, (e: unknown) => e));
    expect(err).toMatchObject({ code: 'INVALID_INPUT', data: { field: 'location', fileSystem: 'proc' } });
    expect((err as Error).message).toBe('cannot put a vault at /proc/foo/vault: /proc is on proc, a view of the operating system that stores no files; choose a folder on a disk');
    expect(await svc.api['vaults.list']({})).toEqual([]);
    expect(fs.existsSync('/proc/foo')).toBe(false);
    const tested = await within(10_000, svc.api['vaults.test']({ location: '/proc/foo/vault' }));
    expect(tested).toMatchObject({ ok: false, vaultExists: false, problem: 'missing: write' });
    expect(tested.checks[0].message).toMatch(/is on proc/);
    expect(() => checkVaultFolder('/sys/kernel/deskvault')).toThrow(/is on sysfs/);
  });

  it.runIf(linux)('the CLI says so and exits 2, without hanging', () => {
    const r = runCli(['vault', 'add', '--name', 'p', '--location', '/proc/foo/vault'], { env: { DESKVAULT_HOME: makeTempDir('dv-home-cli-'), DESKVAULT_KEYSTORE: 'file' }, timeoutMs: 60_000 });
    expect(r.status, show(r)).toBe(2);
    expect(r.stderr).toMatch(/cannot put a vault at \/proc\/foo\/vault: \/proc is on proc/);
  });

  it('refuses a location below a file', async () => {
    const file = path.join(makeTempDir('dv-loc-'), 'notes.txt');
    fs.writeFileSync(file, 'not a folder');
    await expect(svc.api['vaults.add']({ name: 'f', location: path.join(file, 'vault') })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: `cannot put a vault at ${path.join(file, 'vault')}: ${file} is a file, not a folder`,
    });
  });

  it('creates the missing folders of a good location, one level at a time', async () => {
    const base = makeTempDir('dv-loc-');
    const location = path.join(base, 'a', 'b', 'vault');
    const r = await svc.api['vaults.add']({ name: 'nested', location });
    expect(r.created).toBe(true);
    expect(fs.existsSync(path.join(location, 'config'))).toBe(true);
    expect(checkVaultFolder(path.join(base, 'x', 'y'))).toEqual({ existing: base, missing: [path.join(base, 'x'), path.join(base, 'x', 'y')] });
  });
});
