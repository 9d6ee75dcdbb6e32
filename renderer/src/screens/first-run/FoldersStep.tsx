/** Step 3: the folders to protect, typed, picked on the service's machine, or dropped. */
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { FolderDrop } from '../../components/folder-drop.js';
import { PathField } from '../../components/folder-picker.js';

export function FoldersStep({ folders, onChange }: { folders: string[]; onChange: (f: string[]) => void }) {
  const [path, setPath] = useState('');
  const candidate = path.trim();
  return (
    <>
      <p>Which folders should DeskVault protect? Add one or more: type a path, browse for it, or drop folders here.</p>
      <FolderDrop onPaths={(paths) => onChange([...folders, ...paths.filter((p) => !folders.includes(p))])}>
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
      </FolderDrop>
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
