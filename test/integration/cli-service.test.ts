/**
 * The service commands of the CLI, as a person runs them: a vault with an app-managed key whose
 * recovery code opens it from a second machine (another state folder), plans, `run --wait`,
 * `--vault NAME` on engine commands, and — while `deskvault serve` runs — every command reaching
 * that process over its loopback API instead of running a second service.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, killStarted, parseJson, runCli, runCliAsync, show, startCli } from '../helpers/cli.js';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';

describe('deskvault service commands', () => {
  let home: string;
  let src: string;
  let env: Record<string, string | undefined>;
  const dvs = (args: string[], extra: Record<string, string | undefined> = {}) => runCli(args, { env: { ...env, ...extra } });

  beforeAll(() => {
    home = makeTempDir('dv-home-');
    src = makeTempDir('dv-src-');
    writeFileSync(path.join(src, 'letter.txt'), 'Dear Ann,\n');
    env = { DESKVAULT_HOME: home, DESKVAULT_KEYSTORE: 'file', DESKVAULT_PASSWORD: undefined };
  });

  afterAll(async () => {
    await killStarted();
    removeTempDirs();
  });

  it('adds a vault with an app-managed key; its recovery code connects it from another state folder', () => {
    const location = path.join(makeTempDir('dv-nas-'), 'vault');
    const r = parseJson<{ vault: { name: string; id: string }; created: boolean; recoveryCode: string }>(expectStatus(dvs(['vault', 'add', '--name', 'nas', '--location', location, '--json']), 0));
    expect(r.created).toBe(true);
    expect(r.recoveryCode).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    // A second machine: another state folder, only the vault and the recovery code.
    const other = { DESKVAULT_HOME: makeTempDir('dv-home2-'), DESKVAULT_KEYSTORE: 'file' };
    const wrong = dvs(['vault', 'add', '--name', 'nas', '--location', location], { ...other, DESKVAULT_PASSWORD: 'not-the-code' });
    expect(wrong.status, show(wrong)).toBe(1);
    expect(wrong.stderr).toMatch(/wrong passphrase/);
    const connected = parseJson<{ vault: { id: string }; created: boolean; recoveryCode: null }>(expectStatus(dvs(['vault', 'add', '--name', 'nas', '--location', location, '--json'], { ...other, DESKVAULT_PASSWORD: r.recoveryCode }), 0));
    expect(connected).toMatchObject({ created: false, recoveryCode: null, vault: { id: r.vault.id } });
    // From now on that machine opens it by name, with the app key it added (no passphrase).
    expectStatus(dvs(['points', '--vault', 'nas'], other), 0);
  });

  it('creates a plan, runs it with --wait and prints the point; engine commands take the vault by name', () => {
    expectStatus(dvs(['plan', 'create', '--name', 'Letters', '--vault', 'local', '--folder', src, '--schedule', '0 3 * * *', '--tz', 'UTC', '--keep-daily', '7', '--completion-window', '120']), 0);
    const job = parseJson<{ state: string; recoveryPointId: string }>(expectStatus(dvs(['run', 'Letters', '--wait', '--json']), 0));
    expect(job.state).toBe('COMPLETED');
    const target = makeTempDir('dv-out-');
    expectStatus(dvs(['restore', '--vault', 'local', job.recoveryPointId.slice(0, 8), path.join(src, 'letter.txt'), '--into', target]), 0);
    expect(readFileSync(path.join(target, 'letter.txt'), 'utf8')).toBe('Dear Ann,\n');
    const show1 = parseJson<{ rules: { completionWindowMinutes: number }[]; nextRuns: Record<string, { runs: string[] }> }>(expectStatus(dvs(['plan', 'show', 'Letters']), 0));
    expect(show1.rules[0].completionWindowMinutes).toBe(120);
    expect(show1.nextRuns.default.runs).toHaveLength(5);
    expect(show1.nextRuns.default.runs.every((t) => t.endsWith('T03:00:00.000Z'))).toBe(true);
  });

  it('init refuses a vault name (it takes a location), naming the command to use', () => {
    const r = dvs(['init', '--vault', 'myvault']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/deskvault vault add --name myvault/);
  });

  it('while `deskvault serve` runs, commands reach it over its API (one service per state folder)', async () => {
    const serve = startCli(['serve'], { env });
    const url = await new Promise<string>((resolve, reject) => {
      serve.child.stdout!.on('data', (s: string) => {
        const m = /^DeskVault UI: (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)\n/.exec(s);
        if (m) resolve(m[1]);
      });
      serve.done.then((r) => reject(new Error(`serve exited: ${show(r)}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const run = await runCliAsync(['run', 'Letters', '--wait', '--json'], { env });
    expect(run.status, show(run)).toBe(0);
    const audit = parseJson<{ action: string; source: string }[]>(expectStatus(await runCliAsync(['audit', 'list', '--limit', '1'], { env }), 0));
    // Audited as the CLI's call, though it came over HTTP (the server honours the CLI's header).
    expect(audit[0]).toMatchObject({ action: 'backups.start', source: 'cli' });
    const status = parseJson<{ folders: { path: string; state: string }[] }>(expectStatus(await runCliAsync(['status', '--json'], { env }), 0));
    expect(status.folders).toEqual([expect.objectContaining({ path: src, state: 'PROTECTED' })]);
    serve.child.kill('SIGTERM');
    const end = await serve.done;
    expect(end.status, show(end)).toBe(0);
    // The lock is released: the next command runs the service itself again.
    expectStatus(await runCliAsync(['jobs', '--json'], { env }), 0);
  });
});
