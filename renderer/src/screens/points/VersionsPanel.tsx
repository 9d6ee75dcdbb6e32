/**
 * One file, opened from the browser or a search result: its preview in one point, and every
 * distinct version of it across the vault's points (points.versions), newest first — each can be
 * previewed or selected for restore. Focus moves to the panel's heading when a file is opened, so
 * keyboard users (and everyone, when the panel is below the fold) land on it.
 */
import { useEffect, useRef } from 'react';
import { Button } from 'react-aria-components';
import type { RecoveryPointInfo } from '../../../../main/core/model.js';
import { useApi } from '../../app/client-context.js';
import { Empty, ErrorNote, Loading } from '../../components/feedback.js';
import { formatBytes, formatTime, shortId } from '../../format/format.js';
import { FilePreview } from './FilePreview.js';
import { TableHead } from '../../components/table-head.js';

export interface OpenedFile {
  path: string;
  /** The point whose copy is previewed. */
  pointId: string;
}

interface Props {
  vault: string;
  file: OpenedFile;
  points: RecoveryPointInfo[];
  onClose: () => void;
  onPreview: (file: OpenedFile) => void;
  onSelect: (pointId: string, path: string) => void;
}

export function VersionsPanel({ vault, file, points, onClose, onPreview, onSelect }: Props) {
  const { path, pointId } = file;
  const versions = useApi('points.versions', { vault, path });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [path]);
  const timeOf = new Map(points.map((p) => [p.id, p.time]));
  /** The newest point holding a version: restoring from it gives exactly that version. */
  const newest = (ids: string[]) => [...ids].sort((a, b) => ((timeOf.get(b) ?? '') < (timeOf.get(a) ?? '') ? -1 : 1))[0];
  const list = [...(versions.data?.versions ?? [])].sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : -1));
  const name = path.split(/[\\/]/).pop() ?? path;
  return (
    <section className="card versions" aria-labelledby="file-h">
      <div className="card-head">
        <h2 id="file-h" ref={heading} tabIndex={-1}>
          {name}
        </h2>
        <Button className="button button-small" onPress={onClose}>
          Close
        </Button>
      </div>
      <p className="small">
        <code className="path">{path}</code>
      </p>
      <section aria-labelledby="preview-file-h">
        <div className="card-head">
          <h3 id="preview-file-h">
            Preview <span className="muted small">in point {shortId(pointId)} of {formatTime(timeOf.get(pointId))}</span>
          </h3>
          <Button className="button button-small" onPress={() => onSelect(pointId, path)}>
            Select for restore
          </Button>
        </div>
        <FilePreview key={`${pointId}\0${path}`} vault={vault} pointId={pointId} path={path} />
      </section>
      <section aria-labelledby="versions-h">
        <h3 id="versions-h">Versions of {name}</h3>
        <ErrorNote error={versions.error} title="Versions unavailable" />
        {versions.loading && !versions.data && <Loading what="versions" />}
        {versions.data && list.length === 0 && <Empty>No version found.</Empty>}
        {list.length > 0 && (
          <table className="table table-compact">
            <TableHead columns={['Modified', 'Size', 'In points']} actions />
            <tbody>
              {list.map((v) => {
                const shown = v.pointIds.includes(pointId);
                return (
                  <tr key={v.contentId + v.mtime} aria-current={shown ? 'true' : undefined} className={shown ? 'row-current' : undefined}>
                    <td>
                      {formatTime(v.mtime)}
                      {shown && <span className="muted small"> (previewed)</span>}
                    </td>
                    <td>{formatBytes(v.size)}</td>
                    <td>
                      {v.pointIds.length} (from {formatTime(v.firstSeen)} to {formatTime(v.lastSeen)})
                    </td>
                    <td className="actions">
                      <Button className="button button-small" isDisabled={shown} onPress={() => onPreview({ path, pointId: newest(v.pointIds) })} aria-label={`Preview the version of ${formatTime(v.mtime)}`}>
                        Preview
                      </Button>
                      <Button className="button button-small" onPress={() => onSelect(newest(v.pointIds), path)}>
                        Select this version
                      </Button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}
