// @vitest-environment jsdom
/**
 * Settings → Vaults → Keys against the real service: the app-managed slot is shown as the one this
 * app uses (and offers no Remove); a recovery passphrase is typed twice (a mismatch is said and
 * blocks adding), added and listed, and removed after a confirmation. The CLI equivalent never
 * holds the passphrase.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VaultsSection } from '../../../renderer/src/screens/settings/VaultsSection.js';
import { removeTempDirs } from '../../helpers/files.js';
import { renderWith, startRealService, type RealService } from './real-service.js';

const WAIT = { timeout: 30_000 };
const PASSPHRASE = 'purple elephant umbrella';

describe('vault key slots in Settings (real service)', () => {
  let rs: RealService;

  beforeAll(async () => {
    rs = await startRealService();
  });
  afterAll(async () => {
    cleanup();
    await rs?.svc.stop({ cancelJobs: true });
    removeTempDirs();
  });

  it('adds a recovery passphrase through the form, lists it, and removes it after confirming', async () => {
    renderWith(rs.client, <VaultsSection />);
    fireEvent.click(await screen.findByRole('button', { name: 'Keys of vault local' }, WAIT));
    const keys = await screen.findByRole('region', { name: 'Keys of “local”' }, WAIT);
    const table = await within(keys).findByRole('table', {}, WAIT);
    const before = await rs.client.call('keys.list', { vault: 'local' });
    expect(within(table).getAllByRole('row')).toHaveLength(1 + before.length);
    const appRow = within(table).getByText('Key kept by DeskVault on this computer').closest('tr')!;
    expect(appRow.textContent).toContain('Used by this app');
    // The slot the service opens the vault with is not offered for removal.
    expect(within(appRow).queryByRole('button')).toBeNull();
    expect(appRow.textContent).toContain('DeskVault opens the vault with it');

    fireEvent.click(within(keys).getByRole('button', { name: 'Add recovery passphrase…' }));
    const form = within(keys).getByRole('form', { name: 'Add a recovery passphrase to local' });
    fireEvent.change(within(form).getByLabelText('New recovery passphrase', { exact: false }), { target: { value: PASSPHRASE } });
    fireEvent.change(within(form).getByLabelText('The same passphrase again', { exact: false }), { target: { value: 'purple elephant' } });
    expect(await within(form).findByText('The two passphrases differ.', {}, WAIT)).toBeTruthy();
    expect(within(form).getByRole('button', { name: 'Add passphrase' }).hasAttribute('disabled')).toBe(true);
    fireEvent.change(within(form).getByLabelText('The same passphrase again', { exact: false }), { target: { value: PASSPHRASE } });
    await waitFor(() => expect(within(form).queryByText('The two passphrases differ.')).toBeNull(), WAIT);
    fireEvent.click(within(form).getByRole('button', { name: 'Add passphrase' }));

    await within(keys).findByText(/Recovery passphrase added/, {}, WAIT);
    const after = await rs.client.call('keys.list', { vault: 'local' });
    expect(after).toHaveLength(before.length + 1);
    const added = after.find((s) => !before.some((b) => b.id === s.id))!;
    expect(added).toMatchObject({ kind: 'passphrase', current: false });
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(1 + after.length), WAIT);
    const addedRow = within(table).getByText(added.id.slice(0, 8)).closest('tr')!;
    expect(addedRow.cells[0].textContent?.trim()).toBe('Passphrase');
    // The recovery code made with the vault is named as such.
    const code = before.find((b) => b.recoveryCode)!;
    expect(within(table).getByText(code.id.slice(0, 8)).closest('tr')!.cells[0].textContent?.trim()).toBe('Recovery code (from the recovery kit)');
    expect(screen.getByText(/deskvault key list --vault local/).textContent).not.toContain(PASSPHRASE);

    fireEvent.click(within(table).getByRole('button', { name: `Remove key slot ${added.id.slice(0, 8)}` }));
    const confirm = await screen.findByRole('alertdialog', {}, WAIT);
    expect(confirm.textContent).toContain(`Remove key slot ${added.id.slice(0, 8)} of “local”?`);
    expect(confirm.textContent).toContain(`deskvault key remove --vault local ${added.id}`);
    fireEvent.click(within(confirm).getByRole('button', { name: 'Remove' }));
    await within(keys).findByText(`Key slot ${added.id.slice(0, 8)} removed.`, {}, WAIT);
    expect((await rs.client.call('keys.list', { vault: 'local' })).map((s) => s.id)).toEqual(before.map((s) => s.id));
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(1 + before.length), WAIT);
  });
});
