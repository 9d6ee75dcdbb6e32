// @vitest-environment jsdom
/**
 * Recovery points against the real service: the point browser pages a 1,200-entry folder (first
 * page rendered, total known), walks into a folder, ticks a file and restores it into another
 * folder byte for byte; a dry run lists what would change and writes nothing; a file opens with
 * its preview (text, an image, "no preview" for binary data) and its versions, each previewable;
 * search and diff show what the service answers.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PointsScreen } from '../../../renderer/src/screens/points/PointsScreen.js';
import { makeTempDir, removeTempDirs } from '../../helpers/files.js';
import { backUp, renderWith, startRealService, type RealService } from './real-service.js';

const WAIT = { timeout: 30_000 };
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

describe('recovery points screen (real service)', () => {
  let rs: RealService;
  let src: string;
  let target: string;
  let first: string;
  let second: string;

  beforeAll(async () => {
    rs = await startRealService();
    src = makeTempDir('dv-ui-pts-');
    target = makeTempDir('dv-ui-into-');
    mkdirSync(path.join(src, 'many'));
    for (let i = 0; i < 1200; i++) writeFileSync(path.join(src, 'many', `f${String(i).padStart(4, '0')}.txt`), `${i}\n`);
    writeFileSync(path.join(src, 'report.txt'), 'version one\n');
    writeFileSync(path.join(src, 'pixel.png'), PNG);
    writeFileSync(path.join(src, 'noise.bin'), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256)));
    await rs.client.call('plans.create', { name: 'Docs', resources: [{ path: src }], rules: [{ targetVault: 'local', schedule: 'rate(1 day)' }] });
    first = await backUp(rs.client, 'Docs');
    writeFileSync(path.join(src, 'report.txt'), 'version two, longer\n');
    writeFileSync(path.join(src, 'new.txt'), 'added later\n');
    second = await backUp(rs.client, 'Docs');
  });
  afterAll(async () => {
    cleanup();
    await rs?.svc.stop({ cancelJobs: true });
    removeTempDirs();
  });

  const openPath = async (dir: string) => {
    for (const seg of dir.split('/').filter(Boolean)) {
      fireEvent.click(await screen.findByRole('button', { name: `${seg} (folder)` }, WAIT));
      await within(screen.getByRole('navigation', { name: 'Folder path' })).findByText(seg, {}, WAIT);
    }
  };

  it('pages a large folder, then restores one ticked file into another folder', async () => {
    renderWith(rs.client, <PointsScreen param="" />);
    await screen.findByRole('table', { name: 'Folder contents' }, WAIT);
    await openPath(src);
    fireEvent.click(await screen.findByRole('button', { name: 'many (folder)' }, WAIT));
    await screen.findByText('1,200 items', {}, WAIT);
    await screen.findByRole('button', { name: /f0000\.txt/ }, WAIT);
    // Only a screenful of rows exists in the DOM, however long the folder.
    expect(screen.getAllByRole('row').length).toBeLessThan(80);

    fireEvent.click(within(screen.getByRole('navigation', { name: 'Folder path' })).getByRole('button', { name: path.basename(src) }));
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Select report.txt for restore' }, WAIT));
    fireEvent.change(screen.getByLabelText('Restore into folder'), { target: { value: target } });
    expect(screen.getByText(/deskvault restore --vault local/).textContent).toContain(`${path.join(src, 'report.txt')} --into ${target} --conflict keep-both`);
    fireEvent.click(screen.getByRole('button', { name: 'Restore selected' }));
    await waitFor(() => expect(existsSync(path.join(target, 'report.txt'))).toBe(true), WAIT);
    await waitFor(() => expect(screen.getByRole('region', { name: 'Restore' }).textContent).toContain('Completed'), WAIT);
    expect(readFileSync(path.join(target, 'report.txt'), 'utf8')).toBe('version two, longer\n');
  });

  it('a dry run lists what would change and writes nothing', async () => {
    const before = readdirSync(target);
    fireEvent.click(screen.getByRole('checkbox', { name: /Dry run/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Show what would change' }));
    const log = await screen.findByLabelText('Restore log', {}, WAIT);
    expect(log.textContent).toMatch(/report/);
    expect(readdirSync(target)).toEqual(before);
  });

  it('opens a file with its preview and versions, and previews an older version', async () => {
    fireEvent.click(screen.getByRole('button', { name: 'report.txt' }));
    const panel = await screen.findByRole('region', { name: 'report.txt' }, WAIT);
    // Focus moves to the panel, so keyboard users land on what they opened.
    await waitFor(() => expect(document.activeElement).toBe(within(panel).getByRole('heading', { name: 'report.txt' })), WAIT);
    await waitFor(() => expect(within(panel).getByLabelText('Preview of report.txt').textContent).toBe('version two, longer\n'), WAIT);
    expect(panel.textContent).toContain('text/plain');
    const versions = within(panel).getByRole('region', { name: 'Versions of report.txt' });
    await waitFor(() => expect(within(versions).getAllByRole('button', { name: 'Select this version' })).toHaveLength(2), WAIT);
    const older = within(versions).getAllByRole('button', { name: /^Preview the version of/ }).find((b) => !b.hasAttribute('disabled') && b.getAttribute('data-disabled') !== 'true')!;
    fireEvent.click(older);
    await waitFor(() => expect(within(panel).getByLabelText('Preview of report.txt').textContent).toBe('version one\n'), WAIT);
    expect(within(panel).getByRole('heading', { name: /^Preview in point/ }).textContent).toContain(first.slice(0, 8));
  });

  it('previews an image as a data: URL of its bytes, and says "no preview" for binary data', async () => {
    fireEvent.click(screen.getByRole('button', { name: 'pixel.png' }));
    const img = (await screen.findByRole('img', { name: 'Preview of pixel.png' }, WAIT)) as HTMLImageElement;
    expect(img.getAttribute('src')).toBe(`data:image/png;base64,${PNG.toString('base64')}`);
    fireEvent.click(screen.getByRole('button', { name: 'noise.bin' }));
    const panel = await screen.findByRole('region', { name: 'noise.bin' }, WAIT);
    await within(panel).findByText(/No preview for this kind of file/, {}, WAIT);
    expect(within(panel).queryByRole('img')).toBeNull();
    fireEvent.click(within(panel).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('region', { name: 'noise.bin' })).toBeNull();
  });

  it('shows what changed between two points', async () => {

    fireEvent.click(screen.getByRole('tab', { name: 'Compare points' }));
    const added = await screen.findByRole('region', { name: 'Added' }, WAIT);
    await waitFor(() => expect(added.textContent).toContain(path.join(src, 'new.txt')), WAIT);
    expect(screen.getByRole('region', { name: 'Changed' }).textContent).toContain(path.join(src, 'report.txt'));
    expect([first, second].every((id) => /^[0-9a-f]{64}$/.test(id))).toBe(true);
  });

  it('searches across points', async () => {
    fireEvent.click(screen.getByRole('tab', { name: 'Search all points' }));
    fireEvent.change(await screen.findByLabelText('File name contains'), { target: { value: 'report' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    await screen.findByText(/result\(s\)/, {}, WAIT);
    expect(screen.getAllByText(path.join(src, 'report.txt')).length).toBeGreaterThanOrEqual(1);
  });
});
