/**
 * Restore tests: proof that a vault gives data back. Lists the results (`restoreTests.list`:
 * when, which point, passed or not, how fast, the estimated time of a full restore) and runs one
 * now (`restoreTests.run`: a sample of the latest or a random point restored into a temporary
 * folder and verified), following its job live. DeskVault also runs one weekly per vault in use.
 */
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { ApiInput } from '../../../../main/core/api.js';
import { useAction, useApi, useClient, useServiceEvent } from '../../app/client-context.js';
import { hrefFor } from '../../app/router.js';
import { CliEquivalent } from '../../components/cli-box.js';
import { Empty, ErrorNote, JobBadge, Loading, StateBadge } from '../../components/feedback.js';
import { Choice, NumberInput, SelectInput } from '../../components/fields.js';
import { restoreTestCommand } from '../../format/cli-equivalent.js';
import { formatBytes, formatDuration, formatRate, formatTime, shortId } from '../../format/format.js';
import { isFinal } from '../../format/job-states.js';
import { JobProgress } from '../jobs/JobProgress.js';
import { useLiveJob } from '../jobs/use-live-jobs.js';

const RESULT_STATE = { SUCCESSFUL: 'COMPLETED', FAILED: 'FAILED', TIMED_OUT: 'EXPIRED' } as const;
const RESULT_TEXT = { SUCCESSFUL: 'Passed', FAILED: 'Failed', TIMED_OUT: 'Timed out' } as const;

export function RestoreTestsSection() {
  const client = useClient();
  const results = useApi('restoreTests.list', {});
  const vaults = useApi('vaults.list', {});
  const [chosen, setChosen] = useState<string | null>(null);
  const vault = chosen ?? vaults.data?.[0]?.name ?? '';
  const [pick, setPick] = useState<'latest' | 'random'>('latest');
  const [files, setFiles] = useState<number | undefined>(20);
  const [jobId, setJobId] = useState<string | null>(null);
  useServiceEvent('job', (j) => j.kind === 'RESTORE_TEST' && isFinal(j.state) && results.reload());
  const input: ApiInput<'restoreTests.run'> = { vault, pick, sampleFiles: files ?? 20 };
  const run = useAction(async () => setJobId((await client.call('restoreTests.run', input)).id));

  return (
    <section className="card" aria-labelledby="restore-tests-h" id="restore-tests">
      <h2 id="restore-tests-h">Restore tests</h2>
      <p className="muted small">A sample of a recovery point is restored into a temporary folder and compared with what the vault says it holds. DeskVault runs one every week for each vault in use.</p>
      <ErrorNote error={results.error ?? vaults.error} title="Restore tests unavailable" />
      {!results.data && !results.error && <Loading what="restore test results" />}
      {results.data?.length === 0 && <Empty>No restore test has run yet.</Empty>}
      {results.data && results.data.length > 0 && (
        <div className="table-scroll" tabIndex={0} aria-label="Restore test results">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Vault</th>
                <th scope="col">Result</th>
                <th scope="col">Sample</th>
                <th scope="col">Speed</th>
                <th scope="col">Full restore would take</th>
              </tr>
            </thead>
            <tbody>
              {results.data.map((t) => (
                <tr key={t.id}>
                  <td>
                    <a href={hrefFor('jobs', t.jobId)}>{formatTime(t.time)}</a>
                  </td>
                  <td>
                    {t.vaultName}
                    {t.pointId && (
                      <>
                        {' '}
                        · <a href={hrefFor('points', t.pointId)}>point {shortId(t.pointId)}</a>
                      </>
                    )}
                  </td>
                  <td>
                    <StateBadge state={RESULT_STATE[t.result]} label={RESULT_TEXT[t.result]} />
                    {t.problem && <div className="small">{t.problem}</div>}
                  </td>
                  <td>
                    {t.files} file{t.files === 1 ? '' : 's'}, {formatBytes(t.bytes)} in {formatDuration(t.durationMs / 1000)}
                  </td>
                  <td>{formatRate(t.bytesPerSecond)}</td>
                  <td>{t.estimatedFullRestoreSeconds === null ? '—' : `about ${formatDuration(t.estimatedFullRestoreSeconds)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Form
        className="inline-fields restore-test-form"
        aria-label="Run a restore test"
        onSubmit={(e) => {
          e.preventDefault();
          void run.run();
        }}
      >
        {vaults.data && vaults.data.length > 1 && <SelectInput label="Vault" value={vault} onChange={setChosen} options={vaults.data.map((v) => ({ id: v.name, label: v.name }))} />}
        <Choice<'latest' | 'random'>
          label="Recovery point"
          value={pick}
          onChange={setPick}
          options={[
            { id: 'latest', label: 'The latest' },
            { id: 'random', label: 'A random one' },
          ]}
        />
        <NumberInput label="Files to restore" value={files} onChange={setFiles} minValue={1} maxValue={10000} />
        <Button type="submit" className="button button-primary" isDisabled={!vault || run.pending}>
          Run a restore test
        </Button>
      </Form>
      <ErrorNote error={run.error} title="The restore test could not start" />
      {jobId && <TestJob id={jobId} />}
      <CliEquivalent label="this restore test" command={restoreTestCommand(input)} />
    </section>
  );
}

function TestJob({ id }: { id: string }) {
  const { job, error } = useLiveJob(id);
  if (error) return <ErrorNote error={error} title="Restore test job unavailable" />;
  if (!job) return null;
  return (
    <div className="restore-job" aria-live="polite">
      <p>
        <JobBadge job={job} /> <a href={hrefFor('jobs', job.id)}>Restore test job</a> {job.statusMessage}
      </p>
      {job.error && <ErrorNote error={new Error(job.error.message)} title="The restore test failed" />}
      {!isFinal(job.state) && <JobProgress job={job} />}
    </div>
  );
}
