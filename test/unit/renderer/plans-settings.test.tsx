// @vitest-environment jsdom
/**
 * Plans, Folders and Settings against the real service: the schedule builder shows the
 * scheduler's next five runs (and its own sentence for a wrong cron), a plan is saved with
 * retention; the exclude preview names the responsible pattern; a folder dragged from a file
 * manager (a file:// link) joins the plan; a vault that is refused is explained in its own words;
 * a vault is added, forgotten after a confirmation, and connected again as the existing vault it
 * is; legal holds are placed and released (after a confirmation); the audit trail verifies.
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
    expect(within(screen.getByRole('form', { name: 'Plan Work' })).getByText(/every day at 02:00/)).toBeTruthy();
    // The list says each plan's schedule in words, as the scheduler describes it.
    await within(screen.getByRole('navigation', { name: 'Plans' })).findByText(/every day at 02:00/, {}, WAIT);
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
    await waitFor(() => expect(screen.getByRole('region', { name: /Preview/ }).textContent).toMatch(/Protects 1 file \(.*\); excludes 1 file \(/), WAIT);
    cleanup();
  });

  it('adds a folder dropped from a file manager (a file:// link), and says what to do when a drop has no path', async () => {
    const extra = makeTempDir('dv-ui-dropped-');
    renderWith(rs.client, <FoldersScreen />);
    const zone = (await screen.findByText('Drop folders here to add them to Work', {}, WAIT)).closest('.folder-drop')!;
    fireEvent.drop(zone, { dataTransfer: { files: [new File([], 'x')], types: ['Files'], getData: () => '' } });
    // No bridge path for this File and no link: the zone explains instead of adding nothing silently.
    const rsNoPath = await screen.findByText(/does not say where a dropped folder is/, {}, WAIT);
    expect(rsNoPath).toBeTruthy();
    const uri = `file://${extra.split('/').map(encodeURIComponent).join('/')}`;
    fireEvent.drop(zone, { dataTransfer: { files: [], types: ['text/uri-list'], getData: (t: string) => (t === 'text/uri-list' ? `# from a file manager\r\n${uri}\r\n` : '') } });
    await waitFor(async () => expect((await rs.client.call('plans.get', { name: 'Work' })).resources.map((r) => r.path)).toEqual([src, extra]), WAIT);
    await screen.findByText(extra, { selector: 'code' }, WAIT);
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
    fireEvent.click(within(holds).getByRole('button', { name: 'Release hold Tax audit 2026' }));
    const confirm = await screen.findByRole('alertdialog', {}, WAIT);
    expect(confirm.textContent).toContain('Release the hold “Tax audit 2026”?');
    fireEvent.click(within(confirm).getByRole('button', { name: 'Release' }));
    await within(holds).findByText('No active hold.', {}, WAIT);
    expect((await rs.client.call('holds.list', {}))[0].releasedAt).toBeTruthy();
  });

  it('adds a vault, forgets it after a confirmation, and connects it again as the vault already there', async () => {
    const folder = makeTempDir('dv-ui-nas-');
    const vaults = screen.getByRole('region', { name: 'Vaults' });
    const add = (name: string) => {
      // The form may still be open from the refused attempt above.
      const open = within(vaults).queryByRole('button', { name: 'Add a vault…' });
      if (open) fireEvent.click(open);
      fireEvent.change(within(vaults).getByLabelText('Vault name'), { target: { value: name } });
      fireEvent.change(within(vaults).getByLabelText('Vault folder'), { target: { value: folder } });
    };
    add('nas');
    fireEvent.click(within(vaults).getByRole('button', { name: 'Add vault' }));
    await within(vaults).findByText(/Vault “nas” created/, {}, WAIT);
    expect(within(vaults).getByLabelText('Recovery code').textContent).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);

    fireEvent.click(await within(vaults).findByRole('button', { name: 'Forget vault nas' }, WAIT));
    const confirm = await screen.findByRole('alertdialog', {}, WAIT);
    expect(confirm.textContent).toContain(folder);
    fireEvent.click(within(confirm).getByRole('button', { name: 'Forget' }));
    await waitFor(async () => expect((await rs.client.call('vaults.list', {})).map((v) => v.name)).toEqual(['local']), WAIT);

    add('nas-again');
    fireEvent.click(within(vaults).getByRole('button', { name: 'Test connection' }));
    await within(vaults).findByText('Connected: an existing vault is there.', {}, WAIT);
    expect(within(vaults).getByLabelText('Passphrase or recovery code of the vault already there')).toBeTruthy();
    // This computer kept the vault's app key: connecting needs no passphrase.
    fireEvent.click(within(vaults).getByRole('button', { name: 'Connect vault' }));
    await within(vaults).findByText(/Vault “nas-again” connected/, {}, WAIT);
    const listed = await rs.client.call('vaults.list', {});
    expect(listed.map((v) => [v.name, v.location])).toEqual([['local', listed[0].location], ['nas-again', folder]]);
  });
});
