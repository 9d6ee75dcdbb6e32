/**
 * A one-line progress display on stderr, shown only on a TTY (scripts and --json get silence).
 * The engine reports counters; this file turns them into text.
 */
import { formatBytes, formatDuration } from './format.js';

export interface ProgressLine {
  update(p: { bytes: number; files: number; totalBytes?: number; totalFiles?: number; current?: string }): void;
  done(): void;
}

export function createProgress(enabled: boolean, label: string): ProgressLine {
  if (!enabled) return { update: () => undefined, done: () => undefined };
  const start = Date.now();
  let lastLen = 0;
  return {
    update(p) {
      const elapsed = (Date.now() - start) / 1000;
      const rate = elapsed > 0 ? p.bytes / elapsed : 0;
      let eta = '';
      let bar = '';
      if (p.totalBytes && p.totalBytes > 0) {
        const frac = Math.min(1, p.bytes / p.totalBytes);
        const width = 20;
        const filled = Math.round(frac * width);
        bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% `;
        if (rate > 0 && frac < 1) eta = `  ETA ${formatDuration(((p.totalBytes - p.bytes) / rate) * 1000)}`;
      }
      const files = p.totalFiles ? `${p.files}/${p.totalFiles}` : `${p.files}`;
      let line = `${label} ${bar}${formatBytes(p.bytes)}  ${files} files  ${formatBytes(rate)}/s${eta}`;
      const cols = process.stderr.columns ?? 100;
      if (p.current && line.length + 3 < cols) {
        const room = cols - line.length - 3;
        const cur = p.current.length > room ? `…${p.current.slice(-(room - 1))}` : p.current;
        line += `  ${cur}`;
      }
      line = line.slice(0, cols - 1);
      process.stderr.write(`\r${line}${' '.repeat(Math.max(0, lastLen - line.length))}`);
      lastLen = line.length;
    },
    done() {
      if (lastLen > 0) process.stderr.write(`\r${' '.repeat(lastLen)}\r`);
    },
  };
}
