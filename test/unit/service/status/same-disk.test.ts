/** The same-disk warnings, on real folders (all temp folders share one disk; S3 is never local). */
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Plan, type VaultRecord } from '../../../../main/core/model.js';
import { sameDisk, sameDiskAsHomeWarning, sameDiskPlanWarnings } from '../../../../main/service/same-disk.js';
import { makeTempDir, removeTempDirs } from '../../../helpers/files.js';

afterAll(() => removeTempDirs());

const vault = (name: string, location: string): VaultRecord => ({ name, id: '0123456789abcdef', location, keyProvider: 'app', createdAt: '2026-01-01T00:00:00.000Z' });
const plan = (name: string, folder: string, targetVault: string, copyTo: string[] = []): Plan =>
  Plan.parse({
    name,
    resources: [{ path: folder }],
    rules: [{ targetVault, schedule: 'rate(1 day)', copyActions: copyTo.map((t) => ({ targetVault: t })) }],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  });

describe('same-disk warnings', () => {
  const data = makeTempDir('dv-data-');
  const local = path.join(makeTempDir('dv-vaults-'), 'not-yet', 'local');
  const vaults = [vault('local', local), vault('cloud', 's3://bucket/prefix?region=eu-west-1'), vault('usb', path.join(makeTempDir('dv-usb-'), 'v'))];

  it('a folder vault that does not exist yet is compared by its nearest existing folder; S3 never is', () => {
    expect(sameDisk(local, data)).toBe(true);
    expect(sameDisk('s3://bucket/prefix', data)).toBe(false);
    expect(sameDiskAsHomeWarning(local, data)).toMatch(/same disk as your home folder/);
    expect(sameDiskAsHomeWarning('s3://bucket/prefix', data)).toBeNull();
  });

  it('warns once per rule whose vault shares a disk with its folders, unless it copies elsewhere', () => {
    const warnings = sameDiskPlanWarnings(
      [plan('Docs', data, 'local'), plan('Cloud', data, 'cloud'), plan('Copied', data, 'local', ['cloud']), plan('CopiedNearby', data, 'local', ['usb'])],
      vaults,
    );
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^plan “Docs”: the vault “local” is on the same disk as /);
    expect(warnings[1]).toMatch(/^plan “CopiedNearby”/);
  });

  it('an unknown vault name gives no warning rather than an error', () => {
    expect(sameDiskPlanWarnings([plan('Orphan', data, 'gone')], vaults)).toEqual([]);
  });
});
