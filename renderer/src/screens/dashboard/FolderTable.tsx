/** One row per protected folder: state (in words), last good point, next run, plan and vault. */
import type { FolderStatus } from '../../../../main/core/model.js';
import { hrefFor } from '../../app/router.js';
import { Empty, StateBadge } from '../../components/feedback.js';
import { formatRelative, formatTime } from '../../format/format.js';

export function FolderTable({ folders }: { folders: FolderStatus[] }) {
  if (folders.length === 0) return <Empty>No folder is protected yet.</Empty>;
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Folder</th>
          <th scope="col">State</th>
          <th scope="col">Last good point</th>
          <th scope="col">Next run</th>
          <th scope="col">Plan → vault</th>
        </tr>
      </thead>
      <tbody>
        {folders.map((f) => (
          <tr key={`${f.planName}\0${f.path}`}>
            <td>
              <code className="path">{f.path}</code>
              {f.message && <div className="muted small">{f.message}</div>}
            </td>
            <td>
              <StateBadge state={f.state} />
            </td>
            <td title={formatTime(f.lastGoodPointAt)}>
              {f.lastGoodPointId ? <a href={hrefFor('points', f.lastGoodPointId)}>{formatRelative(f.lastGoodPointAt)}</a> : 'none yet'}
            </td>
            <td title={formatTime(f.nextRunAt)}>{f.continuous ? 'continuous (on change)' : formatRelative(f.nextRunAt)}</td>
            <td>
              <a href={hrefFor('plans', f.planName)}>{f.planName}</a> → {f.vaultName}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
