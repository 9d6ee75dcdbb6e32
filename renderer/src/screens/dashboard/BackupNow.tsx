/** "Back up now" per plan: starts backups.start and opens the job to watch its progress. */
import { Button } from 'react-aria-components';
import type { Plan } from '../../../../main/core/model.js';
import { useAction, useClient } from '../../app/client-context.js';
import { navigate } from '../../app/router.js';
import { ErrorNote } from '../../components/feedback.js';

export function BackupNowButtons({ plans }: { plans: Plan[] }) {
  const client = useClient();
  const start = useAction(async (plan: string) => {
    const job = await client.call('backups.start', { plan });
    navigate('jobs', job.id);
  });
  return (
    <div className="toolbar">
      {plans.map((p) => (
        <Button key={p.name} className="button button-primary" isDisabled={start.pending} onPress={() => void start.run(p.name)}>
          Back up {plans.length > 1 ? `“${p.name}” ` : ''}now
        </Button>
      ))}
      <ErrorNote error={start.error} title="The backup could not start" />
    </div>
  );
}
