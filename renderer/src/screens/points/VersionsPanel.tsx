/** Every distinct version of one file across the vault's points (points.versions), newest first. */
import { Button } from 'react-aria-components';
import type { RecoveryPointInfo } from '../../../../main/core/model.js';
import { useApi } from '../../app/client-context.js';
import { Empty, ErrorNote, Loading } from '../../components/feedback.js';
import { formatBytes, formatTime } from '../../format/format.js';

export function VersionsPanel({ vault, path, points, onClose, onSelect }: { vault: string; path: string; points: RecoveryPointInfo[]; onClose: () => void; onSelect: (pointId: string, path: string) => void }) {
  const versions = useApi('points.versions', { vault, path });
  const timeOf = new Map(points.map((p) => [p.id, p.time]));
  /** The newest point holding a version: restoring from it gives exactly that version. */
  const newest = (ids: string[]) => [...ids].sort((a, b) => ((timeOf.get(b) ?? '') < (timeOf.get(a) ?? '') ? -1 : 1))[0];
  const list = [...(versions.data?.versions ?? [])].sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : -1));
  return (
    <section className="card versions" aria-labelledby="versions-h">
      <div className="card-head">
        <h3 id="versions-h">
          Versions of <code className="path">{path}</code>
        </h3>
        <Button className="button button-small" onPress={onClose}>
          Close
        </Button>
      </div>
      <ErrorNote error={versions.error} title="Versions unavailable" />
      {versions.loading && !versions.data && <Loading what="versions" />}
      {versions.data && list.length === 0 && <Empty>No version found.</Empty>}
      {list.length > 0 && (
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">Modified</th>
              <th scope="col">Size</th>
              <th scope="col">In points</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((v) => (
              <tr key={v.contentId + v.mtime}>
                <td>{formatTime(v.mtime)}</td>
                <td>{formatBytes(v.size)}</td>
                <td>
                  {v.pointIds.length} (from {formatTime(v.firstSeen)} to {formatTime(v.lastSeen)})
                </td>
                <td>
                  <Button className="button button-small" onPress={() => onSelect(newest(v.pointIds), path)}>
                    Select this version
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
