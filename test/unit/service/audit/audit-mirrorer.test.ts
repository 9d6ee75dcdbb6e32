/**
 * AuditMirrorer against a real folder-backed AuditMirror (the vault wiring comes later; the folder
 * keeps the same promise: a name is written once). Segments hold only records not yet mirrored, the
 * vault copy verifies on its own with the shared verifyRecords, and the copy catches what the local
 * chain alone cannot: a local rewrite with every later hash recomputed, and records cut off the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../../main/service/audit/audit-log.js';
import { AuditMirrorer, type AuditMirror } from '../../../../main/service/audit/audit-mirrorer.js';
import { GENESIS_HASH, hashRecord, type AuditRecord } from '../../../../main/service/audit/audit-record.js';
import { verifyAuditFile } from '../../../../main/service/audit/audit-file.js';
import { verifyRecords } from '../../../../main/service/audit/verify-records.js';
import { makeTempDir, removeTempDirs } from '../../../helpers/files.js';

afterEach(removeTempDirs);

/** A folder as the mirror: names are relative paths; `put` refuses to overwrite (immutable). */
class FolderMirror implements AuditMirror {
  puts = 0;
  constructor(readonly root: string) {}
  async put(name: string, data: Uint8Array): Promise<void> {
    const file = path.join(this.root, name);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    await fs.promises.writeFile(file, data, { flag: 'wx' });
    this.puts++;
  }
  async list(): Promise<string[]> {
    const entries = await fs.promises.readdir(this.root, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => path.relative(this.root, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
  }
  async get(name: string): Promise<Uint8Array> {
    return fs.promises.readFile(path.join(this.root, name));
  }
}

async function setup(records: number, perSegment = 3): Promise<{ file: string; log: AuditLog; mirror: FolderMirror; mirrorer: AuditMirrorer }> {
  const file = path.join(makeTempDir('dv-audit-'), 'audit.jsonl');
  const log = await AuditLog.open(file);
  for (let i = 1; i <= records; i++) await log.append({ action: 'plan.update', source: 'cli', args: { n: i } });
  const mirror = new FolderMirror(makeTempDir('dv-vault-'));
  return { file, log, mirror, mirrorer: new AuditMirrorer({ log, mirror, hostId: 'host-1', maxRecordsPerSegment: perSegment }) };
}

const readSegmentFiles = (root: string, names: string[]): AuditRecord[] =>
  names.sort().flatMap((n) => fs.readFileSync(path.join(root, n), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditRecord));

describe('AuditMirrorer.sync', () => {
  it('uploads only records not yet mirrored, in immutable segments named by seq range', async () => {
    const { log, mirror, mirrorer } = await setup(7);
    const first = await mirrorer.sync();
    expect(first).toEqual({
      uploaded: ['audit/host-1/000000000001-000000000003.jsonl', 'audit/host-1/000000000004-000000000006.jsonl', 'audit/host-1/000000000007-000000000007.jsonl'],
      records: 7,
      mirroredSeq: 7,
    });
    expect(await mirrorer.sync()).toEqual({ uploaded: [], records: 0, mirroredSeq: 7 });
    await log.append({ action: 'plan.delete', source: 'http' });
    await log.append({ action: 'plan.create', source: 'http' });
    expect((await mirrorer.sync()).uploaded).toEqual(['audit/host-1/000000000008-000000000009.jsonl']);
    expect(mirror.puts).toBe(4);

    // The vault copy verifies on its own, from seq 1, with the shared verifier; it equals the local log.
    const names = await mirror.list();
    const copy = readSegmentFiles(mirror.root, names);
    expect(verifyRecords(copy)).toMatchObject({ ok: true, records: 9 });
    expect(copy).toEqual(await log.readRecords());
    expect(await mirrorer.verifyMirror()).toMatchObject({ ok: true, records: 9, segments: 4 });
    await log.close();
  });

  it('ignores other hosts and rejects a host id that could escape its folder', async () => {
    const { log, mirror, mirrorer } = await setup(2);
    await mirror.put('audit/other/000000000001-000000000050.jsonl', Buffer.from('{}\n'));
    expect((await mirrorer.sync()).uploaded).toEqual(['audit/host-1/000000000001-000000000002.jsonl']);
    expect(() => new AuditMirrorer({ log, mirror, hostId: '../x' })).toThrow(/host id/);
    expect(() => new AuditMirrorer({ log, mirror, hostId: '..' })).toThrow(/host id/);
    await log.close();
  });
});

describe('the vault copy anchors the local chain', () => {
  it('catches a local rewrite that recomputed every later hash, and refuses to fork the copy', async () => {
    const { file, log, mirror, mirrorer } = await setup(5);
    await mirrorer.sync();
    await log.close();
    // Rewrite record 2 and re-chain everything after it: the local file alone still verifies.
    const records = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditRecord);
    let prev = GENESIS_HASH;
    const forged = records.map((r) => {
      const { hash: _h, ...body } = { ...r, prevHash: prev, ...(r.seq === 2 ? { args: { n: 99 } } : {}) };
      const next = { ...body, hash: hashRecord(body) };
      prev = next.hash;
      return next;
    });
    fs.writeFileSync(file, forged.map((r) => JSON.stringify(r) + '\n').join(''));
    expect(await verifyAuditFile(file)).toMatchObject({ ok: true, records: 5 });

    const reopened = await AuditLog.open(file);
    const m = new AuditMirrorer({ log: reopened, mirror, hostId: 'host-1', maxRecordsPerSegment: 3 });
    expect(await m.verifyMirror()).toMatchObject({ ok: false, firstBad: { seq: 2, kind: 'modified', reason: 'record 2 of the local audit log differs from its vault copy (modified locally)' } });
    await reopened.append({ action: 'plan.create', source: 'cli' });
    await expect(m.sync()).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringMatching(/does not continue its vault copy after record 5/) });
    await reopened.close();
  });

  it('catches records cut off the end of the local log', async () => {
    const { file, log, mirror } = await setup(4);
    await new AuditMirrorer({ log, mirror, hostId: 'h' }).sync();
    await log.close();
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    fs.writeFileSync(file, lines.slice(0, 2).map((l) => l + '\n').join(''));
    const reopened = await AuditLog.open(file);
    const m = new AuditMirrorer({ log: reopened, mirror, hostId: 'h' });
    expect(await m.verifyMirror()).toMatchObject({ ok: false, firstBad: { seq: 3, kind: 'missing' } });
    await expect(m.sync()).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringMatching(/ends at record 2 .* up to 4/) });
    await reopened.close();
  });

  it('detects a segment deleted from, or edited in, the vault', async () => {
    const { log, mirror, mirrorer } = await setup(7);
    const { uploaded } = await mirrorer.sync();
    const middle = path.join(mirror.root, uploaded[1]);
    const saved = fs.readFileSync(middle, 'utf8');
    fs.rmSync(middle);
    expect(await mirrorer.verifyMirror()).toMatchObject({ ok: false, records: 3, firstBad: { seq: 4, kind: 'missing', segment: uploaded[2] } });
    fs.writeFileSync(middle, saved.replace('"n":5', '"n":6'));
    expect(await mirrorer.verifyMirror()).toMatchObject({ ok: false, firstBad: { seq: 5, kind: 'modified', segment: uploaded[1] } });
    await log.close();
  });
});
