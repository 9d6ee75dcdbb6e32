/** Step 4: a plan template and a name → plans.create (with its CLI equivalent). */
import { useState } from 'react';
import { Button } from 'react-aria-components';
import type { ApiInput } from '../../../../main/core/api.js';
import { useAction, useClient } from '../../app/client-context.js';
import { CliEquivalent } from '../../components/cli-box.js';
import { ErrorNote } from '../../components/feedback.js';
import { Choice, TextInput } from '../../components/fields.js';
import { planCreateCommand } from '../../format/cli-equivalent.js';
import { PLAN_TEMPLATES, planNameFor } from '../../plan/templates.js';

export function PlanStep({ vault, folders, onCreated }: { vault: string; folders: string[]; onCreated: () => void }) {
  const client = useClient();
  const [template, setTemplate] = useState(PLAN_TEMPLATES[0].id);
  const [name, setName] = useState(() => planNameFor(folders));
  const chosen = PLAN_TEMPLATES.find((t) => t.id === template)!;
  const input: ApiInput<'plans.create'> = { name: name.trim(), resources: folders.map((path) => ({ path })), rules: chosen.rules(vault) };
  const create = useAction(async () => {
    await client.call('plans.create', input);
    onCreated();
  });
  return (
    <>
      <Choice label="How often, and how long to keep" orientation="vertical" value={template} onChange={setTemplate} options={PLAN_TEMPLATES.map((t) => ({ id: t.id, label: t.label, description: t.description }))} />
      <TextInput label="Plan name" value={name} onChange={setName} isRequired />
      <CliEquivalent command={planCreateCommand(input)} />
      <ErrorNote error={create.error} title="The plan could not be created" />
      <Button className="button button-primary" isDisabled={!name.trim() || create.pending} onPress={() => void create.run()}>
        {create.pending ? 'Creating…' : 'Create plan and start protecting'}
      </Button>
    </>
  );
}
