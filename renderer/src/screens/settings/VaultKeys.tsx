/**
 * The key slots of one vault (`keys.list`): any slot opens the vault. Add a recovery passphrase or
 * an AWS KMS key (`keys.add`), remove a slot after a confirmation (`keys.remove`). A KMS rotation is
 * "add the new key, then remove the old slot"; the service refuses to remove the slot it opens the
 * vault with (unless another KMS slot opens it) and the last slot, in its own sentences. No data is
 * rewritten by any of this. The passphrase typed here goes to the service only, never into the CLI
 * equivalent shown.
 */
import { useState, type ReactNode } from 'react';
import { Button, Form } from 'react-aria-components';
import type { KeySlotView } from '../../../../main/core/api.js';
import type { VaultRecord } from '../../../../main/core/model.js';
import { useAction, useApi, useClient } from '../../app/client-context.js';
import { CliEquivalent } from '../../components/cli-box.js';
import { ConfirmButton } from '../../components/confirm-button.js';
import { ErrorNote, Loading } from '../../components/feedback.js';
import { TextInput } from '../../components/fields.js';
import { keyAddCommand, keyListCommand, keyRemoveCommand } from '../../format/cli-equivalent.js';
import { formatTime, shortId } from '../../format/format.js';
import { TableHead } from '../../components/table-head.js';

type Adding = 'passphrase' | 'kms' | null;

/** What a slot is, in words. */
function slotKind(s: KeySlotView, vault: VaultRecord): string {
  if (s.kind === 'kms') return 'AWS KMS key';
  if (s.appManaged) return 'Key kept by DeskVault on this computer';
  if (s.recoveryCode) return 'Recovery code (from the recovery kit)';
  if (s.current && vault.keyProvider === 'passphrase') return 'Your passphrase (remembered by DeskVault)';
  // Where the recovery code's slot is on record, every other passphrase slot is a passphrase.
  return vault.recoveryCodeSlot ? 'Passphrase' : 'Passphrase or recovery code';
}

export function VaultKeys({ vault }: { vault: VaultRecord }) {
  const client = useClient();
  const slots = useApi('keys.list', { vault: vault.name });
  const [adding, setAdding] = useState<Adding>(null);
  const [kmsKey, setKmsKey] = useState('');
  const [done, setDone] = useState<ReactNode>(null);
  const remove = useAction(async (slot: KeySlotView) => {
    const r = await client.call('keys.remove', { vault: vault.name, id: slot.id });
    setDone(`Key slot ${shortId(r.removed)} removed.${r.lockedUntil ? ` Object Lock keeps its locked copy in the bucket (hidden) until ${formatTime(r.lockedUntil)}.` : ''}`);
    slots.reload();
  });
  const list = slots.data ?? [];
  const kmsSlots = list.filter((s) => s.kind === 'kms').length;
  const hasPassphrase = list.some((s) => s.kind === 'passphrase' && !s.appManaged && !s.current);
  const headingId = `keys-${vault.name}-h`;

  const added = (s: KeySlotView) => {
    setAdding(null);
    setKmsKey('');
    setDone(
      s.kind === 'kms' ? (
        `AWS KMS key slot ${shortId(s.id)} added (${s.kmsKeyId}). To rotate to it, remove the old key's slot now: DeskVault first checks that the new key opens the vault.`
      ) : (
        <>
          Recovery passphrase added (slot {shortId(s.id)}). Keep it away from this computer: with it, <code>DESKVAULT_PASSWORD=… deskvault points --vault {vault.location}</code> opens the vault on any computer.
        </>
      ),
    );
    slots.reload();
  };

  return (
    <section className="vault-keys" aria-labelledby={headingId}>
      <h3 id={headingId}>Keys of “{vault.name}”</h3>
      <p className="muted small">Any one of these key slots opens the vault. Adding or removing one rewrites no data.</p>
      <ErrorNote error={slots.error} title="The key slots could not be read" />
      {!slots.data && !slots.error && <Loading what="key slots" />}
      {list.length > 0 && (
        <table className="table table-compact" aria-labelledby={headingId}>
          <TableHead columns={['Key', 'Slot', 'Added']} actions />
          <tbody>
            {list.map((s) => (
              <SlotRow key={s.id} slot={s} vault={vault} slots={list.length} otherKms={kmsSlots - (s.kind === 'kms' ? 1 : 0)} onRemove={() => void remove.run(s)} isDisabled={remove.pending} />
            ))}
          </tbody>
        </table>
      )}
      <ErrorNote error={remove.error} title="The key slot could not be removed" />
      {done && (
        <div className="note note-ok" role="status">
          {done}
        </div>
      )}
      {kmsSlots > 0 && (
        <p className={hasPassphrase ? 'muted small' : 'note note-warn'}>
          {hasPassphrase ? '' : 'No recovery passphrase yet. '}A recovery passphrase next to an AWS KMS key means that losing access to the key (disabled, deleted, an account closed) is not losing the data.
        </p>
      )}
      <div className="toolbar">
        <Button className="button button-small" aria-expanded={adding === 'passphrase'} onPress={() => setAdding(adding === 'passphrase' ? null : 'passphrase')}>
          Add recovery passphrase…
        </Button>
        <Button className="button button-small" aria-expanded={adding === 'kms'} onPress={() => setAdding(adding === 'kms' ? null : 'kms')}>
          Add AWS KMS key…
        </Button>
      </div>
      {adding === 'passphrase' && <PassphraseForm vault={vault.name} onAdded={added} onCancel={() => setAdding(null)} />}
      {adding === 'kms' && <KmsKeyForm vault={vault.name} kmsKey={kmsKey} onChange={setKmsKey} onAdded={added} onCancel={() => setAdding(null)} />}
      <CliEquivalent label="key slots" command={[keyListCommand(vault.name), keyAddCommand(vault.name, adding === 'kms' ? kmsKey.trim() || 'KEY' : undefined)].join('\n')} />
    </section>
  );
}

