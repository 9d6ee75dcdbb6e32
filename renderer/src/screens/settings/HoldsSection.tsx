/**
 * Legal holds: recovery points that retention, lifecycle and prune never delete while the hold
 * stands. Place one (by plan, vault and time range), release one (the points stay until their own
 * rules remove them).
 */
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { LegalHold } from '../../../../main/core/model.js';
import { useAction, useApi, useClient } from '../../app/client-context.js';
import { Empty, ErrorNote } from '../../components/feedback.js';
import { ConfirmButton } from '../../components/confirm-button.js';
import { Check, TextInput } from '../../components/fields.js';
import { formatTime } from '../../format/format.js';

export function HoldsSection() {
  const client = useClient();
  const holds = useApi('holds.list', {});
  const plans = useApi('plans.list', {});
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [planNames, setPlanNames] = useState<string[]>([]);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const create = useAction(async () => {
    await client.call('holds.create', {
      title: title.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      ...(planNames.length ? { planNames } : {}),
      ...(from ? { from: new Date(from).toISOString() } : {}),
      ...(to ? { to: new Date(to).toISOString() } : {}),
    });
    setTitle('');
    setDescription('');
    holds.reload();
  });
  const release = useAction(async (id: string) => {
    await client.call('holds.release', { id });
    holds.reload();
  });
  const active = holds.data?.filter((h) => !h.releasedAt) ?? [];
  const released = holds.data?.filter((h) => h.releasedAt) ?? [];
  return (
    <section className="card" aria-labelledby="holds-h">
      <h2 id="holds-h" tabIndex={-1}>
        Legal holds
      </h2>
      <ErrorNote error={holds.error} title="Holds unavailable" />
      {holds.data && active.length === 0 && <Empty>No active hold.</Empty>}
      <ul className="plain-list">
        {active.map((h) => (
          <HoldItem key={h.id} hold={h} onRelease={() => void release.run(h.id)} />
        ))}
      </ul>
      <ErrorNote error={release.error} title="The hold could not be released" />
      {released.length > 0 && (
        <details>
          <summary>{released.length} released hold(s)</summary>
          <ul className="plain-list">
            {released.map((h) => (
              <HoldItem key={h.id} hold={h} />
            ))}
          </ul>
        </details>
      )}
      <Form
        className="form"
        aria-label="Place a legal hold"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run();
        }}
      >
        <h3>Place a hold</h3>
        <TextInput label="Title" value={title} onChange={setTitle} isRequired placeholder="Tax audit 2026" />
        <TextInput label="Description (optional)" value={description} onChange={setDescription} />
        {plans.data && plans.data.length > 0 && (
          <fieldset>
            <legend>Only points of these plans (none ticked: all plans)</legend>
            {plans.data.map((p) => (
              <Check key={p.name} isSelected={planNames.includes(p.name)} onChange={(on) => setPlanNames(on ? [...planNames, p.name] : planNames.filter((x) => x !== p.name))}>
                {p.name}
              </Check>
            ))}
          </fieldset>
        )}
        <div className="inline-fields">
          <label className="field">
            <span>Made on or after (optional)</span>
            <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label className="field">
            <span>Made on or before (optional)</span>
            <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
        </div>
        <ErrorNote error={create.error} title="The hold could not be placed" />
        <Button type="submit" className="button button-primary" isDisabled={!title.trim() || create.pending}>
          Place hold
        </Button>
      </Form>
    </section>
  );
}

function HoldItem({ hold, onRelease }: { hold: LegalHold; onRelease?: () => void }) {
  const scope = [hold.planNames?.length ? `plans ${hold.planNames.join(', ')}` : 'all plans', hold.vaultNames?.length ? `vaults ${hold.vaultNames.join(', ')}` : null, hold.from ? `from ${formatTime(hold.from)}` : null, hold.to ? `to ${formatTime(hold.to)}` : null]
    .filter(Boolean)
    .join(' · ');
  return (
    <li className="hold-item">
      <div>
        <strong>{hold.title}</strong> <span className="muted small">placed {formatTime(hold.createdAt)}{hold.releasedAt && `, released ${formatTime(hold.releasedAt)}`}</span>
        <div className="small">{scope}</div>
        {hold.description && <div className="muted small">{hold.description}</div>}
      </div>
      {onRelease && (
        <ConfirmButton
          className="button button-small"
          ariaLabel={`Release hold ${hold.title}`}
          title={`Release the hold “${hold.title}”?`}
          message="Its recovery points are then kept only by their own retention and lifecycle rules, which may delete them. A released hold cannot be placed again (place a new one)."
          onConfirm={onRelease}
        >
          Release
        </ConfirmButton>
      )}
    </li>
  );
}
