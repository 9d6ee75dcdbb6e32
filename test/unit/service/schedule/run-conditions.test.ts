/** Run conditions with fake probes, deferral decisions, and the OS probes' parsers on recorded output. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkConditions,
  createMeteredProbe,
  createPowerProbe,
  meteredFromNmcli,
  planRun,
  powerFromPmset,
  powerFromSupplies,
  type ConditionProbes,
  type ExecFileFn,
  type NetworkCost,
  type PowerSource,
} from '../../../../main/service/schedule/index.js';

const probes = (power: PowerSource | Error, network: NetworkCost | Error): ConditionProbes => ({
  power: () => (power instanceof Error ? Promise.reject(power) : Promise.resolve(power)),
  network: () => (network instanceof Error ? Promise.reject(network) : Promise.resolve(network)),
});

describe('checkConditions', () => {
  it('blocks on battery and on a metered network, with the reasons', async () => {
    const v = await checkConditions({ onlyOnAcPower: true, notOnMeteredNetwork: true }, probes('BATTERY', 'METERED'));
    expect(v).toEqual({ allowed: false, blockedBy: ['the computer is on battery power', 'the network connection is metered'], unknown: [] });
  });

  it('allows on AC and unmetered networks', async () => {
    expect(await checkConditions({ onlyOnAcPower: true, notOnMeteredNetwork: true }, probes('AC', 'UNMETERED'))).toEqual({ allowed: true, blockedBy: [], unknown: [] });
  });

  it('allows when a probe cannot tell or fails, and says which', async () => {
    const v = await checkConditions({ onlyOnAcPower: true, notOnMeteredNetwork: true }, probes(new Error('no sysfs'), 'UNKNOWN'));
    expect(v).toEqual({ allowed: true, blockedBy: [], unknown: ['power source', 'network cost'] });
  });

  it('asks no probe for conditions not set; a bandwidth limit never blocks', async () => {
    const v = await checkConditions({ limitUploadBytesPerSec: 1000 }, probes('BATTERY', 'METERED'));
    expect(v.allowed).toBe(true);
  });
});

describe('planRun', () => {
  const deadline = new Date('2026-05-01T03:00:00Z');
  const blocked = { allowed: false, blockedBy: ['the computer is on battery power'], unknown: [] };

  it('runs when allowed inside the window', () => {
    expect(planRun({ allowed: true, blockedBy: [], unknown: [] }, new Date('2026-05-01T02:00:00Z'), deadline)).toEqual({ action: 'RUN' });
  });

  it('defers by the re-check period, never past the start deadline', () => {
    expect(planRun(blocked, new Date('2026-05-01T02:00:00Z'), deadline)).toEqual({ action: 'DEFER', recheckAt: new Date('2026-05-01T02:05:00Z'), reasons: blocked.blockedBy });
    expect(planRun(blocked, new Date('2026-05-01T02:58:00Z'), deadline, 5)).toMatchObject({ action: 'DEFER', recheckAt: deadline });
  });

  it('expires at the start deadline, with the blocking condition as the reason', () => {
    expect(planRun(blocked, deadline, deadline)).toEqual({ action: 'EXPIRE', reasons: blocked.blockedBy });
    expect(planRun({ allowed: true, blockedBy: [], unknown: [] }, deadline, deadline)).toEqual({ action: 'EXPIRE', reasons: ['the start window closed'] });
  });
});

describe('power probe', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  async function sysfs(supplies: Record<string, Record<string, string>>): Promise<string> {
    const root = await mkdtemp(join(tmpdir(), 'dv-power-'));
    dirs.push(root);
    for (const [name, files] of Object.entries(supplies)) {
      await mkdir(join(root, name));
      for (const [file, text] of Object.entries(files)) await writeFile(join(root, name, file), `${text}\n`);
    }
    return root;
  }

  it('reads AC and battery from a laptop\'s sysfs', async () => {
    const onAc = await sysfs({ AC: { type: 'Mains', online: '1' }, BAT0: { type: 'Battery', status: 'Charging' } });
    expect(await createPowerProbe({ platform: 'linux', sysRoot: onAc })()).toBe('AC');
    const onBattery = await sysfs({ AC: { type: 'Mains', online: '0' }, BAT0: { type: 'Battery', status: 'Discharging' } });
    expect(await createPowerProbe({ platform: 'linux', sysRoot: onBattery })()).toBe('BATTERY');
  });

  it('ignores a mouse battery, and says UNKNOWN for a desktop or a missing sysfs', async () => {
    const desktop = await sysfs({ hidpp_battery_0: { type: 'Battery', scope: 'Device', status: 'Discharging' } });
    expect(await createPowerProbe({ platform: 'linux', sysRoot: desktop })()).toBe('UNKNOWN');
    expect(await createPowerProbe({ platform: 'linux', sysRoot: join(tmpdir(), 'dv-no-such-dir') })()).toBe('UNKNOWN');
  });

  it.each([
    [[{ name: 'ucsi', type: 'USB', online: '1' }, { name: 'BAT0', type: 'Battery', status: 'Charging' }], 'AC'],
    [[{ name: 'BAT0', type: 'Battery', status: 'Discharging' }], 'BATTERY'],
    [[{ name: 'BAT0', type: 'Battery', status: 'Full' }], 'AC'],
    [[{ name: 'BAT0', type: 'Battery', status: 'Unknown' }], 'UNKNOWN'],
    [[], 'UNKNOWN'],
  ] as const)('powerFromSupplies %j → %s', (supplies, expected) => {
    expect(powerFromSupplies([...supplies])).toBe(expected);
  });

  it('reads pmset on macOS', async () => {
    const ac = "Now drawing from 'AC Power'\n -InternalBattery-0 (id=4653155)\t100%; charged; 0:00 remaining present: true\n";
    const battery = "Now drawing from 'Battery Power'\n -InternalBattery-0 (id=4653155)\t87%; discharging; 5:12 remaining present: true\n";
    expect(powerFromPmset(ac)).toBe('AC');
    expect(powerFromPmset(battery)).toBe('BATTERY');
    expect(powerFromPmset('')).toBe('UNKNOWN');
    const calls: string[][] = [];
    const exec: ExecFileFn = async (file, args) => {
      calls.push([file, ...args]);
      return { stdout: battery };
    };
    expect(await createPowerProbe({ platform: 'darwin', execFile: exec })()).toBe('BATTERY');
    expect(calls).toEqual([['pmset', '-g', 'batt']]);
  });

  it('says UNKNOWN on other systems', async () => {
    expect(await createPowerProbe({ platform: 'win32' })()).toBe('UNKNOWN');
  });
});

describe('metered probe', () => {
  it.each([
    ['GENERAL.METERED:no (guessed)\nGENERAL.METERED:unknown\n', 'UNMETERED'],
    ['GENERAL.METERED:no (guessed)\nGENERAL.METERED:yes (guessed)\n', 'METERED'],
    ['GENERAL.METERED:yes\n', 'METERED'],
    ['GENERAL.METERED:unknown\n', 'UNKNOWN'],
    ['', 'UNKNOWN'],
  ])('meteredFromNmcli %j → %s', (stdout, expected) => {
    expect(meteredFromNmcli(stdout)).toBe(expected);
  });

  it('runs nmcli on Linux and says UNKNOWN when it is missing or elsewhere', async () => {
    const calls: string[][] = [];
    const found: ExecFileFn = async (file, args) => {
      calls.push([file, ...args]);
      return { stdout: 'GENERAL.METERED:yes\n' };
    };
    expect(await createMeteredProbe({ platform: 'linux', execFile: found })()).toBe('METERED');
    expect(calls).toEqual([['nmcli', '-t', '-f', 'GENERAL.METERED', 'dev', 'show']]);
    const missing: ExecFileFn = () => Promise.reject(Object.assign(new Error('spawn nmcli ENOENT'), { code: 'ENOENT' }));
    expect(await createMeteredProbe({ platform: 'linux', execFile: missing })()).toBe('UNKNOWN');
    expect(await createMeteredProbe({ platform: 'darwin', execFile: found })()).toBe('UNKNOWN');
  });
});
