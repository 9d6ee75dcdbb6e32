/** Small SVG icons (no emoji: not every system has a colour emoji font; SVG needs no style). */
export function FolderIcon() {
  return (
    <svg className="icon icon-folder" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M1.5 3.5h4.2l1.5 1.5h7.3v8.5h-13z" />
    </svg>
  );
}

export function FileIcon() {
  return (
    <svg className="icon icon-file" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M3.5 1.5h6l3 3v10h-9z" />
    </svg>
  );
}

export function LinkIcon() {
  return (
    <svg className="icon icon-link" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M3 8h9M9 5l3 3-3 3" />
    </svg>
  );
}
