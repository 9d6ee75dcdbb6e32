/**
 * The audit trail: every state-changing call appended as one hash-chained JSON line to
 * `<state folder>/audit.jsonl` (see audit-record.ts for the record, verify-records.ts for what
 * verification can and cannot detect).
 *
 * Contracts:
 * - `append` resolves only after the line is on disk (written and fsync'ed): a call the user saw
 *   succeed is in the log after a power cut.
 * - Appends are serialized in-process, in call order; across processes the service's lock on the
 *   state folder guarantees a single writer (this class does not lock).
 * - A failed append leaves the file as it was (the partial line is cut off again) and the chain
 *   unchanged; the error (IO) goes to the caller, who decides whether the call itself still stands.
 * - `open` repairs a torn last line left by a crash — the only state a crash can leave — by cutting
 *   it off, and then appends an `audit.repair` record saying how many bytes it dropped, so the repair
 *   is itself on the record. A complete last record that only lacks its '\n' is kept.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DeskVaultError } from '../../core/errors.js';
import { ACTION_PATTERN, AUDIT_SOURCES, GENESIS_HASH, errorCodeOf, hashRecord, recordShapeProblem, type AuditActor, type AuditRecord, type AuditSource } from './audit-record.js';
import { readAuditRecords, readTail, verifyAuditFile } from './audit-file.js';
import { redactSecrets } from './redact-secrets.js';
import { syncDir } from '../state/atomic-file.js';
import type { VerifyResult } from './verify-records.js';

export const AUDIT_FILE_NAME = 'audit.jsonl';

/** What the caller knows about a finished call; the log adds seq, time and the hashes. */
export interface AuditEntry {
  action: string;
  source: AuditSource;
  actor?: AuditActor;
  /** Raw arguments; redactSecrets is applied here, so callers cannot forget it. */
  args?: unknown;
  /** Absent (or undefined) for success; otherwise what the call failed with (its code is recorded). */
  error?: unknown;
}

export interface AuditLogOptions {
  /** Injected for tests; defaults to the system clock. */
  clock?: () => Date;
}

