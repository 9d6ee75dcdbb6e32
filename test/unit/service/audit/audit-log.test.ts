/**
 * AuditLog on a real file: durable, serialized, hash-chained appends; verification that names each
 * kind of tampering (edited field, deleted, reordered, duplicated and inserted lines) and tells a
 * torn last line after a crash apart from all of them; and the repair `open` makes of that torn line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeskVaultError } from '../../../../main/core/errors.js';
import { AUDIT_FILE_NAME, AuditLog } from '../../../../main/service/audit/audit-log.js';
import { GENESIS_HASH, hashRecord, type AuditRecord } from '../../../../main/service/audit/audit-record.js';
import { INCOMPLETE_REASON, verifyAuditFile } from '../../../../main/service/audit/audit-file.js';
import { makeTempDir, removeTempDirs } from '../../../helpers/files.js';

afterEach(removeTempDirs);

/** A clock that advances one second per reading, from a fixed start. */
function fakeClock(start = Date.parse('2024-05-01T08:00:00Z')): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

async function logWith(n: number): Promise<{ file: string; log: AuditLog }> {
  const file = path.join(makeTempDir('dv-audit-'), 'state', AUDIT_FILE_NAME);
  const log = await AuditLog.open(file, { clock: fakeClock() });
  for (let i = 1; i <= n; i++) await log.append({ action: 'plan.update', source: 'cli', args: { plan: `p${i}` } });
  return { file, log };
}

const readLines = (file: string): string[] => fs.readFileSync(file, 'utf8').split('\n').slice(0, -1);
const writeLines = (file: string, lines: string[]): void => fs.writeFileSync(file, lines.map((l) => l + '\n').join(''));

