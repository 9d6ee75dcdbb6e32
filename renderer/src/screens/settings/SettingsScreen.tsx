/** Settings: vaults (list, add, notifications, recovery kit), legal holds, the audit trail. */
import { useClient } from '../../app/client-context.js';
import { AuditSection } from './AuditSection.js';
import { HoldsSection } from './HoldsSection.js';
import { VaultsSection } from './VaultsSection.js';

export function SettingsScreen() {
  const client = useClient();
  return (
    <div className="screen">
      <h1 tabIndex={-1}>Settings</h1>
      <VaultsSection />
      <HoldsSection />
      <AuditSection />
      <p className="muted small">Connected to the DeskVault service over {client.transport === 'ipc' ? 'the desktop app' : 'the local web server (deskvault serve)'}.</p>
    </div>
  );
}
