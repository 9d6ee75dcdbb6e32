// @vitest-environment jsdom
/**
 * Plans, Folders and Settings against the real service: the schedule builder shows the
 * scheduler's next five runs (and its own sentence for a wrong cron), a plan is saved with
 * retention; the exclude preview names the responsible pattern; a vault that is
 * refused is explained in its own words; legal holds are placed and released; the audit trail verifies.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FoldersScreen } from '../../../renderer/src/screens/folders/FoldersScreen.js';
import { PlansScreen } from '../../../renderer/src/screens/plans/PlansScreen.js';
import { SettingsScreen } from '../../../renderer/src/screens/settings/SettingsScreen.js';
import { makeTempDir, removeTempDirs } from '../../helpers/files.js';
import { renderWith, startRealService, type RealService } from './real-service.js';

const WAIT = { timeout: 30_000 };

describe('plans, folders and settings (real service)', () => {
  let rs: RealService;
  let src: string;

  beforeAll(async () => {
    rs = await startRealService();
    src = makeTempDir('dv-ui-plan-');
    writeFileSync(path.join(src, 'keep.txt'), 'keep\n');
    writeFileSync(path.join(src, 'scratch.tmp'), 'scratch\n');
    await rs.client.call('plans.create', { name: 'Work', resources: [{ path: src }], rules: [{ name: 'daily', targetVault: 'local', schedule: '0 2 * * *' }] });
  });
  afterAll(async () => {
    cleanup();
    await rs?.svc.stop({ cancelJobs: true });
    removeTempDirs();
  });

  it('edits a plan: next five runs, a wrong cron explained, retention saved', async () => {
    renderWith(rs.client, <PlansScreen param="Work" />);
    await screen.findByText('Next five runs:', { exact: false }, WAIT);
    expect(screen.getByText(/every day at 02:00/)).toBeTruthy();
    await waitFor(() => expect(screen.getAllByRole('listitem').filter((li) => li.closest('.next-runs'))).toHaveLength(5), WAIT);

    const cron = screen.getByLabelText('Cron expression');
    fireEvent.change(cron, { target: { value: 'every tuesday' } });
    const alert = await screen.findByRole('alert', {}, WAIT);
    expect(alert.textContent).toContain('This schedule does not work');
    fireEvent.change(cron, { target: { value: '30 18 * * 1-5' } });
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull(), WAIT);

    fireEvent.change(screen.getByRole('textbox', { name: 'Daily' }), { target: { value: '30' } });
    fireEvent.blur(screen.getByRole('textbox', { name: 'Daily' }));
    expect(screen.getByText(/deskvault plan create --name Work/).textContent).toContain("--schedule '30 18 * * 1-5' --keep-daily 30");
    fireEvent.click(screen.getByRole('button', { name: 'Save plan' }));
    await waitFor(async () => expect((await rs.client.call('plans.get', { name: 'Work' })).rules[0]).toMatchObject({ schedule: '30 18 * * 1-5', retention: { keepDaily: 30 } }), WAIT);
    cleanup();
  });

  it('previews an exclude pattern and names it for the excluded file', async () => {
    renderWith(rs.client, <FoldersScreen />);
    fireEvent.click(await screen.findByRole('button', { name: 'Include / exclude…' }, WAIT));
    fireEvent.change(screen.getByLabelText('Exclude (one pattern a line)'), { target: { value: '*.tmp' } });
    const example = await screen.findByText(path.join(src, 'scratch.tmp'), {}, WAIT);
    expect(example.closest('tr')!.textContent).toContain('*.tmp');
    await waitFor(() => expect(screen.getByRole('region', { name: /Preview/ }).textContent).toMatch(/Protects 1 files .*excludes 1 files/), WAIT);
    cleanup();
  });

  it('shows the service sentence when a vault cannot be added, places and releases a hold, verifies the audit trail', async () => {
    renderWith(rs.client, <SettingsScreen />);
    await screen.findByText(/The audit trail is intact/, {}, WAIT);
    fireEvent.click(screen.getByRole('button', { name: 'Add a vault…' }));
    // A name already registered: refused by the service with its sentence, before anything is written.
    fireEvent.change(screen.getByLabelText('Vault name'), { target: { value: 'local' } });
    fireEvent.change(screen.getByLabelText('Vault folder'), { target: { value: makeTempDir('dv-ui-vault-') } });
    fireEvent.click(screen.getByRole('button', { name: 'Add vault' }));
    const alert = await screen.findByRole('alert', {}, WAIT);
    expect(alert.textContent).toMatch(/The vault could not be added: .*local/);
    expect((await rs.client.call('vaults.list', {})).map((v) => v.name)).toEqual(['local']);

    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'Tax audit 2026' } });
    fireEvent.click(screen.getByRole('button', { name: 'Place hold' }));
    const holds = screen.getByRole('region', { name: 'Legal holds' });
    await within(holds).findByText('Tax audit 2026', {}, WAIT);
    fireEvent.click(within(holds).getByRole('button', { name: 'Release' }));
    await within(holds).findByText('No active hold.', {}, WAIT);
    expect((await rs.client.call('holds.list', {}))[0].releasedAt).toBeTruthy();
  });
});
