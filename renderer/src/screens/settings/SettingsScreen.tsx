/**
 * Settings: vaults (list, add with Object Lock or a KMS key, notifications, verify, recovery kit, key slots),
 * restore tests, legal holds, the audit trail. A short list of the sections at the top moves focus
 * to one (the URL hash is the router's, so the links are buttons, not #fragments).
 */
import { Button } from 'react-aria-components';
import { useClient } from '../../app/client-context.js';
import { AuditSection } from './AuditSection.js';
import { HoldsSection } from './HoldsSection.js';
import { RestoreTestsSection } from './RestoreTestsSection.js';
import { VaultsSection } from './VaultsSection.js';

const SECTIONS = [
  { heading: 'vaults-h', label: 'Vaults' },
  { heading: 'restore-tests-h', label: 'Restore tests' },
  { heading: 'holds-h', label: 'Legal holds' },
  { heading: 'audit-h', label: 'Audit log' },
];

export function SettingsScreen() {
  const client = useClient();
  return (
    <div className="screen">
      <h1 tabIndex={-1}>Settings</h1>
      <nav aria-label="Settings sections" className="section-nav">
        {SECTIONS.map((s) => (
          <Button key={s.heading} className="button button-small" onPress={() => goTo(s.heading)}>
            {s.label}
          </Button>
        ))}
      </nav>
      <VaultsSection />
      <RestoreTestsSection />
      <HoldsSection />
      <AuditSection />
      <p className="muted small">Connected to the DeskVault service over {client.transport === 'ipc' ? 'the desktop app' : 'the local web server (deskvault serve)'}.</p>
    </div>
  );
}

function goTo(headingId: string): void {
  const h = document.getElementById(headingId);
  if (!h) return;
  h.focus();
  h.scrollIntoView?.({ block: 'start' });
}
