/**
 * Is the computer on AC power? Linux: /sys/class/power_supply/<name>/{type,online,scope,status};
 * macOS: `pmset -g batt`; anything else, or any failure: UNKNOWN (which allows the run, see
 * run-conditions.ts). The parsers are exported and pure so they are tested on recorded inputs.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFileText, PROBE_TIMEOUT_MS, type ExecFileFn } from './exec-file.js';
import type { PowerSource } from './run-conditions.js';

export interface PowerSupplyInfo {
  name: string;
  /** Mains, Battery, USB, UPS, Wireless … */
  type?: string;
  /** "1" when an external supply is connected. */
  online?: string;
  /** "Device" for the battery of a mouse or headset, which says nothing about the computer. */
  scope?: string;
  /** Battery: Charging, Discharging, Full, Not charging, Unknown. */
  status?: string;
}

export interface PowerProbeDeps {
  platform?: NodeJS.Platform;
  sysRoot?: string;
  execFile?: ExecFileFn;
}

export function createPowerProbe(deps: PowerProbeDeps = {}): () => Promise<PowerSource> {
  const platform = deps.platform ?? process.platform;
  return async () => {
    try {
      if (platform === 'linux') return powerFromSupplies(await readPowerSupplies(deps.sysRoot));
      if (platform === 'darwin') {
        const { stdout } = await (deps.execFile ?? execFileText)('pmset', ['-g', 'batt'], { timeoutMs: PROBE_TIMEOUT_MS });
        return powerFromPmset(stdout);
      }
    } catch {
      // no sysfs, no pmset, a timeout: we cannot tell
    }
    return 'UNKNOWN';
  };
}

/**
 * AC if any external supply (Mains, USB, UPS) is online. Otherwise, with a system battery present:
 * BATTERY if there are external supplies and all are offline, else the battery's own status
 * (Discharging → BATTERY; Charging/Full/Not charging → AC). No system battery (desktops): UNKNOWN.
 */
export function powerFromSupplies(supplies: PowerSupplyInfo[]): PowerSource {
  const external = supplies.filter((s) => s.type !== 'Battery' && s.scope !== 'Device' && s.online !== undefined);
  if (external.some((s) => s.online === '1')) return 'AC';
  const batteries = supplies.filter((s) => s.type === 'Battery' && s.scope !== 'Device');
  if (batteries.length === 0) return 'UNKNOWN';
  if (external.length > 0) return 'BATTERY';
  if (batteries.some((b) => b.status === 'Discharging')) return 'BATTERY';
  if (batteries.some((b) => b.status === 'Charging' || b.status === 'Full' || b.status === 'Not charging')) return 'AC';
  return 'UNKNOWN';
}

/** The first line of `pmset -g batt`: "Now drawing from 'AC Power'" or "… 'Battery Power'" (or 'UPS Power'). */
export function powerFromPmset(stdout: string): PowerSource {
  const m = /drawing from '([^']+)'/i.exec(stdout);
  if (!m) return 'UNKNOWN';
  if (/battery/i.test(m[1])) return 'BATTERY';
  if (/ac|ups/i.test(m[1])) return 'AC';
  return 'UNKNOWN';
}

export async function readPowerSupplies(sysRoot = '/sys/class/power_supply'): Promise<PowerSupplyInfo[]> {
  const names = await readdir(sysRoot);
  return Promise.all(
    names.map(async (name) => {
      const read = (file: string) => readFile(join(sysRoot, name, file), 'utf8').then((t) => t.trim(), () => undefined);
      const [type, online, scope, status] = await Promise.all([read('type'), read('online'), read('scope'), read('status')]);
      return { name, type, online, scope, status };
    }),
  );
}
