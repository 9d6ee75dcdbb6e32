/** A job's progress: bar (determinate once totals are known), bytes, files, throughput, ETA, current file. */
import { Label, ProgressBar } from 'react-aria-components';
import type { Job } from '../../../../main/core/model.js';
import { formatBytes, formatCount, formatDuration, formatRate } from '../../format/format.js';

export function jobPercent(job: Job): number | null {
  const c = job.counters;
  if (job.state === 'COMPLETED') return 100;
  if (c.bytesTotal && c.bytesTotal > 0) return Math.min(100, (100 * c.bytesDone) / c.bytesTotal);
  if (c.filesTotal && c.filesTotal > 0) return Math.min(100, (100 * c.filesDone) / c.filesTotal);
  return null;
}

/** What a job still does once its counters are full. */
function finishingText(job: Job): string {
  if (job.kind === 'BACKUP') return 'finishing: uploading and writing the recovery point…';
  if (job.kind === 'RESTORE') return 'finishing: putting the files in place…';
  return 'finishing…';
}

export function JobProgress({ job, compact = false }: { job: Job; compact?: boolean }) {
  const pct = jobPercent(job);
  const c = job.counters;
  // The counters are of data read; a backup still uploads (and a restore renames into place) after.
  const finishing = job.state === 'RUNNING' && pct !== null && pct >= 100;
  return (
    <div className="job-progress">
      <ProgressBar className="progress" value={pct ?? 0} isIndeterminate={pct === null} aria-label={compact ? 'Progress' : undefined}>
        {({ percentage, valueText }) => (
          <>
            {!compact && (
              <div className="progress-label">
                <Label>Progress</Label>
                <span>{pct === null ? 'counting…' : finishing ? finishingText(job) : valueText}</span>
              </div>
            )}
            <div className="progress-track">
              <div className={`progress-fill ${pct === null ? 'indeterminate' : ''}`} ref={(el) => void (el && (el.style.width = `${pct === null ? 30 : (percentage ?? 0)}%`))} />
            </div>
          </>
        )}
      </ProgressBar>
      {!compact && (
        <dl className="stats">
          <div>
            <dt>Data</dt>
            <dd>
              {formatBytes(c.bytesDone)}
              {c.bytesTotal !== null && ` of ${formatBytes(c.bytesTotal)}`}
            </dd>
          </div>
          <div>
            <dt>Files</dt>
            <dd>
              {formatCount(c.filesDone)}
              {c.filesTotal !== null && ` of ${formatCount(c.filesTotal)}`}
            </dd>
          </div>
          <div>
            <dt>Speed</dt>
            <dd>{formatRate(c.throughput)}</dd>
          </div>
          <div>
            <dt>Time left</dt>
            <dd>{job.state === 'RUNNING' ? formatDuration(c.etaSeconds) : '—'}</dd>
          </div>
          {c.currentFile && (
            <div className="stats-wide">
              <dt>Now</dt>
              <dd>
                <code className="path">{c.currentFile}</code>
              </dd>
            </div>
          )}
        </dl>
      )}
    </div>
  );
}
