/**
 * Reading the audit log file: line by line (streamed, so a long log does not have to fit in
 * memory), verification of the whole file, records after a given seq, and the tail that
 * `AuditLog.open` needs to continue the chain. Readers never write; they may run while the service
 * appends (they see a prefix of the log, possibly ending in a half-written line, which they report
 * as incomplete rather than as tampering).
 */
import * as fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { DeskVaultError } from '../../core/errors.js';
import type { AuditRecord } from './audit-record.js';
import { ChainVerifier, type VerifyProblem, type VerifyResult } from './verify-records.js';

export const INCOMPLETE_REASON = 'the last record is incomplete (crash during write)';

interface Line {
  text: string;
  /** 1-based. */
  line: number;
  /** False only for a last line without its '\n'. */
  terminated: boolean;
}

async function* readLines(file: string): AsyncGenerator<Line> {
  let rest = '';
  let line = 0;
  try {
    for await (const chunk of fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const parts = (rest + (chunk as string)).split('\n');
      rest = parts.pop()!;
      for (const text of parts) yield { text, line: ++line, terminated: true };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new DeskVaultError('IO', `cannot read the audit log ${file}: ${(err as Error).message}`, { path: file }, { cause: err });
  }
  if (rest !== '') yield { text: rest, line: ++line, terminated: false };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Verifies the whole file. A missing file is an empty, valid log. */
export async function verifyAuditFile(file: string): Promise<VerifyResult> {
  const v = new ChainVerifier();
  const lines = readLines(file);
  for await (const { text, line, terminated } of lines) {
    const value = parse(text);
    if (value === undefined) {
      if (!terminated) return v.result({ seq: v.seq + 1, line, kind: 'incomplete', reason: INCOMPLETE_REASON });
      return v.result({ seq: v.seq + 1, line, kind: 'malformed', reason: text === '' ? `line ${line} is empty` : `line ${line} is not valid JSON` });
    }
    const bad = v.next(value, line);
    if (bad) return v.result(bad.kind === 'missing' ? await refineFromRest(bad, lines) : bad);
  }
  return v.result();
}

/** Reads on after a `missing` problem to tell a deletion from a move (see ChainVerifier.refineMissing). */
async function refineFromRest(problem: VerifyProblem, lines: AsyncGenerator<Line>): Promise<VerifyProblem> {
  for await (const { text, line } of lines) {
    const moved = ChainVerifier.refineMissing(problem, parse(text), line);
    if (moved) return moved;
  }
  return problem;
}

/**
 * The records with seq > afterSeq, in file order, as stored (not verified: callers that need trust
 * verify them, e.g. the mirrorer checks they continue the mirrored chain). An unterminated last line
 * is skipped (it is not part of the log until AuditLog.open repairs it); any other unreadable line
 * is an INTEGRITY error, since silently skipping it would hide a break in the chain.
 */
export async function readAuditRecords(file: string, afterSeq = 0): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const { text, line, terminated } of readLines(file)) {
    const value = parse(text) as AuditRecord | undefined;
    if (value === undefined || typeof value !== 'object' || value === null) {
      if (!terminated) break;
      throw new DeskVaultError('INTEGRITY', `line ${line} of the audit log ${file} is not a record; run \`deskvault audit verify\``, { path: file, line });
    }
    if (typeof value.seq === 'number' && value.seq > afterSeq) out.push(value);
  }
  return out;
}

/**
 * The end of an open log file: the last '\n'-terminated line (undefined if none) and whatever
 * follows it (a torn line, normally empty) with its byte offset. Reads backwards in growing chunks,
 * so the cost does not depend on the log's length.
 */
export async function readTail(fh: FileHandle, size: number): Promise<{ lastLine?: string; partial: Buffer; partialStart: number }> {
  let chunk = 64 * 1024;
  let buf = Buffer.alloc(0);
  let start = size;
  for (;;) {
    const from = Math.max(0, start - chunk);
    const piece = Buffer.alloc(start - from);
    let got = 0;
    while (got < piece.length) {
      const { bytesRead } = await fh.read(piece, got, piece.length - got, from + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    buf = Buffer.concat([piece.subarray(0, got), buf]);
    start = from;
    const lastNl = buf.lastIndexOf(0x0a);
    // Buffer#lastIndexOf with a negative offset counts from the end, hence the explicit guard.
    const prevNl = lastNl > 0 ? buf.lastIndexOf(0x0a, lastNl - 1) : -1;
    if (lastNl >= 0 && (prevNl >= 0 || start === 0)) {
      return { lastLine: buf.subarray(prevNl + 1, lastNl).toString('utf8'), partial: buf.subarray(lastNl + 1), partialStart: start + lastNl + 1 };
    }
    if (lastNl < 0 && start === 0) return { partial: buf, partialStart: 0 };
    chunk *= 2;
  }
}
