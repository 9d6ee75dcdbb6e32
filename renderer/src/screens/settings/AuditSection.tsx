/**
 * The audit trail: recent state-changing calls (who, what, outcome), filtered by a word, and its
 * hash-chain check.
 */
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useApi } from '../../app/client-context.js';
import { Empty, ErrorNote } from '../../components/feedback.js';
import { TextInput } from '../../components/fields.js';
import { formatTime } from '../../format/format.js';

export function AuditSection() {
  const records = useApi('audit.list', { limit: 100 });
  const verify = useApi('audit.verify', {});
  const v = verify.data;
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const shown = records.data?.filter((r) => !needle || `${r.action} ${r.source} ${r.outcome} ${JSON.stringify(r.args)}`.toLowerCase().includes(needle));
  return (
    <section className="card" aria-labelledby="audit-h">
      <div className="card-head">
        <h2 id="audit-h" tabIndex={-1}>
          Audit log
        </h2>
        <Button
          className="button button-small"
          onPress={() => {
            verify.reload();
            records.reload();
          }}
        >
          Verify again
        </Button>
      </div>
      <ErrorNote error={verify.error ?? records.error} title="Audit trail unavailable" />
      {v && (
        <p className={`note ${v.ok ? 'note-ok' : 'note-error'}`} role="status">
          {v.ok ? `The audit trail is intact: ${v.records} records verified.` : `The audit trail does not verify: ${v.problem}`}
        </p>
      )}
      {records.data && <TextInput label="Filter" type="search" value={filter} onChange={setFilter} placeholder="plans.update, http, failed, a plan name…" />}
      {shown && shown.length === 0 && <Empty>No record matches.</Empty>}
      {shown && shown.length > 0 && (
        <div className="table-scroll" tabIndex={0} aria-label="Audit records">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time</th>
                <th scope="col">Action</th>
                <th scope="col">From</th>
                <th scope="col">Outcome</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.seq}>
                  <td>{r.seq}</td>
                  <td className="audit-time">{formatTime(r.time)}</td>
                  <td>
                    <code>{r.action}</code>
                  </td>
                  <td>{r.source}</td>
                  <td>{r.outcome}</td>
                  <td className="small audit-args">
                    <code>{JSON.stringify(r.args)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
