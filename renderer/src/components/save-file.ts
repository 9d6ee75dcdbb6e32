/**
 * Saves text as a file the person downloads (reports): a Blob URL where the platform has one (the
 * browser, Electron — which asks where to save), else a `data:` URL, on a temporary <a download>.
 * No navigation happens, and nothing reaches the service: the content is already here.
 */
export function saveFile(name: string, mime: string, content: string): void {
  const blobUrl = typeof URL.createObjectURL === 'function' ? URL.createObjectURL(new Blob([content], { type: mime })) : null;
  const a = document.createElement('a');
  a.href = blobUrl ?? `data:${mime};charset=utf-8,${encodeURIComponent(content)}`;
  a.download = name;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download reads the Blob asynchronously: free it a minute later (FileSaver.js does the same).
  if (blobUrl) setTimeout(() => URL.revokeObjectURL(blobUrl), 60_000);
}

/** "deskvault-jobs-2026-11-26.csv": the report's kind and today's local date. */
export function reportFileName(kind: string, ext: 'csv' | 'json', now: Date = new Date()): string {
  const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return `deskvault-${kind}-${day}.${ext}`;
}