describe('AuditLog appends', () => {
  it('chains records from GENESIS, with time from the clock, actor, redacted args and outcome', async () => {
    const { file, log } = await logWith(0);
    const a = await log.append({ action: 'vault.create', source: 'http', actor: { host: '127.0.0.1', user: 'ana' }, args: { location: '/v', passphrase: 'hunter2' } });
    const b = await log.append({ action: 'vault.open', source: 'ipc', args: { password: 'x' }, error: new DeskVaultError('WRONG_PASSWORD', 'wrong') });
    const c = await log.append({ action: 'backup.run', source: 'scheduler', error: Object.assign(new Error('aborted'), { name: 'AbortError' }) });
    await log.close();
    expect(a).toMatchObject({ seq: 1, time: '2024-05-01T08:00:01.000Z', actor: { host: '127.0.0.1', user: 'ana' }, args: { location: '/v', passphrase: '[redacted]' }, outcome: 'ok', prevHash: GENESIS_HASH });
    expect(a.hash).toBe(hashRecord(a));
    expect(b).toMatchObject({ seq: 2, outcome: 'error', errorCode: 'WRONG_PASSWORD', prevHash: a.hash });
    expect(c).toMatchObject({ seq: 3, outcome: 'error', errorCode: 'CANCELLED', prevHash: b.hash });
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('hunter2');
    expect(readLines(file).map((l) => JSON.parse(l))).toEqual([a, b, c]);
    expect(await verifyAuditFile(file)).toEqual({ ok: true, records: 3, lastSeq: 3, lastHash: c.hash });
  });

  it('serializes concurrent appends in call order, and continues the chain after reopening', async () => {
    const { file, log } = await logWith(0);
    const records = await Promise.all(Array.from({ length: 40 }, (_, i) => log.append({ action: 'file.restore', source: 'service', args: { i } })));
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(records.map((r) => (r.args as { i: number }).i)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    await log.close();
    await expect(log.append({ action: 'plan.create', source: 'cli' })).rejects.toThrow(/closed/);
    const again = await AuditLog.open(file, { clock: fakeClock() });
    expect(again.lastSeq).toBe(40);
    expect(again.repairedBytes).toBe(0);
    expect(await again.append({ action: 'plan.create', source: 'cli' })).toMatchObject({ seq: 41, prevHash: records[39].hash });
    expect(await again.verify()).toMatchObject({ ok: true, records: 41 });
    await again.close();
  });

  it('rejects an entry that is not an action or source it knows (INVALID_INPUT), appending nothing', async () => {
    const { log } = await logWith(1);
    await expect(log.append({ action: 'Plan Create', source: 'cli' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(log.append({ action: 'plan.create', source: 'smtp' as never })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(log.lastSeq).toBe(1);
    expect(await log.verify()).toMatchObject({ ok: true, records: 1 });
    await log.close();
  });
});

describe('verifyAuditFile detects tampering', () => {
  async function tampered(edit: (lines: string[]) => string[]): Promise<Awaited<ReturnType<typeof verifyAuditFile>>> {
    const { file, log } = await logWith(5);
    await log.close();
    writeLines(file, edit(readLines(file)));
    return verifyAuditFile(file);
  }
  const rec = (line: string): AuditRecord => JSON.parse(line) as AuditRecord;

  it('an edited field: "record N was modified"', async () => {
    const r = await tampered((l) => l.map((line, i) => (i === 2 ? line.replace('"p3"', '"p9"') : line)));
    expect(r).toMatchObject({ ok: false, records: 2, firstBad: { seq: 3, line: 3, kind: 'modified', reason: 'record 3 was modified (line 3)' } });
  });

  it('an edited last record is tampering, not a torn write', async () => {
    const r = await tampered((l) => l.map((line, i) => (i === 4 ? line.replace('"cli"', '"ipc"') : line)));
    expect(r.firstBad).toMatchObject({ seq: 5, kind: 'modified' });
  });

  it('a deleted line', async () => {
    const r = await tampered((l) => l.filter((_, i) => i !== 1));
    expect(r).toMatchObject({ ok: false, records: 1, firstBad: { seq: 2, line: 2, kind: 'missing', reason: 'record 2 is missing before line 2 (deleted)' } });
  });

  it('reordered lines', async () => {
    const r = await tampered(([a, b, c, ...rest]) => [a, c, b, ...rest]);
    expect(r).toMatchObject({ ok: false, records: 1, firstBad: { seq: 2, line: 2, kind: 'reordered' } });
    expect(r.firstBad!.reason).toMatch(/record 2 is out of order: found at line 3/);
  });

  it('a duplicated line', async () => {
    const r = await tampered(([a, b, ...rest]) => [a, b, b, ...rest]);
    expect(r.firstBad).toMatchObject({ seq: 3, line: 3, kind: 'reordered', reason: 'record 2 appears twice, at lines 2 and 3 (a line was duplicated)' });
  });

  it('an inserted, correctly hashed record', async () => {
    const r = await tampered((l) => {
      const second = rec(l[1]);
      const forged: Omit<AuditRecord, 'hash'> = { seq: 3, time: second.time, action: 'plan.delete', source: 'cli', outcome: 'ok', prevHash: second.hash };
      return [l[0], l[1], JSON.stringify({ ...forged, hash: hashRecord(forged) }), ...l.slice(2)];
    });
    expect(r).toMatchObject({ ok: false, records: 3, firstBad: { seq: 4, line: 4, kind: 'inserted', reason: 'two different records 3, at lines 3 and 4: one was inserted' } });
  });

  it('an inserted record that does not link to its predecessor', async () => {
    const r = await tampered((l) => {
      const forged: Omit<AuditRecord, 'hash'> = { seq: 2, time: rec(l[1]).time, action: 'plan.delete', source: 'cli', outcome: 'ok', prevHash: 'f'.repeat(64) };
      return [l[0], JSON.stringify({ ...forged, hash: hashRecord(forged) }), ...l.slice(1)];
    });
    expect(r.firstBad).toMatchObject({ seq: 2, line: 2, kind: 'inserted' });
  });

  it('an edited last record stays reported after more records are appended', async () => {
    const { file, log } = await logWith(3);
    await log.close();
    writeLines(file, readLines(file).map((line, i) => (i === 2 ? line.replace('"p3"', '"px"') : line)));
    const reopened = await AuditLog.open(file);
    expect(reopened.lastSeq).toBe(3);
    await reopened.append({ action: 'plan.create', source: 'cli' });
    await reopened.close();
    expect((await verifyAuditFile(file)).firstBad).toMatchObject({ seq: 3, kind: 'modified' });
  });

  it('refuses to append after a last line that is not a record at all', async () => {
    const { file, log } = await logWith(1);
    await log.close();
    fs.appendFileSync(file, 'not a record\n');
    await expect(AuditLog.open(file)).rejects.toMatchObject({ code: 'INTEGRITY', message: expect.stringMatching(/deskvault audit verify/) });
  });

  it('a line that is not JSON, or a blank line, in the middle', async () => {
    expect((await tampered((l) => [l[0], 'garbage', ...l.slice(1)])).firstBad).toMatchObject({ seq: 2, line: 2, kind: 'malformed' });
    expect((await tampered((l) => [l[0], '', ...l.slice(1)])).firstBad).toMatchObject({ line: 2, kind: 'malformed', reason: 'line 2 is empty' });
  });
});

describe('a crash during a write', () => {
  it('is reported as an incomplete last record, and open() cuts it off and records the repair', async () => {
    const { file, log } = await logWith(3);
    const fourth = await log.append({ action: 'plan.update', source: 'cli', args: { plan: 'p4' } });
    await log.close();
    // What a crash mid-write leaves: the first part of the last line, no '\n'.
    const lines = readLines(file);
    const torn = lines[3].slice(0, 40);
    fs.writeFileSync(file, lines.slice(0, 3).map((l) => l + '\n').join('') + torn);

    const r = await verifyAuditFile(file);
    expect(r).toMatchObject({ ok: false, records: 3, firstBad: { seq: 4, line: 4, kind: 'incomplete', reason: INCOMPLETE_REASON } });
    expect(INCOMPLETE_REASON).toBe('the last record is incomplete (crash during write)');

    const reopened = await AuditLog.open(file, { clock: fakeClock() });
    expect(reopened.repairedBytes).toBe(Buffer.byteLength(torn));
    const next = await reopened.append({ action: 'plan.create', source: 'cli' });
    await reopened.close();
    const records = readLines(file).map((l) => JSON.parse(l) as AuditRecord);
    expect(records.map((x) => [x.seq, x.action])).toEqual([[1, 'plan.update'], [2, 'plan.update'], [3, 'plan.update'], [4, 'audit.repair'], [5, 'plan.create']]);
    expect(records[3].args).toEqual({ droppedBytes: Buffer.byteLength(torn), reason: 'incomplete last record after a crash' });
    expect(records[3].hash).not.toBe(fourth.hash);
    expect(next.seq).toBe(5);
    expect(await verifyAuditFile(file)).toMatchObject({ ok: true, records: 5 });
  });

  it('keeps a complete last record that lost only its newline', async () => {
    const { file, log } = await logWith(2);
    await log.close();
    fs.truncateSync(file, fs.statSync(file).size - 1);
    expect(await verifyAuditFile(file)).toMatchObject({ ok: true, records: 2 });
    const reopened = await AuditLog.open(file);
    expect(reopened.repairedBytes).toBe(0);
    expect((await reopened.append({ action: 'plan.create', source: 'cli' })).seq).toBe(3);
    await reopened.close();
    expect(await verifyAuditFile(file)).toMatchObject({ ok: true, records: 3 });
  });

  it('a missing file is an empty, valid log', async () => {
    expect(await verifyAuditFile(path.join(makeTempDir(), 'none.jsonl'))).toEqual({ ok: true, records: 0, lastSeq: 0, lastHash: GENESIS_HASH });
  });
});