export class AuditLog {
  /** Bytes repaired away at open (a torn last line), 0 when the file was clean. */
  readonly repairedBytes: number;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly fh: fs.FileHandle,
    private seq: number,
    private hash: string,
    private size: number,
    private readonly clock: () => Date,
    repairedBytes: number,
  ) {
    this.repairedBytes = repairedBytes;
  }

  /** Opens (creating if needed) the log at `file` for appending, continuing its chain. */
  static async open(file: string, options: AuditLogOptions = {}): Promise<AuditLog> {
    const clock = options.clock ?? (() => new Date());
    await fs.mkdir(path.dirname(file), { recursive: true });
    const existed = await fs.stat(file).then(() => true, () => false);
    const fh = await fs.open(file, 'a+', 0o600).catch((err) => {
      throw new DeskVaultError('IO', `cannot open the audit log ${file}: ${(err as Error).message}`, { path: file }, { cause: err });
    });
    try {
      if (!existed) await syncDir(path.dirname(file));
      const size = (await fh.stat()).size;
      const tail = await readTail(fh, size);
      // The last complete line is trusted for its seq and hash only: if it was edited, appending
      // after it hides nothing (verify still reports it), and refusing would stop the audit trail.
      let last = tail.lastLine === undefined ? undefined : parseRecord(tail.lastLine, false);
      if (tail.lastLine !== undefined && !last) {
        throw new DeskVaultError('INTEGRITY', `the last line of the audit log ${file} is not a record; run \`deskvault audit verify\` before anything is appended`, { path: file });
      }
      let end = size;
      let repaired = 0;
      if (tail.partial.length > 0) {
        const torn = parseRecord(tail.partial.toString('utf8'), true);
        if (torn && (!last || torn.prevHash === last.hash)) {
          // The record was written whole; only its '\n' is missing.
          await fh.write('\n');
          await fh.sync();
          end += 1;
          last = torn;
        } else {
          await fh.truncate(tail.partialStart);
          await fh.sync();
          repaired = tail.partial.length;
          end = tail.partialStart;
        }
      }
      const log = new AuditLog(file, fh, last?.seq ?? 0, last?.hash ?? GENESIS_HASH, end, clock, repaired);
      if (repaired > 0) await log.append({ action: 'audit.repair', source: 'service', args: { droppedBytes: repaired, reason: 'incomplete last record after a crash' } });
      return log;
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw err;
    }
  }

  /** Seq of the last record appended (0 for an empty log). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Appends one record durably; see the contracts above. Validates the entry (INVALID_INPUT). */
  append(entry: AuditEntry): Promise<AuditRecord> {
    try {
      validate(entry);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.enqueue(() => this.write(entry));
  }

  /** Verifies the whole file, after the appends already queued. */
  verify(): Promise<VerifyResult> {
    return this.enqueue(() => verifyAuditFile(this.file));
  }

  /** The records after `afterSeq`, as of the appends already queued. */
  readRecords(afterSeq = 0): Promise<AuditRecord[]> {
    return this.enqueue(() => readAuditRecords(this.file, afterSeq));
  }

  /** Waits for queued appends, then closes the file; later appends fail. */
  close(): Promise<void> {
    return this.enqueue(async () => {
      if (this.closed) return;
      this.closed = true;
      await this.fh.close();
    });
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(entry: AuditEntry): Promise<AuditRecord> {
    if (this.closed) throw new DeskVaultError('INTERNAL', 'the audit log is closed', { path: this.file });
    const failed = entry.error !== undefined && entry.error !== null;
    const args = entry.args === undefined ? undefined : redactSecrets(entry.args);
    const actor = entry.actor && (entry.actor.host !== undefined || entry.actor.user !== undefined) ? { ...entry.actor } : undefined;
    const body: Omit<AuditRecord, 'hash'> = {
      seq: this.seq + 1,
      time: this.clock().toISOString(),
      action: entry.action,
      source: entry.source,
      ...(actor ? { actor } : {}),
      ...(args !== undefined ? { args } : {}),
      outcome: failed ? 'error' : 'ok',
      ...(failed ? { errorCode: errorCodeOf(entry.error) } : {}),
      prevHash: this.hash,
    };
    const record: AuditRecord = { ...body, hash: hashRecord(body) };
    const bytes = Buffer.from(JSON.stringify(record) + '\n', 'utf8');
    try {
      let off = 0;
      while (off < bytes.length) off += (await this.fh.write(bytes, off, bytes.length - off, null)).bytesWritten;
      await this.fh.sync();
    } catch (err) {
      // Cut a partial line off so the next append does not land after garbage.
      await this.fh.truncate(this.size).catch(() => undefined);
      throw new DeskVaultError('IO', `cannot append to the audit log ${this.file}: ${(err as Error).message}`, { path: this.file, action: entry.action }, { cause: err });
    }
    this.seq = record.seq;
    this.hash = record.hash;
    this.size += bytes.length;
    return record;
  }
}

/** The record in `text` if it is one (of the right shape and, with `checkHash`, intact). */
function parseRecord(text: string, checkHash: boolean): AuditRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (recordShapeProblem(value)) return undefined;
  const r = value as AuditRecord;
  return !checkHash || hashRecord(r) === r.hash ? r : undefined;
}

function validate(entry: AuditEntry): void {
  if (typeof entry?.action !== 'string' || !ACTION_PATTERN.test(entry.action)) {
    throw new DeskVaultError('INVALID_INPUT', `audit action ${JSON.stringify(entry?.action)} is not of the form noun.verb (e.g. plan.create)`, { action: String(entry?.action) });
  }
  if (!AUDIT_SOURCES.includes(entry.source)) {
    throw new DeskVaultError('INVALID_INPUT', `audit source ${JSON.stringify(entry.source)} is not one of ${AUDIT_SOURCES.join(', ')}`, { source: String(entry.source) });
  }
  for (const k of ['host', 'user'] as const) {
    const v = entry.actor?.[k];
    if (v !== undefined && typeof v !== 'string') throw new DeskVaultError('INVALID_INPUT', `audit actor.${k} must be a string`, {});
  }
}
