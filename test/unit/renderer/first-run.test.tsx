// @vitest-environment jsdom
/**
 * The first run against the real service: choose the default vault, see its recovery code once,
 * add a folder (typed, and one dropped then removed), pick a template → the plan exists with the
 * template's rules and the dashboard shows the folder; then "Back up now" opens the job, which
 * reaches Completed with its counters. The dashboard's compliance (the service's report) fails
 * only on the missing restore test, runs one from there and then passes; the compliance and jobs
 * reports download as the service makes them; Settings lists the restore test's result.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs } from '../../helpers/files.js';
import { captureDownloads, droppedFilePaths, renderApp, startRealService, type RealService } from './real-service.js';

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
    // A folder dropped on the step (the desktop app's bridge tells its path), then removed again.
    const other = makeTempDir('dv-ui-drop-');
    const dropped = new File([], path.basename(other));
    droppedFilePaths.set(dropped, other);
    fireEvent.drop(screen.getByText('Drop folders here').closest('.folder-drop')!, { dataTransfer: { files: [dropped], types: ['Files'], getData: () => '' } });
    within(screen.getByRole('list', { name: 'Folders to protect' })).getByText(other);
    fireEvent.click(screen.getByRole('button', { name: `Remove ${other}` }));
    expect(within(screen.getByRole('list', { name: 'Folders to protect' })).queryByText(other)).toBeNull();
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

  it('shows compliance from the service, runs the missing restore test from there, and then passes', async () => {
    fireEvent.click(screen.getByRole('link', { name: 'Dashboard' }));
    const card = await screen.findByRole('region', { name: 'Compliance' }, WAIT);
    await within(card).findByText(`recent good point: ${src}`, {}, WAIT);
    await screen.findByRole('img', { name: /Vault usage grew to/ }, WAIT);
    await waitFor(() => expect(within(card).getByText(/checks pass/).textContent).toBe('Needs attention 4 of 5 checks pass.'), WAIT);
    expect(within(card).getByText('restore test of local').closest('li')!.className).toBe('check-bad');

    fireEvent.click(within(card).getByRole('button', { name: 'Run a restore test of “local” now' }));
    await screen.findByRole('heading', { name: 'Restore test from local' }, WAIT);
    await waitFor(() => expect(within(screen.getByRole('article')).getByRole('status').textContent).toContain('Completed'), WAIT);
    fireEvent.click(screen.getByRole('link', { name: 'Dashboard' }));
    const after = await screen.findByRole('region', { name: 'Compliance' }, WAIT);
    await waitFor(() => expect(within(after).getByText(/checks pass/).textContent).toBe('Meets the policy 5 of 5 checks pass.'), WAIT);
  });

  it('downloads the compliance report and the jobs report as the service makes them', async () => {
    const downloads = captureDownloads();
    try {
      fireEvent.click(within(screen.getByRole('group', { name: 'Download the compliance report' })).getByRole('button', { name: 'CSV' }));
      const [csv] = downloads.files;
      expect(csv.name).toMatch(/^deskvault-compliance-\d{4}-\d{2}-\d{2}\.csv$/);
      expect(csv.content.split('\r\n')[0]).toBe('time,plan,check,ok,detail');
      expect(csv.content).toContain(`,${path.basename(src)},recent good point: ${src},true,`);

      fireEvent.click(screen.getByRole('link', { name: 'Jobs' }));
      fireEvent.click(await screen.findByText('Export the jobs report…', {}, WAIT));
      fireEvent.click(screen.getByRole('button', { name: 'Download report' }));
      await screen.findByText(/jobs? saved as deskvault-jobs-/, {}, WAIT);
      const jobs = downloads.files[1];
      const report = await rs.client.call('reports.jobs', { format: 'csv' });
      expect(jobs.name).toMatch(/^deskvault-jobs-\d{4}-\d{2}-\d{2}\.csv$/);
      expect(jobs.content).toBe(report.content);
      expect(report.rows).toBeGreaterThanOrEqual(2); // the backup and the restore test
      expect(screen.getByText(/jobs? saved as/).textContent).toBe(`${report.rows} jobs saved as ${jobs.name}.`);
    } finally {
      downloads.stop();
    }
  });

  it('lists the restore test in Settings', async () => {
    fireEvent.click(screen.getByRole('link', { name: 'Settings' }));
    const section = await screen.findByRole('region', { name: 'Restore tests' }, WAIT);
    const table = await within(section).findByRole('table', {}, WAIT);
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    expect(within(table).getByText('Passed')).toBeTruthy();
  });
});
