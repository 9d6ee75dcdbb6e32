// @vitest-environment jsdom
/**
 * The first run against the real service: choose the default vault, see its recovery code once,
 * add a folder, pick a template → the plan exists with the template's rules and the dashboard
 * shows the folder; then "Back up now" opens the job, which reaches Completed with its counters.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs } from '../../helpers/files.js';
import { renderApp, startRealService, type RealService } from './real-service.js';

const WAIT = { timeout: 30_000 };

describe('first run and dashboard (real service)', () => {
  let rs: RealService;
  let src: string;

  beforeAll(async () => {
    rs = await startRealService();
    src = makeTempDir('dv-ui-src-');
    writeFileSync(path.join(src, 'a.txt'), 'alpha\n');
    writeFileSync(path.join(src, 'b.txt'), 'beta\n');
  });
  afterAll(async () => {
    cleanup();
    await rs?.svc.stop({ cancelJobs: true });
    removeTempDirs();
  });

  it('creates a plan through the four steps', async () => {
    renderApp(rs.client);
    await screen.findByRole('heading', { name: 'Welcome to DeskVault' }, WAIT);
    expect(screen.getByRole('navigation', { name: 'Main' }).textContent).toBe('DashboardFoldersPlansJobsRecovery pointsSettings');
    await screen.findByText('/vaults/local', { exact: false }, WAIT);
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));

    const code = await screen.findByLabelText('Recovery code', {}, WAIT);
    expect(code.textContent).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    // Given out once: the service has no code left for a second caller.
    expect((await rs.client.call('vaults.recoveryKit', { name: 'local' })).recoveryCode).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));

    const continueButton = screen.getByRole('button', { name: 'Continue' });
    expect(continueButton.hasAttribute('disabled') || continueButton.getAttribute('data-disabled') === 'true').toBe(true);
    fireEvent.change(screen.getByLabelText('Folder to protect'), { target: { value: src } });
    fireEvent.click(screen.getByRole('button', { name: 'Add folder' }));
    within(screen.getByRole('list', { name: 'Folders to protect' })).getByText(src);
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));

    fireEvent.click(screen.getByRole('radio', { name: /Every night, keep 14 daily/ }));
    expect(screen.getByText(/deskvault plan create --name/).textContent).toContain(`--folder ${src} --schedule '0 2 * * *' --keep-daily 14 --keep-weekly 8 --keep-monthly 12`);
    fireEvent.click(screen.getByRole('button', { name: 'Create plan and start protecting' }));

    await screen.findByRole('heading', { name: 'Protected folders' }, WAIT);
    const plans = await rs.client.call('plans.list', {});
    expect(plans.map((p) => [p.name, p.resources.map((r) => r.path), p.rules.map((r) => [r.schedule, r.retention])])).toEqual([
      [path.basename(src), [src], [['0 2 * * *', { keepDaily: 14, keepWeekly: 8, keepMonthly: 12 }]]],
    ]);
    await screen.findByText(src, { selector: 'td code' }, WAIT);
  });

  it('backs up now and shows the job completing with its counters and log', async () => {
    fireEvent.click(await screen.findByRole('button', { name: 'Back up now' }, WAIT));
    await screen.findByRole('heading', { name: /^Backup of / }, WAIT);
    const details = screen.getByRole('article');
    await waitFor(() => expect(within(details).getByRole('status').textContent).toContain('Completed'), WAIT);
    expect(within(details).getByText('2 of 2')).toBeTruthy();
    await waitFor(() => expect(within(details).getByLabelText('Job log').textContent).toMatch(/recovery point [0-9a-f]{8}: 2 files/), WAIT);
  });

  it('shows the compliance summary and the usage chart on the dashboard', async () => {
    fireEvent.click(screen.getByRole('link', { name: 'Dashboard' }));
    await screen.findByText('Every folder has a recent good recovery point', {}, WAIT);
    await screen.findByRole('img', { name: /Vault usage grew to/ }, WAIT);
    await waitFor(() => expect(screen.getByText(/checks pass/).textContent).toBe('4 of 4 checks pass.'), WAIT);
  });
});
