/** Step 1: pick a registered vault (the default `local` exists already), or add another. */
import { useState } from 'react';
import { Button } from 'react-aria-components';
import { useApi } from '../../app/client-context.js';
import { ErrorNote, Loading } from '../../components/feedback.js';
import { Choice } from '../../components/fields.js';
import { VaultForm, type AddedVault } from '../settings/VaultForm.js';

export function ChooseVaultStep({ vault, onChoose, onAdded }: { vault: string; onChoose: (v: string) => void; onAdded: (r: AddedVault) => void }) {
  const vaults = useApi('vaults.list', {});
  const [adding, setAdding] = useState(false);
  if (vaults.error) return <ErrorNote error={vaults.error} title="Vaults unavailable" />;
  if (!vaults.data) return <Loading what="vaults" />;
  return (
    <>
      <p>A vault is where the encrypted backups are kept. DeskVault made one for you in its own folder; a second disk or S3 keeps them safe from this computer&apos;s failure.</p>
      <Choice
        label="Back up to"
        orientation="vertical"
        value={vault}
        onChange={onChoose}
        options={vaults.data.map((v) => ({ id: v.name, label: v.name, description: v.location }))}
      />
      {adding ? (
        <VaultForm
          onAdded={(r) => {
            setAdding(false);
            vaults.reload();
            onAdded(r);
          }}
        />
      ) : (
        <Button className="button" onPress={() => setAdding(true)}>
          Add another vault…
        </Button>
      )}
    </>
  );
}
