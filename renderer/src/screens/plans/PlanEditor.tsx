/**
 * One plan: name, folders (for a new plan), run conditions, and its rules (each with schedule,
 * windows, lifecycle, retention, copies). Saves with plans.create / plans.update; the service
 * validates (schedules, vault names, lifecycle bounds) and its sentence is shown on failure.
 */
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { ApiInput } from '../../../../main/core/api.js';
import type { Plan } from '../../../../main/core/model.js';
import { useAction, useClient } from '../../app/client-context.js';
import { hrefFor, navigate } from '../../app/router.js';
import { CliEquivalent } from '../../components/cli-box.js';
import { ConfirmButton } from '../../components/confirm-button.js';
import { ErrorNote } from '../../components/feedback.js';
import { Check, NumberInput, TextInput } from '../../components/fields.js';
import { FolderDrop } from '../../components/folder-drop.js';
import { PathField } from '../../components/folder-picker.js';
import { backupCommand, planCreateCommand } from '../../format/cli-equivalent.js';
import { formatTime } from '../../format/format.js';
import { toPlanInput } from '../../plan/plan-input.js';
import { RuleEditor, type RuleDraft } from './RuleEditor.js';

type PlanDraft = ApiInput<'plans.create'>;

function newPlan(vault: string): PlanDraft {
  return { name: '', resources: [], rules: [{ name: 'daily', targetVault: vault, schedule: '0 2 * * *', retention: { keepDaily: 30, keepMonthly: 12 } }] };
}

export function PlanEditor({ plan, vaults, onSaved, onDeleted }: { plan: Plan | null; vaults: string[]; onSaved: (name: string) => void; onDeleted: () => void }) {
  const client = useClient();
  const [draft, setDraft] = useState<PlanDraft>(() => (plan ? toPlanInput(plan) : newPlan(vaults[0] ?? 'local')));
  const [folder, setFolder] = useState('');
  const isNew = plan === null;
  const save = useAction(async () => {
    const saved = await client.call(isNew ? 'plans.create' : 'plans.update', draft);
    onSaved(saved.name);
  });
  const remove = useAction(async () => {
    await client.call('plans.delete', { name: draft.name });
    onDeleted();
  });
  const backup = useAction(async () => {
    const job = await client.call('backups.start', { plan: draft.name });
    navigate('jobs', job.id);
  });
  const setRule = (i: number, r: RuleDraft) => setDraft({ ...draft, rules: draft.rules.map((x, j) => (j === i ? r : x)) });
  const conditions = draft.conditions ?? {};

  return (
    <Form
      className="form plan-editor"
      aria-label={isNew ? 'New plan' : `Plan ${draft.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <h2>{isNew ? 'New plan' : `Plan “${draft.name}”`}</h2>
      {isNew ? (
        <TextInput label="Plan name" value={draft.name} onChange={(name) => setDraft({ ...draft, name })} isRequired />
      ) : (
        <p className="muted small">Created {formatTime(plan.createdAt)} · a plan keeps its name (its recovery points are tagged with it).</p>
      )}

      <fieldset>
        <legend>Folders</legend>
        <ul className="plain-list folder-list">
          {draft.resources.map((r) => (
            <li key={r.path}>
              <code className="path">{r.path}</code>
              {isNew && (
                <Button className="button button-small" onPress={() => setDraft({ ...draft, resources: draft.resources.filter((x) => x.path !== r.path) })}>
                  Remove
                </Button>
              )}
            </li>
          ))}
        </ul>
        {isNew ? (
          <FolderDrop onPaths={(paths) => setDraft({ ...draft, resources: [...draft.resources, ...paths.filter((p) => !draft.resources.some((r) => r.path === p)).map((path) => ({ path }))] })}>
            <div className="add-row">
              <PathField label="Folder to protect" value={folder} onChange={setFolder} />
              <Button
                className="button"
                isDisabled={!folder.trim()}
                onPress={() => {
                  setDraft({ ...draft, resources: [...draft.resources, { path: folder.trim() }] });
                  setFolder('');
                }}
              >
                Add folder
              </Button>
            </div>
          </FolderDrop>
        ) : (
          <p className="small">
            Add, remove and filter folders on the <a href={hrefFor('folders')}>Folders</a> screen.
          </p>
        )}
      </fieldset>

      {draft.rules.map((r, i) => (
        <RuleEditor
          key={i}
          rule={r}
          vaults={vaults}
          onChange={(next) => setRule(i, next)}
          onRemove={draft.rules.length > 1 ? () => setDraft({ ...draft, rules: draft.rules.filter((_, j) => j !== i) }) : undefined}
        />
      ))}
      <Button
        className="button"
        onPress={() => setDraft({ ...draft, rules: [...draft.rules, { name: `rule-${draft.rules.length + 1}`, targetVault: vaults[0] ?? 'local', schedule: 'rate(1 day)' }] })}
      >
        Add a rule
      </Button>

      <fieldset>
        <legend>Run conditions</legend>
        <Check isSelected={!!conditions.onlyOnAcPower} onChange={(v) => setDraft({ ...draft, conditions: { ...conditions, onlyOnAcPower: v } })}>
          Only on AC power
        </Check>
        <Check isSelected={!!conditions.notOnMeteredNetwork} onChange={(v) => setDraft({ ...draft, conditions: { ...conditions, notOnMeteredNetwork: v } })}>
          Not on a metered network
        </Check>
        <NumberInput
          label="Upload limit (KB/s)"
          value={conditions.limitUploadBytesPerSec ? Math.round(conditions.limitUploadBytesPerSec / 1024) : undefined}
          onChange={(kb) => setDraft({ ...draft, conditions: { ...conditions, limitUploadBytesPerSec: kb ? kb * 1024 : undefined } })}
          minValue={1}
          description="Empty: no limit."
        />
      </fieldset>

      <ErrorNote error={save.error} title="The plan could not be saved" />
      <ErrorNote error={remove.error} title="The plan could not be deleted" />
      <ErrorNote error={backup.error} title="The backup could not start" />
      <div className="toolbar">
        <Button type="submit" className="button button-primary" isDisabled={save.pending || !draft.name.trim() || draft.resources.length === 0}>
          {isNew ? 'Create plan' : 'Save plan'}
        </Button>
        {!isNew && (
          <>
            <Button className="button" onPress={() => void backup.run()} isDisabled={backup.pending}>
              Back up now
            </Button>
            <ConfirmButton
              title={`Delete plan “${draft.name}”?`}
              message="DeskVault stops backing up its folders. The recovery points it made stay in their vault."
              onConfirm={() => void remove.run()}
              isDisabled={remove.pending}
            >
              Delete plan
            </ConfirmButton>
          </>
        )}
      </div>
      <CliEquivalent label="this plan" command={planCreateCommand(draft)} />
      {!isNew && <CliEquivalent label="back up now" command={backupCommand(draft.name)} />}
    </Form>
  );
}
