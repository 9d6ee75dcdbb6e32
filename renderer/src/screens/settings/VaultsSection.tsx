/**
 * Registered vaults: where, which key, notifications; add one; verify one (a CHECK job reading a
 * tenth of the data, as `deskvault check --read-data-subset 10%`); its key slots (VaultKeys.tsx);
 * forget one (the vault stays).
 */
import { useState } from 'react';
import { Button } from 'react-aria-components';
import type { VaultRecord } from '../../../../main/core/model.js';
import { useAction, useApi, useClient } from '../../app/client-context.js';
import { hrefFor, navigate } from '../../app/router.js';
import { ConfirmButton } from '../../components/confirm-button.js';
import { ErrorNote, Loading } from '../../components/feedback.js';
import { formatTime } from '../../format/format.js';
import { NotificationsForm } from './NotificationsForm.js';
import { RecoveryKit } from './RecoveryKit.js';
import { VaultForm, type AddedVault } from './VaultForm.js';
import { VaultKeys } from './VaultKeys.js';

const KEY_TEXT = { app: 'app-managed key (recovery code)', passphrase: 'your passphrase', kms: 'AWS KMS key' } as const;

export function VaultsSection() {
  const vaults = useApi('vaults.list', {});
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<AddedVault | null>(null);
  return (
    <section className="card" aria-labelledby="vaults-h">
      <h2 id="vaults-h" tabIndex={-1}>
        Vaults
      </h2>
      <ErrorNote error={vaults.error} title="Vaults unavailable" />
      {!vaults.data && !vaults.error && <Loading what="vaults" />}
      <ul className="plain-list vault-list">
        {vaults.data?.map((v) => <VaultItem key={v.name} vault={v} onChanged={vaults.reload} />)}
      </ul>
      {added && (
        <div className="note note-ok" role="status">
          Vault “{added.vault.name}” {added.created ? 'created' : 'connected'}.{added.warnings.map((w) => ` ${w}`)}
          {added.catalogJobId && (
            <>
              {' '}
              Its recovery points are being listed for browsing and search: <a href={hrefFor('jobs', added.catalogJobId)}>follow the job</a>.
            </>
          )}
          {added.recoveryCode && <RecoveryKit vault={added.vault.name} code={added.recoveryCode} instructions="Print or write down this recovery code and keep it away from this computer. It is shown only once." />}
        </div>
      )}
      {adding ? (
        <VaultForm
          onAdded={(r) => {
            setAdded(r);
            setAdding(false);
            vaults.reload();
          }}
          onCancel={() => setAdding(false)}
        />
      ) : (
        <Button className="button" onPress={() => setAdding(true)}>
          Add a vault…
        </Button>
      )}
    </section>
  );
}

function VaultItem({ vault, onChanged }: { vault: VaultRecord; onChanged: () => void }) {
  const client = useClient();
  const [editing, setEditing] = useState(false);
  const [keys, setKeys] = useState(false);
  const remove = useAction(async () => {
    await client.call('vaults.remove', { name: vault.name });
    onChanged();
  });
  const verify = useAction(async () => navigate('jobs', (await client.call('vaults.check', { vault: vault.name, readData: 'subset', subsetPercent: 10 })).id));
  const n = vault.notifications;
  return (
    <li className="vault-item">
      <div className="vault-row">
        <div>
          <strong>{vault.name}</strong> <code className="path">{vault.location}</code>
          <div className="muted small">
            {KEY_TEXT[vault.keyProvider]}
            {vault.kmsKey ? ` ${vault.kmsKey}` : ''} · added {formatTime(vault.createdAt)}
            {vault.lock ? ` · Object Lock ${vault.lock.mode} ${vault.lock.days} days` : ''} · notifications:{' '}
            {[n?.desktop !== false && 'desktop', n?.webhookUrl && 'webhook', n?.snsTopicArn && 'SNS'].filter(Boolean).join(', ') || 'none'}
          </div>
        </div>
        <div className="toolbar">
          <Button className="button button-small" onPress={() => setEditing(!editing)} aria-expanded={editing}>
            Notifications…
          </Button>
          <Button className="button button-small" onPress={() => setKeys(!keys)} aria-expanded={keys} aria-label={`Keys of vault ${vault.name}`}>
            Keys…
          </Button>
          <Button className="button button-small" onPress={() => void verify.run()} isDisabled={verify.pending} aria-label={`Verify vault ${vault.name}`}>
            Verify
          </Button>
          <ConfirmButton
            className="button button-small button-danger"
            ariaLabel={`Forget vault ${vault.name}`}
            title={`Forget vault “${vault.name}”?`}
            message={`DeskVault stops using it; the vault itself and its backups stay at ${vault.location}. To use it again, add it again (an app-managed vault reopens with the key this computer keeps).`}
            onConfirm={() => void remove.run()}
            isDisabled={remove.pending}
          >
            Forget
          </ConfirmButton>
        </div>
      </div>
      <ErrorNote error={remove.error} title="The vault could not be forgotten" />
      <ErrorNote error={verify.error} title="The check could not start" />
      {editing && (
        <NotificationsForm
          vault={vault}
          onSaved={() => {
            setEditing(false);
            onChanged();
          }}
        />
      )}
      {keys && <VaultKeys vault={vault} />}
    </li>
  );
}
