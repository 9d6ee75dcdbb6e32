/**
 * The jobs report (`reports.jobs`, as `deskvault report jobs`): every job between two days, as CSV
 * for a spreadsheet or JSON for a script, downloaded as a file. Days are this computer's local
 * days (from the start of the first to the end of the last).
 */
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useAction, useClient } from '../../app/client-context.js';
import type { ApiInput } from '../../../../main/core/api.js';
import { CliEquivalent } from '../../components/cli-box.js';
import { ErrorNote } from '../../components/feedback.js';
import { Choice } from '../../components/fields.js';
import { reportFileName, saveFile } from '../../components/save-file.js';
import { reportCommand } from '../../format/cli-equivalent.js';

type Format = 'csv' | 'json';

export function JobsReport() {
  const client = useClient();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [format, setFormat] = useState<Format>('csv');
  const [saved, setSaved] = useState<string | null>(null);
  const input: ApiInput<'reports.jobs'> = {
    format,
    ...(from ? { from: new Date(`${from}T00:00:00`).toISOString() } : {}),
    ...(to ? { to: new Date(`${to}T23:59:59.999`).toISOString() } : {}),
  };
  const download = useAction(async () => {
    const r = await client.call('reports.jobs', input);
    const name = reportFileName('jobs', format);
    saveFile(name, format === 'csv' ? 'text/csv' : 'application/json', r.content);
    setSaved(`${r.rows} job${r.rows === 1 ? '' : 's'} saved as ${name}.`);
  });
  return (
    <details className="report-export">
      <summary>Export the jobs report…</summary>
      <Form
        className="inline-fields"
        aria-label="Jobs report"
        onSubmit={(e) => {
          e.preventDefault();
          void download.run();
        }}
      >
        <label className="field">
          <span>From (optional)</span>
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label className="field">
          <span>To (optional)</span>
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <Choice<Format>
          label="Format"
          value={format}
          onChange={setFormat}
          options={[
            { id: 'csv', label: 'CSV' },
            { id: 'json', label: 'JSON' },
          ]}
        />
        <Button type="submit" className="button button-primary" isDisabled={download.pending}>
          Download report
        </Button>
      </Form>
      <ErrorNote error={download.error} title="The report could not be made" />
      {saved && (
        <p className="muted small" role="status">
          {saved}
        </p>
      )}
      <CliEquivalent label="this report" command={reportCommand(input)} />
    </details>
  );
}
