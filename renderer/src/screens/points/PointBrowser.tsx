/**
 * A recovery point as a file tree, one folder at a time: breadcrumbs, then a virtualised list
 * (only the rows in view exist in the DOM, rows have a fixed height, pages load as they come into
 * view), so folders of 100,000 entries open and scroll smoothly. Tick items to restore them; open
 * a folder by its name; a file's name shows its version history.
 */
import { observeElementRect, useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { Button } from 'react-aria-components';
import type { BrowseEntry } from '../../../../main/core/api.js';
import { Empty, ErrorNote, Loading } from '../../components/feedback.js';
import { FileIcon, FolderIcon, LinkIcon } from '../../components/icons.js';
import { formatBytes, formatCount, formatTime } from '../../format/format.js';
import { useDirectory } from './use-directory.js';

const ROW_HEIGHT = 34;
/** A screenful, assumed where layout cannot be measured (jsdom reports every box as 0×0). */
const FALLBACK_RECT = { width: 800, height: 600 };

interface Props {
  vault: string;
  point: string;
  path: string;
  onOpen: (path: string) => void;
  selected: ReadonlySet<string>;
  onToggle: (path: string, on: boolean) => void;
  onShowVersions: (path: string) => void;
}

export function PointBrowser({ vault, point, path, onOpen, selected, onToggle, onShowVersions }: Props) {
  const dir = useDirectory(vault, point, path);
  return (
    <div className="browser">
      <Breadcrumbs path={path} onOpen={onOpen} />
      <ErrorNote error={dir.error} title="This folder cannot be shown" />
      {dir.total === null && !dir.error && <Loading what="the folder" />}
      {dir.total === 0 && <Empty>This folder is empty.</Empty>}
      {dir.total !== null && dir.total > 0 && (
        <>
          <p className="muted small" aria-live="polite">
            {formatCount(dir.total)} item{dir.total === 1 ? '' : 's'}
          </p>
          <VirtualRows key={`${point}\0${path}`} total={dir.total} entryAt={dir.entryAt} ensure={dir.ensure} selected={selected} onToggle={onToggle} onOpen={onOpen} onShowVersions={onShowVersions} />
        </>
      )}
    </div>
  );
}

function Breadcrumbs({ path, onOpen }: { path: string; onOpen: (p: string) => void }) {
  const parts = path.split('/').filter(Boolean);
  return (
    <nav aria-label="Folder path" className="breadcrumbs">
      <ol>
        <li>
          <Button className="crumb" onPress={() => onOpen('')}>
            Top
          </Button>
        </li>
        {parts.map((name, i) => {
          const p = `/${parts.slice(0, i + 1).join('/')}`;
          return (
            <li key={p}>
              {i === parts.length - 1 ? (
                <span aria-current="location">{name}</span>
              ) : (
                <Button className="crumb" onPress={() => onOpen(p)}>
                  {name}
                </Button>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

interface RowsProps {
  total: number;
  entryAt: (i: number) => BrowseEntry | undefined;
  ensure: (start: number, end: number) => void;
  selected: ReadonlySet<string>;
  onToggle: (path: string, on: boolean) => void;
  onOpen: (path: string) => void;
  onShowVersions: (path: string) => void;
}

function VirtualRows({ total, entryAt, ensure, selected, onToggle, onOpen, onShowVersions }: RowsProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: FALLBACK_RECT,
    observeElementRect: (instance, cb) => observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : FALLBACK_RECT)),
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => ensure(first, last), [ensure, first, last]);

  return (
    <div ref={scrollRef} className="rows-scroll" tabIndex={0} role="table" aria-label="Folder contents" aria-rowcount={total + 1}>
      <div role="rowgroup" className="rows-head">
        <div role="row" aria-rowindex={1} className="row row-head">
          <span role="columnheader" className="cell-check">
            <span className="visually-hidden">Restore</span>
          </span>
          <span role="columnheader" className="cell-name">
            Name
          </span>
          <span role="columnheader" className="cell-size">
            Size
          </span>
          <span role="columnheader" className="cell-time">
            Modified
          </span>
        </div>
      </div>
      <div role="rowgroup" className="rows-body" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((vi) => {
          const e = entryAt(vi.index);
          return (
            <div key={vi.key} role="row" aria-rowindex={vi.index + 2} className="row" style={{ transform: `translateY(${vi.start}px)` }}>
              {e ? <EntryCells entry={e} selected={selected.has(e.path)} onToggle={onToggle} onOpen={onOpen} onShowVersions={onShowVersions} /> : <span role="cell" className="cell-name muted">…</span>}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function EntryCells({ entry, selected, onToggle, onOpen, onShowVersions }: { entry: BrowseEntry; selected: boolean; onToggle: (p: string, on: boolean) => void; onOpen: (p: string) => void; onShowVersions: (p: string) => void }) {
  const isDir = entry.type === 'dir';
  // Native checkbox and button: cheap enough for fast scrolling, accessible as they are.
  return (
    <>
      <span role="cell" className="cell-check">
        <input type="checkbox" checked={selected} onChange={(ev) => onToggle(entry.path, ev.target.checked)} aria-label={`Select ${entry.name} for restore`} />
      </span>
      <span role="cell" className="cell-name">
        <button type="button" className="entry-name" onClick={() => (isDir ? onOpen(entry.path) : onShowVersions(entry.path))} title={isDir ? 'Open folder' : 'Show versions'} aria-label={isDir ? `${entry.name} (folder)` : entry.name}>
          {isDir ? <FolderIcon /> : entry.type === 'symlink' ? <LinkIcon /> : <FileIcon />}
          {entry.name}
        </button>
      </span>
      <span role="cell" className="cell-size">
        {isDir ? '' : formatBytes(entry.size)}
      </span>
      <span role="cell" className="cell-time">
        {formatTime(entry.mtime)}
      </span>
    </>
  );
}
