/** What changed between two points of the vault (points.diff): added, removed, changed paths. */
import { useState } from 'react';
import type { RecoveryPointInfo } from '../../../../main/core/model.js';
import { useApi } from '../../app/client-context.js';
import { Empty, ErrorNote, Loading } from '../../components/feedback.js';
import { SelectInput } from '../../components/fields.js';
import { formatTime, shortId } from '../../format/format.js';

const SHOWN = 200;

export function DiffPanel({ vault, points }: { vault: string; points: RecoveryPointInfo[] }) {
  const [to, setTo] = useState(points[0]?.id ?? '');
  const [from, setFrom] = useState(points[1]?.id ?? points[0]?.id ?? '');
  const diff = useApi('points.diff', from && to ? { vault, from, to } : null);
  const options = points.slice(0, 500).map((p) => ({ id: p.id, label: `${formatTime(p.time)} (${shortId(p.id)})` }));
  if (points.length < 2) return <Empty>Comparing needs two recovery points.</Empty>;
  return (
    <div className="diff">
      <div className="inline-fields">
        <SelectInput label="From (older)" value={from} onChange={setFrom} options={options} />
        <SelectInput label="To (newer)" value={to} onChange={setTo} options={options} />
      </div>
      <ErrorNote error={diff.error} title="Comparison failed" />
      {diff.loading && !diff.data && <Loading what="the comparison" />}
      {diff.data && (
        <div className="grid-3">
          <PathList title="Added" tone="good" paths={diff.data.added} />
          <PathList title="Changed" tone="busy" paths={diff.data.changed} />
          <PathList title="Removed" tone="bad" paths={diff.data.removed} />
        </div>
      )}
    </div>
  );
}

function PathList({ title, paths, tone }: { title: string; paths: string[]; tone: string }) {
  return (
    <section aria-label={title}>
      <h3>
        <span className={`badge badge-${tone}`}>{title}</span> {paths.length}
      </h3>
      {paths.length === 0 ? (
        <p className="muted small">none</p>
      ) : (
        <ul className="plain-list diff-list">
          {paths.slice(0, SHOWN).map((p) => (
            <li key={p}>
              <code className="path">{p}</code>
            </li>
          ))}
          {paths.length > SHOWN && <li className="muted">… and {paths.length - SHOWN} more</li>}
        </ul>
      )}
    </section>
  );
}
