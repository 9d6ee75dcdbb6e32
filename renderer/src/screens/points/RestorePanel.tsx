/**
 * Restore the selection (or the whole point): to the original location (in-place) or into another
 * folder, with a conflict policy (keep both by default: nothing you have is replaced) and a dry
 * run (the job's log lists what would change; nothing is written). Progress follows the job live.
 */
import { useState } from 'react';
import { Button } from 'react-aria-components';
import type { ApiInput } from '../../../../main/core/api.js';
import type { RecoveryPointInfo } from '../../../../main/core/model.js';
import { isFinal } from '../../format/job-states.js';
import { useAction, useClient } from '../../app/client-context.js';
import { hrefFor } from '../../app/router.js';
import { CliEquivalent } from '../../components/cli-box.js';
import { ErrorNote, JobBadge } from '../../components/feedback.js';
import { Check, Choice } from '../../components/fields.js';
import { PathField } from '../../components/folder-picker.js';
import { restoreCommand } from '../../format/cli-equivalent.js';
import { formatTime, shortId } from '../../format/format.js';
import { JobProgress } from '../jobs/JobProgress.js';
import { useLiveJob } from '../jobs/use-live-jobs.js';
import type { Selection } from './PointsScreen.js';

type Mode = 'into' | 'in-place';
type Conflict = 'skip' | 'overwrite' | 'keep-both';

export function RestorePanel({ vault, selection, points, onClear }: { vault: string; selection: Selection | null; points: RecoveryPointInfo[]; onClear: () => void }) {
  const client = useClient();
  const [mode, setMode] = useState<Mode>('into');
  const [target, setTarget] = useState('');
  const [conflict, setConflict] = useState<Conflict>('keep-both');
  const [dryRun, setDryRun] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const start = useAction(async (input: ApiInput<'restores.start'>) => setJobId((await client.call('restores.start', input)).id));
  if (!selection) return null;
  const point = points.find((p) => p.id === selection.pointId);
  const input: ApiInput<'restores.start'> = {
    vault,
    point: selection.pointId,
    paths: selection.paths,
    mode,
    ...(mode === 'into' ? { target: target.trim() } : {}),
    conflict,
    dryRun,
  };
  const ready = mode === 'in-place' || target.trim() !== '';

  return (
    <section className="card restore" aria-labelledby="restore-h">
      <h2 id="restore-h">Restore</h2>
      <p>
        From point <code>{shortId(selection.pointId)}</code> {point && `of ${formatTime(point.time)}`}:{' '}
        {selection.paths.length === 0 ? <strong>everything in this point</strong> : <strong>{selection.paths.length} selected item(s)</strong>}
        {selection.paths.length > 0 && (
          <Button className="button button-small" onPress={onClear}>
            Clear selection
          </Button>
        )}
      </p>
      {selection.paths.length > 0 && (
        <ul className="plain-list selection-list" aria-label="Selected for restore">
          {selection.paths.slice(0, 20).map((p) => (
            <li key={p}>
              <code className="path">{p}</code>
            </li>
          ))}
          {selection.paths.length > 20 && <li className="muted">… and {selection.paths.length - 20} more</li>}
        </ul>
      )}
      <Choice<Mode>
        label="Restore to"
        value={mode}
        onChange={setMode}
        options={[
          { id: 'into', label: 'Another folder', description: 'each item lands there under its own name' },
          { id: 'in-place', label: 'The original location', description: 'where it was when backed up' },
        ]}
      />
      {mode === 'into' && <PathField label="Restore into folder" value={target} onChange={setTarget} />}
      <Choice<Conflict>
        label="If a file is already there"
        value={conflict}
        onChange={setConflict}
        options={[
          { id: 'keep-both', label: 'Keep both', description: 'the restored copy gets a “(restored …)” name' },
          { id: 'skip', label: 'Skip it', description: 'keep what is there' },
          { id: 'overwrite', label: 'Replace it', description: 'with the backed-up version' },
        ]}
      />
      <Check isSelected={dryRun} onChange={setDryRun}>
        Dry run: only list what would change
      </Check>
      <div className="toolbar">
        <Button className="button button-primary" isDisabled={!ready || start.pending} onPress={() => void start.run(input)}>
          {dryRun ? 'Show what would change' : selection.paths.length === 0 ? 'Restore the whole point' : 'Restore selected'}
        </Button>
      </div>
      <ErrorNote error={start.error} title="The restore could not start" />
      {jobId && <RestoreJob id={jobId} />}
      <CliEquivalent label="this restore" command={restoreCommand(input)} />
    </section>
  );
}

function RestoreJob({ id }: { id: string }) {
  const { job, error } = useLiveJob(id);
  if (error) return <ErrorNote error={error} title="Restore job unavailable" />;
  if (!job) return null;
  const final = isFinal(job.state);
  return (
    <div className="restore-job" aria-live="polite">
      <p>
        <JobBadge job={job} /> <a href={hrefFor('jobs', job.id)}>Restore job</a> {job.statusMessage}
      </p>
      {job.error && <ErrorNote error={new Error(job.error.message)} title="The restore failed" />}
      {!final && <JobProgress job={job} />}
      {final && job.log.length > 0 && (
        <pre className="log" tabIndex={0} aria-label="Restore log">
          {job.log.join('\n')}
        </pre>
      )}
    </div>
  );
}
