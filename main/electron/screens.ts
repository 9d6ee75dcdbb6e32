/**
 * The screens the main process can open the window at (from the tray, a notification, a second
 * launch), as the renderer's hash routes. The UI routes in the URL hash in both hosts (Electron and
 * `deskvault serve`), so opening a screen is setting `location.hash` — no extra IPC.
 */
export type Screen = { name: 'dashboard' } | { name: 'restore' } | { name: 'job'; jobId: string } | { name: 'plan'; plan: string };

export function hashFor(screen: Screen): string {
  switch (screen.name) {
    case 'dashboard':
      return '#/';
    case 'restore':
      // Restoring starts from the recovery points screen (renderer/src/app/router.ts SCREENS).
      return '#/points';
    case 'job':
      return `#/jobs/${encodeURIComponent(screen.jobId)}`;
    case 'plan':
      return `#/plans/${encodeURIComponent(screen.plan)}`;
  }
}
