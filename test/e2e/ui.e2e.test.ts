/**
 * The UI end to end in real Chromium against `deskvault serve` (HTTP transport, the real CSP):
 * first run → a folder → back up now → progress to COMPLETED → browse the point → preview a text
 * file and an image → restore one file into another folder → the bytes equal the original; the
 * compliance report downloads; and a failure path (an S3 vault that cannot be reached) showing the
 * service's sentence; a recovery passphrase added as a key slot. Screenshots of every main screen go to
 * test-artifacts/screenshots/. Any CSP violation fails the test. Needs renderer/dist (npm test
 * builds it first) and /usr/bin/chromium (skipped with a message when absent).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs } from '../helpers/files.js';
import { startServe, type ServeProcess } from './serve-process.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(REPO, 'test-artifacts', 'screenshots');
const LONG = 60_000;
const hasChromium = existsSync(CHROMIUM);
/** A 1×1 PNG: the preview shows it as a data: image (which the CSP's img-src must allow). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
if (!hasChromium) console.warn(`ui.e2e: skipped — ${CHROMIUM} is missing (apt-get install chromium; CI installs it)`);

describe.skipIf(!hasChromium)('the UI in Chromium over HTTP', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let src: string;
  let target: string;
  let home: string;
  const violations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(path.join(REPO, 'renderer', 'dist', 'index.html'))) throw new Error('renderer/dist is not built: run `npm run build:ui` (npm test builds it first)');
    mkdirSync(SHOTS, { recursive: true });
    home = makeTempDir('dv-ui-home-');
    src = makeTempDir('dv-ui-src-');
    target = makeTempDir('dv-ui-restore-');
    mkdirSync(path.join(src, 'docs'));
    writeFileSync(path.join(src, 'docs', 'report.txt'), 'quarterly report\n'.repeat(200));
    writeFileSync(path.join(src, 'notes.md'), '# notes\n');
    writeFileSync(path.join(src, 'photo.bin'), Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 251)));
    writeFileSync(path.join(src, 'docs', 'pixel.png'), PNG);
    serve = await startServe(home);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(LONG);
    await page.exposeFunction('__reportCsp', (v: string) => violations.push(v));
    await page.addInitScript({
      content: "document.addEventListener('securitypolicyviolation', (e) => window.__reportCsp(e.violatedDirective + ' ' + e.sourceFile + ':' + e.lineNumber + ' ' + e.sample));",
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(serve.url);
  });

  // A failed step says what the service was doing: its jobs (through the running serve) and stderr.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    await shot(`failed-${ctx.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
    let jobs: string;
    try {
      jobs = execFileSync(process.execPath, [path.join(REPO, 'bin', 'deskvault.js'), 'jobs', '--json'], { env: { ...process.env, DESKVAULT_HOME: home, DESKVAULT_KEYSTORE: 'file' }, encoding: 'utf8', timeout: 20_000 });
    } catch (e) {
      jobs = `(jobs failed: ${(e as Error).message})`;
    }
    console.error(`ui.e2e failure report\n--- jobs ---\n${jobs}\n--- serve stderr ---\n${serve.stderr()}`);
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    removeTempDirs();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();

  it('walks through the first run: vault, recovery kit, folder, plan', async () => {
    // Wait for it: the first render follows the page load and the first API answers.
    await page.getByRole('heading', { name: 'Welcome to DeskVault' }).waitFor();
    await shot('01-first-run-vault');
    await page.getByRole('button', { name: 'Continue' }).click();
    const code = page.getByLabel('Recovery code');
    await code.waitFor();
    expect(await code.innerText()).toMatch(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
    await page.getByRole('button', { name: 'Print recovery kit' }).waitFor();
    await shot('02-first-run-recovery-kit');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Folder to protect').fill(src);
    await page.getByRole('button', { name: 'Add folder' }).click();
    await page.getByRole('list', { name: 'Folders to protect' }).getByText(src).waitFor();
    // A folder dragged from a file manager arrives in a browser as a file:// link (never as a path
    // of a File): a real DataTransfer, dropped on the zone, adds it; then it is removed again.
    const dropped = await page.evaluateHandle((uri) => {
      // (No DOM types in the test project: the page's own DataTransfer, by name.)
      const DataTransferClass = (globalThis as unknown as { DataTransfer: new () => { setData(type: string, value: string): void } }).DataTransfer;
      const data = new DataTransferClass();
      data.setData('text/uri-list', uri);
      return data;
    }, `file://${target}`);
    await page.locator('.folder-drop').dispatchEvent('drop', { dataTransfer: dropped });
    await page.getByRole('list', { name: 'Folders to protect' }).getByText(target).waitFor();
    await page.getByRole('button', { name: `Remove ${target}` }).click();
    await shot('03-first-run-folders');
    await page.getByRole('button', { name: 'Continue' }).click();
    // A nightly plan: no continuous run starts by itself, so the backup below is the first job.
    await page.getByText('Every night, keep 14 daily, 8 weekly, 12 monthly').click();
    await page.getByText('CLI equivalent').click();
    expect(await page.locator('.cli code').innerText()).toContain(`deskvault plan create --name`);
    await shot('04-first-run-plan');
    await page.getByRole('button', { name: 'Create plan and start protecting' }).click();
    await page.getByRole('heading', { name: 'Protected folders' }).waitFor();
    await page.getByRole('cell', { name: src }).waitFor();
  });

  it('backs up now and follows the job to COMPLETED', async () => {
    await page.getByRole('button', { name: /^Back up .*now$/ }).click();
    await page.getByRole('heading', { name: /^Backup of / }).waitFor();
    await page.locator('.job-details .job-state').getByText('Completed', { exact: true }).waitFor({ timeout: LONG });
    expect(await page.locator('.job-details .stats').innerText()).toContain('4 of 4');
    // The bar's width eases to 100% (a CSS transition): shoot once it has arrived.
    // (A function, not a string: the page's CSP refuses eval. No DOM types in the test project.)
    await page.waitForFunction(() => (globalThis as unknown as { document: { getAnimations(): { playState: string }[] } }).document.getAnimations().every((a) => a.playState !== 'running'));
    await shot('05-jobs');
    await nav('Dashboard');
    await page.getByRole('img', { name: /Vault usage grew/ }).waitFor();
    await page.getByText('Protected', { exact: true }).first().waitFor();
    await shot('06-dashboard');
  });

  it('browses the point and restores one file into another folder, byte for byte', async () => {
    await nav('Recovery points');
    await page.getByRole('table', { name: 'Folder contents' }).waitFor();
    // Walk from the top of the point down to the protected folder, one folder at a time.
    for (const segment of src.split('/').filter(Boolean)) {
      await page.getByRole('button', { name: `${segment} (folder)` }).click();
      await page.getByRole('navigation', { name: 'Folder path' }).getByText(segment, { exact: true }).waitFor();
    }
    await page.getByRole('button', { name: 'docs (folder)' }).click();
    // Preview: the image (a data: URL, decoded by the browser), then the text.
    await page.getByRole('button', { name: 'pixel.png', exact: true }).click();
    const img = page.getByRole('img', { name: 'Preview of pixel.png' });
    await img.waitFor();
    // Decoded by the browser (not just present): the data: URL reached the image decoder.
    expect(
      await img.evaluate((el) => {
        const image = el as unknown as { decode(): Promise<void>; naturalWidth: number };
        return image.decode().then(() => image.naturalWidth);
      }),
    ).toBe(1);
    await page.getByRole('button', { name: 'report.txt', exact: true }).click();
    const preview = page.getByLabel('Preview of report.txt');
    await preview.waitFor();
    expect(await preview.innerText()).toBe(readFileSync(path.join(src, 'docs', 'report.txt'), 'utf8'));
    await page.getByRole('checkbox', { name: 'Select report.txt for restore' }).check();
    await page.getByLabel('Restore into folder').fill(target);
    await shot('07-recovery-points');
    await page.getByRole('button', { name: 'Restore selected' }).click();
    await page.locator('.restore-job').getByText('Completed', { exact: true }).waitFor({ timeout: LONG });
    expect(readFileSync(path.join(target, 'report.txt'))).toEqual(readFileSync(path.join(src, 'docs', 'report.txt')));
    await shot('08-restore-done');
  });

  it('shows the other screens', async () => {
    await nav('Folders');
    await page.getByRole('button', { name: 'Include / exclude…' }).click();
    await page.getByLabel('Exclude (one pattern a line)').fill('*.bin');
    await page.getByText('photo.bin').waitFor();
    await shot('09-folders');
    await nav('Dashboard');
    const csv = page.getByRole('group', { name: 'Download the compliance report' }).getByRole('button', { name: 'CSV' });
    await csv.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), csv.click()]);
    expect(download.suggestedFilename()).toMatch(/^deskvault-compliance-\d{4}-\d{2}-\d{2}\.csv$/);
    const saved = readFileSync(await download.path());
    expect(saved.toString('utf8').split('\r\n')[0]).toBe('time,plan,check,ok,detail');
    expect(saved.toString('utf8')).toContain(`recent good point: ${src},true`);
    await nav('Plans');
    await page.getByRole('navigation', { name: 'Plans' }).getByRole('link').first().click();
    await page.getByText('Next five runs:').waitFor();
    await shot('10-plans');
    await nav('Settings');
    await page.getByText(/The audit trail is intact/).waitFor();
    await shot('11-settings');
    // Key slots: a recovery passphrase added next to the app-managed key, listed, then removed.
    await page.getByRole('button', { name: 'Keys of vault local' }).click();
    const keys = page.getByRole('table', { name: 'Keys of “local”' });
    await keys.getByText('Used by this app').waitFor();
    await page.getByRole('button', { name: 'Add recovery passphrase…' }).click();
    await page.getByLabel('New recovery passphrase').fill('correct horse battery staple');
    await page.getByLabel('The same passphrase again').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Add passphrase', exact: true }).click();
    await page.getByText(/^Recovery passphrase added/).waitFor();
    // The list reloads after the message: wait for the fourth row (header, the app key, the
    // recovery code, the new passphrase), then check there is no fifth.
    await keys.getByRole('row').nth(3).getByText('Passphrase', { exact: true }).waitFor();
    expect(await keys.getByRole('row').count()).toBe(4);
    await shot('13-settings-keys');
  });

  it('says clearly why an S3 vault cannot be added', async () => {
    await page.getByRole('button', { name: 'Add a vault…' }).click();
    await page.getByLabel('Vault name').fill('offsite');
    await page.getByText('Amazon S3 (or compatible)').click();
    await page.getByLabel('S3 location').fill('s3://bucket/p?endpoint=http://127.0.0.1:9&path-style=true');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('The location cannot be used.').waitFor();
    await page.getByRole('button', { name: 'Add vault' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'The vault could not be added' });
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/no AWS credentials found/);
    await shot('12-settings-vault-error');
  });

  it('broke no CSP rule and threw no page error', () => {
    expect(violations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
