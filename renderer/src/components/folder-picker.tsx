/**
 * A folder on the service's machine, typed or picked. The browser cannot see the service's disk
 * (and in Electron the service may be elsewhere too), so the picker walks folders through
 * `fs.listFolders` — the same on both transports.
 */
import { useState } from 'react';
import { Button, Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { useApi } from '../app/client-context.js';
import { ErrorNote, Loading } from './feedback.js';
import { TextInput } from './fields.js';
import { FolderIcon } from './icons.js';

export function PathField({ label, value, onChange, description }: { label: string; value: string; onChange: (v: string) => void; description?: string }) {
  return (
    <div className="path-field">
      <TextInput label={label} value={value} onChange={onChange} description={description} placeholder="/home/you/Documents" />
      <FolderPicker start={value} onPick={onChange} />
    </div>
  );
}

export function FolderPicker({ start, onPick }: { start: string; onPick: (path: string) => void }) {
  return (
    <DialogTrigger>
      <Button className="button">Browse…</Button>
      <ModalOverlay className="modal-overlay" isDismissable>
        <Modal className="modal">
          <Dialog className="dialog">
            {({ close }) => (
              <PickerBody
                start={start}
                onCancel={close}
                onPick={(p) => {
                  onPick(p);
                  close();
                }}
              />
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

function PickerBody({ start, onPick, onCancel }: { start: string; onPick: (p: string) => void; onCancel: () => void }) {
  const [path, setPath] = useState(start);
  const listing = useApi('fs.listFolders', { path });
  const here = listing.data?.path ?? path;
  return (
    <>
      <Heading slot="title">Choose a folder</Heading>
      <p className="picker-path">
        <span className="muted">In:</span> <code>{here || 'home'}</code>
      </p>
      <div className="picker-roots">
        {listing.data?.parent && (
          <Button className="button button-small" onPress={() => setPath(listing.data!.parent!)}>
            ↑ Up
          </Button>
        )}
        {listing.data?.roots.map((r) => (
          <Button key={r} className="button button-small" onPress={() => setPath(r)}>
            {r}
          </Button>
        ))}
      </div>
      <ErrorNote error={listing.error} title="Cannot list this folder" />
      {listing.loading && !listing.data && <Loading what="folders" />}
      <ul className="picker-list" aria-label="Sub-folders">
        {listing.data?.folders.map((f) => (
          <li key={f.path}>
            <Button className="picker-item" onPress={() => setPath(f.path)}>
              <FolderIcon /> {f.name}
            </Button>
          </li>
        ))}
        {listing.data && listing.data.folders.length === 0 && <li className="muted">No sub-folders</li>}
      </ul>
      <div className="dialog-actions">
        <Button className="button" onPress={onCancel}>
          Cancel
        </Button>
        <Button className="button button-primary" isDisabled={!listing.data} onPress={() => onPick(here)}>
          Choose this folder
        </Button>
      </div>
    </>
  );
}