function SlotRow({ slot, vault, slots, otherKms, onRemove, isDisabled }: { slot: KeySlotView; vault: VaultRecord; slots: number; otherKms: number; onRemove: () => void; isDisabled: boolean }) {
  // What the service would refuse is not offered: the last slot, and the slot it opens the vault
  // with — except a KMS slot while another KMS slot may take over (the service checks it opens).
  const removable = slots > 1 && (!slot.current || (slot.kind === 'kms' && otherKms > 0));
  const message =
    slot.kind === 'kms'
      ? slot.current
        ? `DeskVault then opens vault “${vault.name}” through its other AWS KMS key slot, after checking that it does. Nobody can open the vault through ${slot.kmsKeyId} any more. No data is rewritten.`
        : `Nobody can open vault “${vault.name}” through the AWS KMS key ${slot.kmsKeyId} any more. No data is rewritten.`
      : slot.recoveryCode
        ? `The recovery code printed in the recovery kit of vault “${vault.name}” no longer opens it: on another computer, or if this one's key is lost, only another passphrase slot does. Add a recovery passphrase first if there is none. No data is rewritten.`
        : `Whoever opens vault “${vault.name}” with this passphrase or recovery code can no longer do so. If it is your recovery code or your only recovery passphrase, add a new one first. No data is rewritten.`;
  return (
    <tr>
      <td>
        {slotKind(slot, vault)}
        {slot.kmsKeyId && (
          <>
            {' '}
            <code title={slot.kmsKeyArn}>{slot.kmsKeyId}</code>
          </>
        )}{' '}
        {slot.current && <span className="badge badge-good">Used by this app</span>}
      </td>
      <td>
        <code title={slot.kdf ?? slot.kmsKeyArn}>{shortId(slot.id)}</code>
      </td>
      <td>{formatTime(slot.created)}</td>
      <td>
        {removable ? (
          <ConfirmButton
            className="button button-small"
            ariaLabel={`Remove key slot ${shortId(slot.id)}`}
            title={`Remove key slot ${shortId(slot.id)} of “${vault.name}”?`}
            message={
              <>
                {message}
                <br />
                <span className="muted small">
                  CLI equivalent: <code>{keyRemoveCommand(vault.name, slot.id)}</code>
                </span>
              </>
            }
            onConfirm={onRemove}
            isDisabled={isDisabled}
          >
            Remove
          </ConfirmButton>
        ) : (
          <span className="muted small">{slots > 1 ? 'DeskVault opens the vault with it' : 'the only key'}</span>
        )}
      </td>
    </tr>
  );
}

function PassphraseForm({ vault, onAdded, onCancel }: { vault: string; onAdded: (s: KeySlotView) => void; onCancel: () => void }) {
  const client = useClient();
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const differ = again !== '' && again !== passphrase;
  const add = useAction(async () => onAdded(await client.call('keys.add', { vault, passphrase })));
  return (
    <Form
      className="form"
      aria-label={`Add a recovery passphrase to ${vault}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (passphrase && passphrase === again) void add.run();
      }}
    >
      <TextInput label="New recovery passphrase" type="password" value={passphrase} onChange={setPassphrase} isRequired autoFocus description="Write it down and keep it away from this computer: with it, the vault opens anywhere. A few unrelated words are easier to keep than symbols." />
      <TextInput label="The same passphrase again" type="password" value={again} onChange={setAgain} isRequired errorMessage={differ ? 'The two passphrases differ.' : null} />
      <ErrorNote error={add.error} title="The passphrase could not be added" />
      <AddOrCancel label="Add passphrase" isDisabled={!passphrase || passphrase !== again || add.pending} pending={add.pending} onCancel={onCancel} />
    </Form>
  );
}

function KmsKeyForm({ vault, kmsKey, onChange, onAdded, onCancel }: { vault: string; kmsKey: string; onChange: (v: string) => void; onAdded: (s: KeySlotView) => void; onCancel: () => void }) {
  const client = useClient();
  const add = useAction(async () => onAdded(await client.call('keys.add', { vault, kmsKey: kmsKey.trim() })));
  return (
    <Form
      className="form"
      aria-label={`Add an AWS KMS key to ${vault}`}
      onSubmit={(e) => {
        e.preventDefault();
        if (kmsKey.trim()) void add.run();
      }}
    >
      <TextInput
        label="AWS KMS key"
        value={kmsKey}
        onChange={onChange}
        isRequired
        autoFocus
        placeholder="alias/backups or a key ARN"
        description="The AWS credentials of the computer running DeskVault need kms:DescribeKey and kms:Encrypt on the key to add it, and kms:Decrypt to open the vault with it."
      />
      <ErrorNote error={add.error} title="The KMS key could not be added" />
      <AddOrCancel label="Add KMS key" isDisabled={!kmsKey.trim() || add.pending} pending={add.pending} onCancel={onCancel} />
    </Form>
  );
}

/** A slot form's buttons: submit (its label while idle, "Adding…" while the call runs) and Cancel. */
function AddOrCancel({ label, isDisabled, pending, onCancel }: { label: string; isDisabled: boolean; pending: boolean; onCancel: () => void }) {
  return (
    <div className="toolbar">
      <Button type="submit" className="button button-primary" isDisabled={isDisabled}>
        {pending ? 'Adding…' : label}
      </Button>
      <Button className="button" onPress={onCancel}>
        Cancel
      </Button>
    </div>
  );
}
