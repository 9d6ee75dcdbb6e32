/**
 * Add a vault: a local folder or an S3 location (+ optional KMS key). "Test connection" runs
 * `vaults.test`, which checks every right the vault needs and names each missing one; "Add" runs
 * `vaults.add` and hands back the recovery code of a new app-managed vault (shown once).
 */
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { ApiResult } from '../../../../main/core/api.js';
import { useAction, useClient } from '../../app/client-context.js';
import { ErrorNote } from '../../components/feedback.js';
import { Choice, TextInput } from '../../components/fields.js';
import { PathField } from '../../components/folder-picker.js';

type Kind = 'local' | 's3';
export type AddedVault = ApiResult<'vaults.add'>;

export function VaultForm({ onAdded }: { onAdded: (r: AddedVault) => void }) {
  const client = useClient();
  const [kind, setKind] = useState<Kind>('local');
  const [name, setName] = useState('');
  const [folder, setFolder] = useState('');
  const [s3, setS3] = useState('');
  const [kmsKey, setKmsKey] = useState('');
  const [tested, setTested] = useState<ApiResult<'vaults.test'> | null>(null);
  const location = kind === 'local' ? folder.trim() : s3.trim();

  const test = useAction(async () => setTested(await client.call('vaults.test', { location })));
  const add = useAction(async () => {
    const r = await client.call('vaults.add', {
      name: name.trim(),
      location,
      ...(kind === 's3' && kmsKey.trim() ? { keyProvider: 'kms' as const, kmsKey: kmsKey.trim() } : {}),
    });
    onAdded(r);
  });

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
          <TextInput label="KMS key (optional)" value={kmsKey} onChange={setKmsKey} placeholder="alias/backups or a key ARN" description="Keep the vault key in AWS KMS instead of an app-managed key." />
        </>
      )}
      <div className="toolbar">
        <Button className="button" isDisabled={!location || test.pending} onPress={() => void test.run()}>
          {test.pending ? 'Testing…' : 'Test connection'}
        </Button>
        <Button type="submit" className="button button-primary" isDisabled={!location || !name.trim() || add.pending}>
          {add.pending ? 'Adding…' : 'Add vault'}
        </Button>
      </div>
      <ErrorNote error={test.error} title="The test could not run" />
      {tested && <TestResult result={tested} />}
      <ErrorNote error={add.error} title="The vault could not be added" />
    </Form>
  );
}

function TestResult({ result }: { result: ApiResult<'vaults.test'> }) {
  return (
    <div className={`note ${result.ok ? 'note-ok' : 'note-error'}`} role="status">
      <strong>{result.ok ? (result.vaultExists ? 'Connected: an existing vault is there.' : 'Connected: every right a new vault needs is granted.') : 'The location cannot be used.'}</strong>
      {result.problem && <div>{result.problem}</div>}
      {result.checks.length > 0 && (
        <ul className="plain-list checks">
          {result.checks.map((c) => (
            <li key={c.permission} className={c.ok ? 'check-ok' : 'check-bad'}>
              <span aria-hidden="true">{c.ok ? '✔' : '✖'}</span> <code>{c.permission}</code> — {c.feature}
              {c.message && <span className="muted"> ({c.message})</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
