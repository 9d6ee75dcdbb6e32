/** Step 3: the folders to protect, typed or picked on the service's machine. */
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { PathField } from '../../components/folder-picker.js';

export function FoldersStep({ folders, onChange }: { folders: string[]; onChange: (f: string[]) => void }) {
  const [path, setPath] = useState('');
  const candidate = path.trim();
  return (
    <>
      <p>Which folders should DeskVault protect? Add one or more.</p>
      <div className="add-row">
        <PathField label="Folder to protect" value={path} onChange={setPath} />
        <Button
          className="button button-primary"
          isDisabled={!candidate || folders.includes(candidate)}
          onPress={() => {
            onChange([...folders, candidate]);
            setPath('');
          }}
        >
          Add folder
        </Button>
      </div>
      <ul className="plain-list folder-list" aria-label="Folders to protect">
        {folders.map((f) => (
          <li key={f}>
            <code className="path">{f}</code>
            <Button className="button button-small" aria-label={`Remove ${f}`} onPress={() => onChange(folders.filter((x) => x !== f))}>
              Remove
            </Button>
          </li>
        ))}
      </ul>
      {folders.length === 0 && <p className="muted">Add at least one folder to continue.</p>}
    </>
  );
}
