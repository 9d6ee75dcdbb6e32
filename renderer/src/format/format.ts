/**
 * Sizes, times and durations for people. Pure functions (the clock is a parameter where the
 * answer depends on "now"), so screens and tests agree on every string.
 */
const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** 1536 → "1.5 KB" (powers of 1024, like the CLI); null → "—". */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} ${n === 1 ? 'byte' : 'bytes'}`;
  let v = n;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${UNITS[i]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return bytesPerSecond > 0 ? `${formatBytes(bytesPerSecond)}/s` : '—';
}

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString('en-US');
}

/** 75 → "1 min 15 s"; 4000 → "1 h 6 min". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} days`;
}

/**
 * One formatter, made once: `toLocaleString(locale, options)` builds a new Intl.DateTimeFormat on
 * every call (~0.1 ms), which a list of thousands of rows cannot afford while it scrolls.
 */
const TIME_FORMAT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

/** A local date and time a person reads: "26 Nov 2026, 07:08". */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return TIME_FORMAT.format(d);
}

const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
const CLOCK_FORMAT = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const SHORT_DAY_FORMAT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });
const SHORT_TIME_FORMAT = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

/** "Thu, 26 Nov 2026": a day heading. */
export function formatDay(iso: string): string {
  return DAY_FORMAT.format(new Date(iso));
}

/** "09:43:58": a time of day to the second. */
export function formatClock(iso: string): string {
  return CLOCK_FORMAT.format(new Date(iso));
}

/** A chart tick: "26 Nov" when the chart spans days, "09:43" when it spans hours (`spanMs`). */
export function formatTick(ms: number, spanMs: number): string {
  return (spanMs < 2 * 86_400_000 ? SHORT_TIME_FORMAT : SHORT_DAY_FORMAT).format(new Date(ms));
}

/** "3 minutes ago", "in 2 hours", "just now". */
export function formatRelative(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return 'never';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const diff = (t - now.getTime()) / 1000;
  const abs = Math.abs(diff);
  if (abs < 45) return 'just now';
  const [value, unit] =
    abs < 3600 ? [Math.round(abs / 60), 'minute'] : abs < 86400 ? [Math.round(abs / 3600), 'hour'] : abs < 86400 * 60 ? [Math.round(abs / 86400), 'day'] : [Math.round(abs / (86400 * 30)), 'month'];
  const text = `${value} ${unit}${value === 1 ? '' : 's'}`;
  return diff < 0 ? `${text} ago` : `in ${text}`;
}

/** A recovery point id as people see it (the CLI accepts any unique prefix). */
export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 8) : '—';
}
