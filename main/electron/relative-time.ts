/**
 * "5 min ago", "3 h ago", "yesterday": the short relative times of the tray's status line.
 * English only (the tray menu is not localised yet); a time in the future (clock skew between the
 * service and this process) reads "just now" rather than a negative age.
 */
export function relativeTime(then: Date, now: Date): string {
  const minutes = Math.floor((now.getTime() - then.getTime()) / 60_000);
  if (!(minutes >= 1)) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}

/** "in 45 min", "in 2 h": how long until a time (a pause's end). */
export function timeUntil(when: Date, now: Date): string {
  const minutes = Math.ceil((when.getTime() - now.getTime()) / 60_000);
  if (minutes <= 1) return 'in a minute';
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `in ${hours} h` : `in ${Math.round(hours / 24)} days`;
}
