/**
 * A drop zone for folders around a path field. In the desktop app a dropped folder's path comes
 * from the bridge (`client.pathForFile`); a browser never reveals where a dropped file lives, so
 * there only a dragged `file://` link or path text can be used (some file managers send one), and
 * otherwise the zone says to type the path or use Browse…. Keyboard users have the field and the
 * picker; the zone only adds a faster way for a mouse.
 */
import { useState, type DragEvent, type ReactNode } from 'react';
import { useClient } from '../app/client-context.js';

export function FolderDrop({ onPaths, children, label = 'Drop folders here' }: { onPaths: (paths: string[]) => void; children: ReactNode; label?: string }) {
  const client = useClient();
  const [over, setOver] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const accepts = (e: DragEvent) => e.dataTransfer.types.some((t) => t === 'Files' || t === 'text/uri-list' || t === 'text/plain');
  return (
    <div
      className={`folder-drop${over ? ' folder-drop-over' : ''}`}
      onDragOver={(e) => {
        if (!accepts(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const paths = droppedPaths(e.dataTransfer, client.pathForFile);
        if (paths.length > 0) {
          setNote(null);
          onPaths(paths);
        } else {
          setNote('The browser does not say where a dropped folder is. Type its path, or use Browse… to pick it.');
        }
      }}
    >
      <p className="folder-drop-label muted small" aria-hidden="true">
        {label}
      </p>
      {children}
      {note && (
        <p className="note note-warn" role="status">
          {note}
        </p>
      )}
    </div>
  );
}

/** Absolute paths from a drop: the files' real paths when known, else file:// links or path lines. */
export function droppedPaths(data: Pick<DataTransfer, 'files' | 'getData'>, pathForFile?: (f: File) => string): string[] {
  const out: string[] = [];
  if (pathForFile) for (const f of Array.from(data.files ?? [])) out.push(pathForFile(f));
  if (out.filter(Boolean).length === 0) {
    const text = `${data.getData('text/uri-list') ?? ''}\n${data.getData('text/plain') ?? ''}`;
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      if (line.startsWith('file://')) out.push(fileUrlToPath(line));
      else if (line.startsWith('/') || /^[A-Za-z]:[\\/]/.test(line)) out.push(line);
    }
  }
  return [...new Set(out.filter(Boolean))];
}

function fileUrlToPath(url: string): string {
  try {
    const p = decodeURIComponent(new URL(url).pathname);
    return /^\/[A-Za-z]:\//.test(p) ? p.slice(1).replace(/\//g, '\\') : p;
  } catch {
    return '';
  }
}
