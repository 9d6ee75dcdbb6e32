/**
 * A recovery point as a file tree, one folder at a time: breadcrumbs, then a virtualised list
 * (only the rows in view exist in the DOM, rows have a fixed height, pages load before they come
 * into view), so folders of 100,000 entries open and scroll smoothly. Tick items to restore them;
 * open a folder by its name; a file's name opens its preview and version history.
 *
 * Scrolling re-renders the list on every frame (the virtualiser's range moves), so the rows are
 * memoised on their entry and take no callbacks (clicks are delegated to the list by data-path):
 * a frame renders only the rows that just came into view, and a page arriving only the rows that
 * were waiting for it.
 */
import { observeElementRect, useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, type ChangeEvent, type MouseEvent } from 'react';
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
  onOpenFile: (path: string) => void;
}

/** Rows loaded ahead of the visible ones, so a page is usually there before it scrolls into view. */
const LOOK_AHEAD = 300;

export function PointBrowser({ vault, point, path, onOpen, selected, onToggle, onOpenFile }: Props) {
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
          <VirtualRows key={`${point}\0${path}`} total={dir.total} entryAt={dir.entryAt} ensure={dir.ensure} selected={selected} onToggle={onToggle} onOpen={onOpen} onOpenFile={onOpenFile} />
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
  onOpenFile: (path: string) => void;
}

function VirtualRows({ total, entryAt, ensure, selected, onToggle, onOpen, onOpenFile }: RowsProps) {
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
  useEffect(() => ensure(first - LOOK_AHEAD, Math.min(total - 1, last + LOOK_AHEAD)), [ensure, first, last, total]);

  // One handler per list instead of one per row (rows stay memoisable): the row's data-path says which.
  const onClick = (ev: MouseEvent<HTMLDivElement>) => {
    const button = (ev.target as HTMLElement).closest<HTMLElement>('button[data-path]');
    if (!button) return;
    const path = button.dataset.path!;
    if (button.dataset.dir === '1') onOpen(path);
    else onOpenFile(path);
  };
  const onChange = (ev: ChangeEvent<HTMLDivElement>) => {
    const box = ev.target as unknown as HTMLInputElement;
    if (box.type === 'checkbox' && box.dataset.path) onToggle(box.dataset.path, box.checked);
  };

  return (
    <div ref={scrollRef} className="rows-scroll" style={{ height: `min(60vh, ${(total + 1) * ROW_HEIGHT + 2}px)` }} tabIndex={0} role="table" aria-label="Folder contents" aria-rowcount={total + 1}>
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
      <div role="rowgroup" className="rows-body" style={{ height: virtualizer.getTotalSize() }} onClick={onClick} onChange={onChange}>
        {items.map((vi) => {
          const e = entryAt(vi.index);
          return <Row key={vi.key} index={vi.index} start={vi.start} entry={e} selected={e ? selected.has(e.path) : false} />;
        })}
      </div>
    </div>
  );
}

/** One row; re-renders only when its entry, position or tick changes. */
const Row = memo(function Row({ index, start, entry, selected }: { index: number; start: number; entry: BrowseEntry | undefined; selected: boolean }) {
  return (
    <div role="row" aria-rowindex={index + 2} className="row" style={{ transform: `translateY(${start}px)` }}>
      {entry ? (
        <EntryCells entry={entry} selected={selected} />
      ) : (
        <span role="cell" className="cell-name muted">
          …
        </span>
      )}
    </div>
  );
});

function EntryCells({ entry, selected }: { entry: BrowseEntry; selected: boolean }) {
  const isDir = entry.type === 'dir';
  // Native checkbox and button: cheap enough for fast scrolling, accessible as they are.
  return (
    <>
      <span role="cell" className="cell-check">
        <input type="checkbox" checked={selected} data-path={entry.path} onChange={noop} aria-label={`Select ${entry.name} for restore`} />
      </span>
      <span role="cell" className="cell-name">
        <button type="button" className="entry-name" data-path={entry.path} data-dir={isDir ? '1' : undefined} title={isDir ? 'Open folder' : 'Preview and versions'} aria-label={isDir ? `${entry.name} (folder)` : entry.name}>
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

/** The list's onChange handles the change; React wants a handler on a controlled checkbox. */
function noop(): void {}
