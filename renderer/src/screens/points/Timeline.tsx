/**
 * The points of a vault, newest first, grouped by day. Long histories show the newest 100 and a
 * "show more" button, so a vault with thousands of points lists at once.
 */
import { useState } from 'react';
import { Button } from 'react-aria-components';
import type { RecoveryPointInfo } from '../../../../main/core/model.js';
import { hrefFor } from '../../app/router.js';
import { StateBadge } from '../../components/feedback.js';
import { formatBytes, formatClock, formatDay } from '../../format/format.js';

const STEP = 100;

export function Timeline({ points, currentId }: { points: RecoveryPointInfo[]; currentId: string | null }) {
  const [shown, setShown] = useState(STEP);
  const days = new Map<string, RecoveryPointInfo[]>();
  for (const p of points.slice(0, shown)) {
    const day = formatDay(p.time);
    days.set(day, [...(days.get(day) ?? []), p]);
  }
  return (
    <nav className="timeline" aria-label="Timeline of recovery points">
      {[...days].map(([day, list]) => (
        <section key={day}>
          <h3 className="timeline-day">{day}</h3>
          <ul className="plain-list">
            {list.map((p) => (
              <li key={p.id}>
                <a href={hrefFor('points', p.id)} aria-current={p.id === currentId ? 'page' : undefined} className="timeline-item">
                  <span>{formatClock(p.time)}</span>
                  <span className="muted small">
                    {p.planName ?? p.paths[0]} · +{formatBytes(p.storedBytes)}
                  </span>
                  {p.status === 'PARTIAL' && <StateBadge state="PARTIAL" />}
                  {p.heldBy.length > 0 && <span className="badge badge-neutral">hold</span>}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {points.length > shown && (
        <Button className="button button-small" onPress={() => setShown(shown + STEP)}>
          Show {Math.min(STEP, points.length - shown)} older points
        </Button>
      )}
    </nav>
  );
}
