/**
 * When a rule runs: continuously (a toggle), every N minutes/hours/days, or a cron expression
 * (with quick presets and a time zone). The next five runs come from the service
 * (`plans.nextRuns`), so what is shown is what the scheduler will do; a wrong expression shows the
 * scheduler's own message.
 */
import { Button } from 'react-aria-components';
import { useApi } from '../../app/client-context.js';
import { ErrorNote } from '../../components/feedback.js';
import { Choice, NumberInput, SelectInput, TextInput, Toggle } from '../../components/fields.js';
import { useDebounced } from '../../components/use-debounced.js';
import { formatTime } from '../../format/format.js';
import { parseScheduleParts, scheduleExpression, type ScheduleParts } from '../../plan/schedule.js';

interface ScheduleValue {
  schedule: string;
  timeZone?: string;
  quietSeconds?: number;
}

const CRON_PRESETS = [
  { label: 'Daily 02:00', cron: '0 2 * * *' },
  { label: 'Weekdays 18:00', cron: '0 18 * * 1-5' },
  { label: 'Sundays 03:00', cron: '0 3 * * 0' },
  { label: 'Monthly, 1st 04:00', cron: '0 4 1 * *' },
];

export function ScheduleBuilder({ schedule, timeZone, quietSeconds, onChange }: ScheduleValue & { onChange: (v: ScheduleValue) => void }) {
  const parts = parseScheduleParts(schedule);
  const set = (p: ScheduleParts, extra: Partial<ScheduleValue> = {}) => onChange({ schedule: scheduleExpression(p), timeZone, quietSeconds, ...extra });
  return (
    <div className="schedule">
      <Toggle isSelected={parts.kind === 'continuous'} onChange={(on) => set(on ? { kind: 'continuous' } : { kind: 'cron', expression: '0 2 * * *' })}>
        Back up continuously (seconds after files change)
      </Toggle>
      {parts.kind === 'continuous' ? (
        <NumberInput label="Quiet period (seconds)" value={quietSeconds} minValue={1} maxValue={3600} onChange={(v) => onChange({ schedule, timeZone, quietSeconds: v })} description="A backup starts once files have not changed for this long. Default: 10." />
      ) : (
        <>
          <Choice<'rate' | 'cron'>
            label="Schedule"
            value={parts.kind}
            onChange={(k) => set(k === 'rate' ? { kind: 'rate', every: 1, unit: 'hours' } : { kind: 'cron', expression: '0 2 * * *' })}
            options={[
              { id: 'rate', label: 'Every …' },
              { id: 'cron', label: 'At set times (cron)' },
            ]}
          />
          {parts.kind === 'rate' && (
            <div className="inline-fields">
              <NumberInput label="Every" value={parts.every} minValue={1} onChange={(v) => set({ ...parts, every: v ?? 1 })} />
              <SelectInput<'minutes' | 'hours' | 'days'>
                label="Unit"
                value={parts.unit}
                onChange={(unit) => set({ ...parts, unit })}
                options={[
                  { id: 'minutes', label: 'minutes' },
                  { id: 'hours', label: 'hours' },
                  { id: 'days', label: 'days' },
                ]}
              />
            </div>
          )}
          {parts.kind === 'cron' && (
            <>
              <div className="toolbar" role="group" aria-label="Common schedules">
                {CRON_PRESETS.map((p) => (
                  <Button key={p.cron} className="button button-small" onPress={() => set({ kind: 'cron', expression: p.cron })}>
                    {p.label}
                  </Button>
                ))}
              </div>
              <div className="inline-fields">
                <TextInput label="Cron expression" value={parts.expression} onChange={(expression) => set({ kind: 'cron', expression })} description="minute hour day-of-month month day-of-week" />
                <TextInput label="Time zone" value={timeZone ?? ''} onChange={(tz) => onChange({ schedule, timeZone: tz.trim() || undefined, quietSeconds })} placeholder="this computer's" description="e.g. Europe/Paris" />
              </div>
            </>
          )}
        </>
      )}
      <NextRuns schedule={schedule} timeZone={timeZone} />
    </div>
  );
}

function NextRuns({ schedule, timeZone }: { schedule: string; timeZone?: string }) {
  const input = useDebounced(schedule && schedule !== 'continuous' ? { schedule, timeZone, count: 5 } : null, 300);
  const next = useApi('plans.nextRuns', input);
  if (schedule === 'continuous') return <p className="muted small">Runs whenever files change, plus a full rescan when DeskVault starts.</p>;
  return (
    <div className="next-runs" aria-live="polite">
      <ErrorNote error={next.error} title="This schedule does not work" />
      {next.data && !next.error && (
        <>
          <p>
            <strong>{next.data.description}</strong>. Next five runs:
          </p>
          <ol className="small">
            {next.data.runs.map((r) => (
              <li key={r}>{formatTime(r)}</li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}

/** A schedule in words, as the scheduler describes it ("every day at 02:00"); the expression until then. */
export function ScheduleText({ schedule, timeZone }: { schedule: string; timeZone?: string }) {
  const described = useApi('plans.nextRuns', schedule === 'continuous' ? null : { schedule, timeZone, count: 1 });
  if (schedule === 'continuous') return <>continuous</>;
  return <>{described.data?.description ?? schedule}</>;
}
