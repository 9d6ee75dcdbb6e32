/**
 * Add a vault: a local folder or an S3 location, opened by a key DeskVault keeps (with a recovery
 * code), your passphrase, or (S3) an AWS KMS key. "Test connection" runs `vaults.test`, which
 * checks every right the vault needs (the chosen KMS key's too) and names each missing one, and says whether a vault is
 * already there — then its passphrase or recovery code is asked for, to connect it (nothing is
 * overwritten). "Add" runs `vaults.add` and hands back the recovery code of a new app-managed vault
 * (shown once).
 */
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { ApiResult } from '../../../../main/core/api.js';
import { useAction, useClient } from '../../app/client-context.js';
import { ErrorNote } from '../../components/feedback.js';
import { Choice, NumberInput, SelectInput, TextInput } from '../../components/fields.js';
import { PathField } from '../../components/folder-picker.js';

type Kind = 'local' | 's3';
type KeyChoice = 'app' | 'passphrase' | 'kms';
type LockChoice = 'none' | 'governance' | 'compliance';
export type AddedVault = ApiResult<'vaults.add'>;

export function VaultForm({ onAdded, onCancel }: { onAdded: (r: AddedVault) => void; onCancel?: () => void }) {
  const client = useClient();
  const [kind, setKind] = useState<Kind>('local');
  const [name, setName] = useState('');
  const [folder, setFolder] = useState('');
  const [s3, setS3] = useState('');
  const [kmsKey, setKmsKey] = useState('');
  const [keyChoice, setKeyChoice] = useState<KeyChoice>('app');
  const [passphrase, setPassphrase] = useState('');
  const [lockMode, setLockMode] = useState<LockChoice>('none');
  const [lockDays, setLockDays] = useState<number | undefined>(30);
  const [tested, setTested] = useState<ApiResult<'vaults.test'> | null>(null);
  const location = kind === 'local' ? folder.trim() : s3.trim();

  const keyProvider: KeyChoice = kind === 'local' && keyChoice === 'kms' ? 'app' : keyChoice;
  // With a KMS key chosen, the test also tries the key's rights (nothing is created).
  const testedKey = keyProvider === 'kms' && kmsKey.trim() ? kmsKey.trim() : undefined;
  const test = useAction(async () => setTested(await client.call('vaults.test', { location, ...(testedKey ? { kmsKey: testedKey } : {}) })));
  const add = useAction(async () => {
    const r = await client.call('vaults.add', {
      name: name.trim(),
      location,
      keyProvider,
      ...(keyProvider === 'kms' ? { kmsKey: kmsKey.trim() } : {}),
      ...(passphrase ? { passphrase } : {}),
      ...(locking ? { lock: { mode: lockMode as Exclude<LockChoice, 'none'>, days: lockDays! } } : {}),
    });
    onAdded(r);
  });
  const locking = kind === 's3' && lockMode !== 'none';
  const existing = tested?.vaultExists === true || add.error?.code === 'PASSWORD_REQUIRED' || add.error?.code === 'WRONG_PASSWORD';
  const askPassphrase = existing || keyProvider !== 'app';
  const ready = !!location && !!name.trim() && (keyProvider !== 'kms' || !!kmsKey.trim()) && (existing || keyProvider !== 'passphrase' || !!passphrase) && (!locking || !!lockDays);

  return (
    <Form
      className="form"
      aria-label="Add a vault"
      onSubmit={(e) => {
        e.preventDefault();
        void add.run();
      }}
    >
      <TextInput label="Vault name" value={name} onChange={setName} isRequired description="Letters, digits, - and _ (used with --vault)." />
      <Choice<Kind>
        label="Where"
        value={kind}
        onChange={(k) => {
          setKind(k);
          setTested(null);
        }}
        options={[
          { id: 'local', label: 'A folder', description: 'a disk, USB drive or network share' },
          { id: 's3', label: 'Amazon S3 (or compatible)', description: 's3://bucket/prefix?region=…' },
        ]}
      />
      {kind === 'local' ? (
        <PathField label="Vault folder" value={folder} onChange={(v) => { setFolder(v); setTested(null); }} />
      ) : (
        <>
          <TextInput
            label="S3 location"
            value={s3}
            onChange={(v) => {
              setS3(v);
              setTested(null);
            }}
            placeholder="s3://my-backups/laptop?region=eu-west-1"
            description="Credentials come from the standard AWS chain on the computer running DeskVault; they are never stored."
          />
        </>
      )}
      <Choice<KeyChoice>
        label="Key"
        orientation="vertical"
        value={keyProvider}
        onChange={setKeyChoice}
        options={[
          { id: 'app', label: 'Kept by DeskVault', description: 'in this computer’s keychain; you print a recovery code to open the vault anywhere else' },
          { id: 'passphrase', label: 'My passphrase', description: 'DeskVault remembers it here; without it the backups cannot be read' },
          ...(kind === 's3' ? [{ id: 'kms' as const, label: 'An AWS KMS key', description: 'whoever may use the key can open the vault' }] : []),
        ]}
      />
      {keyProvider === 'kms' && <TextInput label="KMS key" value={kmsKey} onChange={(v) => { setKmsKey(v); setTested(null); }} isRequired placeholder="alias/backups or a key ARN" description="Needs kms:GenerateDataKey, kms:Decrypt and kms:DescribeKey on the key (and kms:Encrypt to add or rotate key slots later)." />}
      {kind === 's3' && !existing && (
        <>
          <SelectInput<LockChoice>
            label="Object Lock (immutable recovery points)"
            value={lockMode}
            onChange={setLockMode}
            options={[
              { id: 'none', label: 'Off' },
              { id: 'governance', label: 'Governance mode' },
              { id: 'compliance', label: 'Compliance mode' },
            ]}
            description="Needs a bucket with S3 Object Lock enabled. Locked points cannot be deleted or changed until their lock ends — not by DeskVault, not by a stolen key; in compliance mode not even by an administrator."
          />
          {locking && <NumberInput label="Days each recovery point stays locked" value={lockDays} onChange={setLockDays} minValue={1} maxValue={36500} />}
        </>
      )}
      {askPassphrase && (
        <TextInput
          label={existing ? 'Passphrase or recovery code of the vault already there' : keyProvider === 'kms' ? 'Recovery passphrase (optional, recommended)' : 'Passphrase'}
          type="password"
          value={passphrase}
          onChange={setPassphrase}
          isRequired={!existing && keyProvider === 'passphrase'}
          description={
            existing
              ? 'A vault is already at this location: DeskVault connects it (nothing is overwritten). Leave this empty if this computer already knows its key.'
              : keyProvider === 'kms'
                ? 'Opens the vault if access to the KMS key is ever lost.'
                : 'Keep it somewhere safe.'
          }
        />
      )}
      <div className="toolbar">
        <Button className="button" isDisabled={!location || test.pending} onPress={() => void test.run()}>
          {test.pending ? 'Testing…' : 'Test connection'}
        </Button>
        <Button type="submit" className="button button-primary" isDisabled={!ready || add.pending}>
          {add.pending ? 'Adding…' : existing ? 'Connect vault' : 'Add vault'}
        </Button>
        {onCancel && (
          <Button className="button" onPress={onCancel}>
            Cancel
          </Button>
        )}
      </div>
      <ErrorNote error={test.error} title="The test could not run" />
      {tested && <TestResult result={tested} />}
      <ErrorNote error={add.error} title="The vault could not be added" />
    </Form>
  );
}

function TestResult({ result }: { result: ApiResult<'vaults.test'> }) {
  const verdict = result.ok
    ? result.vaultExists
      ? 'Connected: an existing vault is there.'
      : 'Connected: every right a new vault needs is granted.'
    : result.locationOk
      ? 'The location is fine, but the KMS key cannot be used as the vault needs.'
      : 'The location cannot be used.';
  return (
    <div className={`note ${result.ok ? 'note-ok' : 'note-error'}`} role="status">
      <strong>{verdict}</strong>
      {result.problem && <div>{result.problem}</div>}
      {result.checks.length > 0 && (
        <ul className="plain-list checks">
          {result.checks.map((c) => (
            <li key={`${c.permission} ${c.feature}`} className={c.ok ? 'check-ok' : 'check-bad'}>
              <span aria-hidden="true">{c.ok ? '✔' : '✖'}</span> <code>{c.permission}</code> — {c.feature}
              {c.message && <span className="muted"> ({c.message})</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
