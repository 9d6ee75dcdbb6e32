/**
 * Is the network metered? Linux with NetworkManager: `nmcli -t -f GENERAL.METERED dev show`, one
 * `GENERAL.METERED:<yes|no|unknown>[ (guessed)]` line per device. Any "yes" (guessed or not) means
 * METERED — a phone hotspot beside a disconnected Ethernet port still costs money; otherwise any "no"
 * means UNMETERED. No nmcli, other systems, or only "unknown": UNKNOWN (which allows the run).
 */
import { execFileText, PROBE_TIMEOUT_MS, type ExecFileFn } from './exec-file.js';
import type { NetworkCost } from './run-conditions.js';

export interface MeteredProbeDeps {
  platform?: NodeJS.Platform;
  execFile?: ExecFileFn;
}

export function createMeteredProbe(deps: MeteredProbeDeps = {}): () => Promise<NetworkCost> {
  const platform = deps.platform ?? process.platform;
  return async () => {
    if (platform !== 'linux') return 'UNKNOWN';
    try {
      const { stdout } = await (deps.execFile ?? execFileText)('nmcli', ['-t', '-f', 'GENERAL.METERED', 'dev', 'show'], { timeoutMs: PROBE_TIMEOUT_MS });
      return meteredFromNmcli(stdout);
    } catch {
      return 'UNKNOWN'; // nmcli missing (ENOENT), NetworkManager not running, timeout
    }
  };
}

export function meteredFromNmcli(stdout: string): NetworkCost {
  const values = stdout
    .split(/\r?\n/)
    .map((line) => /^GENERAL\.METERED:\s*(\w+)/i.exec(line.trim())?.[1]?.toLowerCase())
    .filter((v): v is string => v !== undefined);
  if (values.includes('yes')) return 'METERED';
  if (values.includes('no')) return 'UNMETERED';
  return 'UNKNOWN';
}
