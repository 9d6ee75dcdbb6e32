/**
 * The shell: navigation (the six screens by their visible names), the protection state, the theme
 * toggle, and the current screen from the URL hash. With no plan yet, the Dashboard is the
 * first-run setup.
 */
import { useEffect, useRef } from 'react';
import type { DeskVaultClient } from '../api/index.js';
import { StateBadge } from '../components/feedback.js';
import { SelectInput } from '../components/fields.js';
import { Dashboard } from '../screens/dashboard/Dashboard.js';
import { FoldersScreen } from '../screens/folders/FoldersScreen.js';
import { JobsScreen } from '../screens/jobs/JobsScreen.js';
import { PlansScreen } from '../screens/plans/PlansScreen.js';
import { PointsScreen } from '../screens/points/PointsScreen.js';
import { SettingsScreen } from '../screens/settings/SettingsScreen.js';
import { ClientProvider, useApi, useServiceEvent } from './client-context.js';
import { hrefFor, SCREENS, useRoute, type Route } from './router.js';
import { useTheme, type ThemeChoice } from './theme.js';

export function App({ client }: { client: DeskVaultClient }) {
  return (
    <ClientProvider client={client}>
      <Shell />
    </ClientProvider>
  );
}

function Shell() {
  const route = useRoute();
  const [theme, setTheme] = useTheme();
  const status = useApi('status.get', {});
  useServiceEvent('status', () => status.reload());
  // A job that ends can change the protection state even when no status event follows.
  useServiceEvent('job', (j) => j.state !== 'RUNNING' && status.reload());
  const mainRef = useRef<HTMLElement>(null);

  // Moving between screens puts focus on the new screen's heading, so keyboard and screen-reader
  // users start reading there instead of at the top of the page.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route.screen]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); mainRef.current?.focus(); }}>
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">DeskVault</span>
        {status.data && <StateBadge state={status.data.state} />}
        {status.data?.paused && <span className="muted">paused</span>}
        <span className="spacer" />
        <div className="theme-select">
          <SelectInput<ThemeChoice>
            label="Theme"
            value={theme}
            onChange={setTheme}
            options={[
              { id: 'system', label: 'System' },
              { id: 'light', label: 'Light' },
              { id: 'dark', label: 'Dark' },
            ]}
          />
        </div>
      </header>
      <nav className="sidebar" aria-label="Main">
        <ul>
          {SCREENS.map((s) => (
            <li key={s.id}>
              <a href={hrefFor(s.id)} aria-current={route.screen === s.id ? 'page' : undefined}>
                {s.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={mainRef} tabIndex={-1} className="content">
        <Screen route={route} />
      </main>
    </div>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case 'dashboard':
      return <Dashboard />;
    case 'folders':
      return <FoldersScreen />;
    case 'plans':
      return <PlansScreen param={route.param} />;
    case 'jobs':
      return <JobsScreen param={route.param} />;
    case 'points':
      return <PointsScreen param={route.param} />;
    case 'settings':
      return <SettingsScreen />;
  }
}
