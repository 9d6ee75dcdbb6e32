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
      if (p.current && width(line) + 3 < cols) line += `  ${fitLeft(p.current, cols - width(line) - 3)}`;
      // The line must never wrap: a wrapped line cannot be redrawn with \r.
      const w = width(line);
      process.stderr.write(`\r${line}${' '.repeat(Math.max(0, lastLen - w))}`);
      lastLen = w;
    },
    done() {
      if (lastLen > 0) process.stderr.write(`\r${' '.repeat(lastLen)}\r`);
    },
  };
}

/** Terminal columns a string takes: East Asian wide and fullwidth characters take two. */
export function width(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || c >= 0x1f300 ? 2 : 1;
  }
  return w;
}

/** The end of a path that fits in `cols` columns, with an ellipsis where it was cut. */
export function fitLeft(s: string, cols: number): string {
  if (width(s) <= cols) return s;
  const chars = [...s];
  let out = '';
  let w = 1; // the ellipsis
  for (let i = chars.length - 1; i >= 0; i--) {
    const cw = width(chars[i]);
    if (w + cw > cols) break;
    out = chars[i] + out;
    w += cw;
  }
  return `…${out}`;
}
