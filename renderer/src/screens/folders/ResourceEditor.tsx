/**
 * Include/exclude rules of one folder with a live preview: `plans.preview` (debounced) counts what
 * would be protected and excluded and names, for example files, the pattern that excluded them.
 */
import { useState } from 'react';
import { Button, Label, TextArea, TextField, Text } from 'react-aria-components';
import type { Resource } from '../../../../main/core/model.js';
import { useApi } from '../../app/client-context.js';
import { ErrorNote } from '../../components/feedback.js';
import { Check, NumberInput } from '../../components/fields.js';
import { useDebounced } from '../../components/use-debounced.js';
import { formatBytes, formatCount } from '../../format/format.js';

const PRESETS = [
  { id: 'caches', label: 'Caches' },
  { id: 'node_modules', label: 'node_modules' },
  { id: 'temp', label: 'Temporary files' },
  { id: 'browser-caches', label: 'Browser caches' },
] as const;
type Preset = (typeof PRESETS)[number]['id'];

const files = (n: number) => (n === 1 ? 'file' : 'files');
const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);

export function ResourceEditor({ resource, onSave, pending }: { resource: Resource; onSave: (r: Resource) => void; pending: boolean }) {
  const [includes, setIncludes] = useState(resource.includes.join('\n'));
  const [excludes, setExcludes] = useState(resource.excludes.join('\n'));
  const [presets, setPresets] = useState<Preset[]>(resource.excludePresets);
  const [maxMb, setMaxMb] = useState<number | undefined>(resource.maxFileSize ? Math.round(resource.maxFileSize / 1048576) : undefined);
  const draft: Resource = { path: resource.path, includes: lines(includes), excludes: lines(excludes), excludePresets: presets, ...(maxMb ? { maxFileSize: maxMb * 1048576 } : {}) };
  const debounced = useDebounced(draft, 400);

  return (
    <div className="resource-editor">
      <div className="grid-2">
        <PatternField label="Only include (one pattern a line)" value={includes} onChange={setIncludes} description="Empty: everything in the folder. Example: **/*.docx" />
        <PatternField label="Exclude (one pattern a line)" value={excludes} onChange={setExcludes} description="Examples: *.tmp, **/build/, .cache/" />
      </div>
      <fieldset className="presets">
        <legend>Ready-made excludes</legend>
        {PRESETS.map((p) => (
          <Check key={p.id} isSelected={presets.includes(p.id)} onChange={(on) => setPresets(on ? [...presets, p.id] : presets.filter((x) => x !== p.id))}>
            {p.label}
          </Check>
        ))}
      </fieldset>
      <NumberInput label="Skip files larger than (MB)" value={maxMb} onChange={setMaxMb} minValue={1} description="Empty: no limit. Skipped files are listed in the job." />
      <Preview resource={debounced} />
      <Button className="button button-primary" isDisabled={pending} onPress={() => onSave(draft)}>
        Save rules
      </Button>
    </div>
  );
}

function PatternField({ label, value, onChange, description }: { label: string; value: string; onChange: (v: string) => void; description: string }) {
  return (
    <TextField className="field" value={value} onChange={onChange}>
      <Label>{label}</Label>
      <TextArea rows={4} spellCheck={false} />
      <Text slot="description">{description}</Text>
    </TextField>
  );
}

function Preview({ resource }: { resource: Resource }) {
  const preview = useApi('plans.preview', { resources: [resource], budgetMs: 3000 });
  const p = preview.data;
  return (
    <section className="preview" aria-live="polite" aria-labelledby="preview-h">
      <h3 id="preview-h">Preview {preview.loading && <span className="muted small">(updating…)</span>}</h3>
      <ErrorNote error={preview.error} title="No preview" />
      {p && (
        <>
          <p>
            Protects <strong>{formatCount(p.included.files)}</strong> {files(p.included.files)} ({formatBytes(p.included.bytes)}); excludes <strong>{formatCount(p.excluded.files)}</strong>{' '}
            {files(p.excluded.files)} ({formatBytes(p.excluded.bytes)})
            {!p.complete && ' — counted so far: the folder is large, the numbers are a lower bound'}.
          </p>
          {p.excluded.examples.length > 0 && (
            <table className="table table-compact">
              <caption className="muted small">Examples of excluded files</caption>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Excluded by</th>
                </tr>
              </thead>
              <tbody>
                {p.excluded.examples.map((e) => (
                  <tr key={e.path}>
                    <td>
                      <code className="path">{e.path}</code>
                    </td>
                    <td>
                      <code>{e.pattern}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
