/**
 * Step 2: the recovery kit of the chosen vault. A vault added a moment ago brought its code with
 * it; for an existing app-managed vault the service gives it out now (once).
 */
import { useApi } from '../../app/client-context.js';
import { Loading } from '../../components/feedback.js';
import { RecoveryKit, RecoveryKitLoader } from '../settings/RecoveryKit.js';
import type { NewVaultKit } from './FirstRun.js';

export function KitStep({ vault, kit }: { vault: string; kit: NewVaultKit | null }) {
  const vaults = useApi('vaults.list', {});
  const record = vaults.data?.find((v) => v.name === vault);
  if (kit?.code) return <RecoveryKit vault={vault} code={kit.code} instructions="Print or write down this recovery code and keep it away from this computer. With it, DESKVAULT_PASSWORD=<code> opens the vault on any machine. It is shown only once." />;
  if (!record) return <Loading what="the vault" />;
  if (record.keyProvider === 'kms') return <p>The key of vault “{vault}” is held in AWS KMS ({record.kmsKey}); whoever may use that key can open the vault. There is no recovery code to print.</p>;
  if (record.keyProvider === 'passphrase') return <p>Vault “{vault}” opens with your own passphrase. Keep it somewhere safe: without it the backups cannot be read.</p>;
  return <RecoveryKitLoader vault={vault} />;
}
