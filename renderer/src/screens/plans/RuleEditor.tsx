/**
 * One rule of a plan: where (vault), when (schedule builder with the next five runs), windows,
 * lifecycle (cold storage, deletion), retention (keep N hourly/daily/…), copies to other vaults.
 * Empty number fields mean "not set" (the service's default applies).
 */
import { Button } from 'react-aria-components';
import type { ApiInput } from '../../../../main/core/api.js';
import { Check, NumberInput, SelectInput, TextInput } from '../../components/fields.js';
import { ScheduleBuilder } from './ScheduleBuilder.js';

export type RuleDraft = ApiInput<'plans.create'>['rules'][number];
type Retention = NonNullable<RuleDraft['retention']>;

const KEEPS: { key: keyof Retention; label: string }[] = [
  { key: 'keepLast', label: 'Keep last' },
  { key: 'keepHourly', label: 'Hourly' },
  { key: 'keepDaily', label: 'Daily' },
  { key: 'keepWeekly', label: 'Weekly' },
  { key: 'keepMonthly', label: 'Monthly' },
  { key: 'keepYearly', label: 'Yearly' },
];

export function RuleEditor({ rule, vaults, onChange, onRemove }: { rule: RuleDraft; vaults: string[]; onChange: (r: RuleDraft) => void; onRemove?: () => void }) {
  const lifecycle = rule.lifecycle ?? {};
  const retention = rule.retention ?? {};
  const copies = rule.copyActions ?? [];
  return (
    <fieldset className="rule">
      <legend>Rule “{rule.name ?? 'default'}”</legend>
      <div className="grid-2">
        <TextInput label="Rule name" value={rule.name ?? 'default'} onChange={(name) => onChange({ ...rule, name })} />
        <SelectInput label="Back up to vault" value={rule.targetVault} onChange={(targetVault) => onChange({ ...rule, targetVault })} options={vaults.map((v) => ({ id: v, label: v }))} />
      </div>
      <ScheduleBuilder
        schedule={rule.schedule}
        timeZone={rule.timeZone}
        quietSeconds={rule.quietPeriodSeconds}
        onChange={(s) => onChange({ ...rule, schedule: s.schedule, timeZone: s.timeZone, quietPeriodSeconds: s.quietSeconds })}
      />
      {rule.schedule !== 'continuous' && (
        <div className="grid-3">
          <NumberInput label="Start window (minutes)" value={rule.startWindowMinutes} minValue={5} onChange={(v) => onChange({ ...rule, startWindowMinutes: v })} description="Not started by then: the run expires." />
          <NumberInput label="Completion window (minutes)" value={rule.completionWindowMinutes} minValue={10} onChange={(v) => onChange({ ...rule, completionWindowMinutes: v })} description="Default: 7 days." />
        </div>
      )}
      <h4>Retention</h4>
      <div className="grid-6">
        {KEEPS.map((k) => (
          <NumberInput key={k.key} label={k.label} value={retention[k.key]} onChange={(v) => onChange({ ...rule, retention: { ...retention, [k.key]: v } })} />
        ))}
      </div>
      <h4>Lifecycle</h4>
      <div className="grid-3">
        <NumberInput
          label="Move to cold storage after (days)"
          value={lifecycle.moveToColdStorageAfterDays}
          minValue={1}
          onChange={(v) => onChange({ ...rule, lifecycle: { ...lifecycle, moveToColdStorageAfterDays: v } })}
          description="S3 vaults only."
        />
        <NumberInput
          label="Delete after (days)"
          value={lifecycle.deleteAfterDays}
          minValue={1}
          onChange={(v) => onChange({ ...rule, lifecycle: { ...lifecycle, deleteAfterDays: v } })}
          description="At least 90 days after cold storage. Retention and legal holds still keep points."
        />
      </div>
      {vaults.length > 1 && (
        <>
          <h4>Copies</h4>
          <div className="checks-row">
            {vaults
              .filter((v) => v !== rule.targetVault)
              .map((v) => (
                <Check
                  key={v}
                  isSelected={copies.some((c) => c.targetVault === v)}
                  onChange={(on) => onChange({ ...rule, copyActions: on ? [...copies, { targetVault: v }] : copies.filter((c) => c.targetVault !== v) })}
                >
                  Copy each point to “{v}”
                </Check>
              ))}
          </div>
        </>
      )}
      <TextInput label="Tags (comma-separated)" value={(rule.tags ?? []).join(', ')} onChange={(t) => onChange({ ...rule, tags: t.split(',').map((x) => x.trim()).filter(Boolean) })} />
      {onRemove && (
        <Button className="button button-small button-danger" onPress={onRemove}>
          Remove this rule
        </Button>
      )}
    </fieldset>
  );
}
