/** Find files by name (or glob) across every point of the vault (points.search). */
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { ApiInput } from '../../../../main/core/api.js';
import { useApi } from '../../app/client-context.js';
import { Empty, ErrorNote, Loading } from '../../components/feedback.js';
import { Choice, TextInput } from '../../components/fields.js';
import { formatBytes, formatTime, shortId } from '../../format/format.js';
import { TableHead } from '../../components/table-head.js';

export function SearchPanel({ vault, onOpenFile, onSelect }: { vault: string; onOpenFile: (pointId: string, path: string) => void; onSelect: (pointId: string, path: string) => void }) {
  const [text, setText] = useState('');
  const [mode, setMode] = useState<'text' | 'glob'>('text');
  const [query, setQuery] = useState<ApiInput<'points.search'> | null>(null);
  const result = useApi('points.search', query);
  return (
    <div className="search">
      <Form
        className="inline-fields"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) setQuery({ vault, limit: 500, ...(mode === 'glob' ? { glob: text.trim() } : { text: text.trim() }) });
        }}
      >
        <TextInput label={mode === 'glob' ? 'Glob pattern' : 'File name contains'} value={text} onChange={setText} type="search" placeholder={mode === 'glob' ? '**/*.pdf' : 'report'} />
        <Choice<'text' | 'glob'>
          label="Match"
          value={mode}
          onChange={setMode}
          options={[
            { id: 'text', label: 'Name' },
            { id: 'glob', label: 'Glob' },
          ]}
        />
        <Button type="submit" className="button button-primary" isDisabled={!text.trim()}>
          Search
        </Button>
      </Form>
      <ErrorNote error={result.error} title="Search failed" />
      {query && result.loading && <Loading what="results" />}
      {result.data && result.data.hits.length === 0 && <Empty>Nothing found.</Empty>}
      {result.data && result.data.hits.length > 0 && (
        <>
          <p className="muted small" aria-live="polite">
            {result.data.hits.length} result(s){result.data.truncated ? ' (the first ones only: narrow the search)' : ''}
          </p>
          <table className="table table-compact">
            <TableHead columns={['File', 'Point', 'Size']} actions />
            <tbody>
              {result.data.hits.map((h) => (
                <tr key={`${h.pointId}\0${h.path}`}>
                  <td>
                    <code className="path">{h.path}</code>
                  </td>
                  <td>
                    <code>{shortId(h.pointId)}</code> {formatTime(h.time)}
                  </td>
                  <td>{h.type === 'dir' ? 'folder' : formatBytes(h.size)}</td>
                  <td className="actions">
                    {h.type !== 'dir' && (
                      <Button className="button button-small" onPress={() => onOpenFile(h.pointId, h.path)}>
                        Preview & versions
                      </Button>
                    )}
                    <Button className="button button-small" onPress={() => onSelect(h.pointId, h.path)}>
                      Select for restore
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
