/**
 * Folders: every plan's folders; add one to a plan (typed, picked or dropped), remove one, and edit
 * a folder's include and exclude rules with a live preview. Changes are saved with plans.update
 * (the whole plan).
 */
import { useState } from 'react';
import { Button } from 'react-aria-components';
import type { Plan } from '../../../../main/core/model.js';
import { useAction, useApi, useClient } from '../../app/client-context.js';
import { hrefFor } from '../../app/router.js';
import { Empty, ErrorNote, Loading } from '../../components/feedback.js';
import { FolderDrop } from '../../components/folder-drop.js';
import { PathField } from '../../components/folder-picker.js';
import { toPlanInput } from '../../plan/plan-input.js';
import { ResourceEditor } from './ResourceEditor.js';

export function FoldersScreen() {
  const plans = useApi('plans.list', {});
  return (
    <div className="screen">
      <h1 tabIndex={-1}>Folders</h1>
      <ErrorNote error={plans.error} title="Plans unavailable" />
      {!plans.data && !plans.error && <Loading what="folders" />}
      {plans.data?.length === 0 && (
        <Empty>
          No plan yet: the <a href={hrefFor('dashboard')}>Dashboard</a> walks you through protecting your first folders.
        </Empty>
      )}
      {plans.data?.map((p) => <PlanFolders key={p.name} plan={p} onSaved={plans.reload} />)}
    </div>
  );
}

function PlanFolders({ plan, onSaved }: { plan: Plan; onSaved: () => void }) {
  const client = useClient();
  const [newPath, setNewPath] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const save = useAction(async (next: Plan) => {
    await client.call('plans.update', toPlanInput(next));
    onSaved();
  });
  const add = (paths: string[]) => {
    const fresh = paths.filter((p) => !plan.resources.some((r) => r.path === p));
    if (fresh.length === 0) return;
    void save.run({ ...plan, resources: [...plan.resources, ...fresh.map((path) => ({ path, includes: [], excludes: [], excludePresets: [] }))] }).then(() => setNewPath(''));
  };
  return (
    <section className="card" aria-labelledby={`plan-${plan.name}-h`}>
      <h2 id={`plan-${plan.name}-h`}>
        Plan <a href={hrefFor('plans', plan.name)}>{plan.name}</a>
      </h2>
      <ul className="plain-list folder-list">
        {plan.resources.map((r) => (
          <li key={r.path} className="folder-item">
            <div className="folder-row">
              <code className="path">{r.path}</code>
              <span className="muted small">
                {r.excludes.length + r.excludePresets.length > 0 ? `${r.excludes.length + r.excludePresets.length} exclude rule(s)` : 'everything'}
                {r.includes.length > 0 ? `, only ${r.includes.join(', ')}` : ''}
              </span>
              <Button className="button button-small" aria-expanded={editing === r.path} onPress={() => setEditing(editing === r.path ? null : r.path)}>
                {editing === r.path ? 'Close rules' : 'Include / exclude…'}
              </Button>
              <Button
                className="button button-small button-danger"
                isDisabled={plan.resources.length === 1 || save.pending}
                aria-label={`Remove ${r.path} from ${plan.name}`}
                onPress={() => void save.run({ ...plan, resources: plan.resources.filter((x) => x.path !== r.path) })}
              >
                Remove
              </Button>
            </div>
            {editing === r.path && (
              <ResourceEditor
                resource={r}
                onSave={(next) => save.run({ ...plan, resources: plan.resources.map((x) => (x.path === r.path ? next : x)) }).then(() => setEditing(null))}
                pending={save.pending}
              />
            )}
          </li>
        ))}
      </ul>
      {plan.resources.length === 1 && <p className="muted small">A plan needs at least one folder; to stop protecting this one, delete the plan on the Plans screen.</p>}
      <FolderDrop onPaths={add} label={`Drop folders here to add them to ${plan.name}`}>
        <div className="add-row">
          <PathField label={`Add a folder to ${plan.name}`} value={newPath} onChange={setNewPath} />
          <Button className="button button-primary" isDisabled={!newPath.trim() || save.pending} onPress={() => add([newPath.trim()])}>
            Add folder
          </Button>
        </div>
      </FolderDrop>
      <ErrorNote error={save.error} title="The plan could not be saved" />
    </section>
  );
}
