/** Step 1: pick a registered vault (the default `local` exists already), or add another. */
import { Button } from 'react-aria-components';
import { useApi } from '../../app/client-context.js';
import { ErrorNote, Loading } from '../../components/feedback.js';
import { Choice } from '../../components/fields.js';
import { VaultForm, type AddedVault } from '../settings/VaultForm.js';

interface Props {
  vault: string;
  onChoose: (v: string) => void;
  onAdded: (r: AddedVault) => void;
  /** Whether the add-a-vault form is open (the wizard waits for it: Continue would skip it). */
  adding: boolean;
  onAdding: (open: boolean) => void;
}

export function ChooseVaultStep({ vault, onChoose, onAdded, adding, onAdding: setAdding }: Props) {
  const vaults = useApi('vaults.list', {});
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
        <section className="add-vault" aria-labelledby="add-vault-h">
          <h3 id="add-vault-h">Add another vault</h3>
          <VaultForm
            onAdded={(r) => {
              setAdding(false);
              vaults.reload();
              onAdded(r);
            }}
            onCancel={() => setAdding(false)}
          />
        </section>
      ) : (
        <Button className="button" onPress={() => setAdding(true)}>
          Add another vault…
        </Button>
      )}
    </>
  );
}
