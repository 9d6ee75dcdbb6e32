/**
 * The one way the condition probes run an OS tool: no shell, a short timeout, stdout only. Injected
 * (`ExecFileFn`) so tests feed recorded output instead of running `pmset` or `nmcli`.
 */
import { execFile } from 'node:child_process';

export type ExecFileFn = (file: string, args: string[], options: { timeoutMs: number }) => Promise<{ stdout: string }>;

/** 5 s: these tools answer in milliseconds; a hung one must not hold a scheduled job. */
export const PROBE_TIMEOUT_MS = 5_000;

export const execFileText: ExecFileFn = (file, args, options) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: options.timeoutMs, encoding: 'utf8', windowsHide: true }, (err, stdout) => {
      if (err) reject(err);
      else resolve({ stdout });
    });
  });
