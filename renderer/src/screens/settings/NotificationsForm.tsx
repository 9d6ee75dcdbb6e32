/** Where a vault's events go (vaults.setNotifications): desktop, a webhook, an SNS topic. */
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import type { VaultRecord } from '../../../../main/core/model.js';
import { useAction, useClient } from '../../app/client-context.js';
import { ErrorNote } from '../../components/feedback.js';
import { TextInput, Toggle } from '../../components/fields.js';

export function NotificationsForm({ vault, onSaved }: { vault: VaultRecord; onSaved: () => void }) {
  const client = useClient();
  const n = vault.notifications;
  const [desktop, setDesktop] = useState(n?.desktop !== false);
  const [webhookUrl, setWebhook] = useState(n?.webhookUrl ?? '');
  const [snsTopicArn, setSns] = useState(n?.snsTopicArn ?? '');
  const save = useAction(async () => {
    await client.call('vaults.setNotifications', {
      name: vault.name,
      notifications: { desktop, ...(webhookUrl.trim() ? { webhookUrl: webhookUrl.trim() } : {}), ...(snsTopicArn.trim() ? { snsTopicArn: snsTopicArn.trim() } : {}) },
    });
    onSaved();
  });
  return (
    <Form
      className="form notifications"
      aria-label={`Notifications of ${vault.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <Toggle isSelected={desktop} onChange={setDesktop}>
        Desktop notifications
      </Toggle>
      <TextInput label="Webhook URL" type="url" value={webhookUrl} onChange={setWebhook} placeholder="https://example.com/hooks/backup" description="Receives a JSON POST per event (failed job, protection stale, …)." />
      <TextInput label="SNS topic ARN" value={snsTopicArn} onChange={setSns} placeholder="arn:aws:sns:eu-west-1:111122223333:backups" />
      <ErrorNote error={save.error} title="Notifications not saved" />
      <Button type="submit" className="button button-primary" isDisabled={save.pending}>
        Save notifications
      </Button>
    </Form>
  );
}
