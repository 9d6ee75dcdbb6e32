/** The audit trail: recent state-changing calls (who, what, outcome) and its hash-chain check. */
import { Button } from 'react-aria-components';
import { useApi } from '../../app/client-context.js';
import { ErrorNote } from '../../components/feedback.js';
import { formatTime } from '../../format/format.js';

export function AuditSection() {
  const records = useApi('audit.list', { limit: 100 });
  const verify = useApi('audit.verify', {});
  const v = verify.data;
  return (
    <section className="card" aria-labelledby="audit-h">
      <div className="card-head">
        <h2 id="audit-h">Audit log</h2>
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
      {records.data && (
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
              {records.data.map((r) => (
                <tr key={r.seq}>
                  <td>{r.seq}</td>
                  <td>{formatTime(r.time)}</td>
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
