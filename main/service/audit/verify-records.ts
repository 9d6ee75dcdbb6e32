/**
 * Verification of a hash chain of audit records, shared by the local log (`verifyAuditFile`) and the
 * vault mirror (`AuditMirrorer.verifyMirror`). The first problem stops verification: after a break
 * nothing further can be trusted to belong to the chain.
 *
 * What each kind means (reported with the seq the chain expected at that point and the line):
 * - `modified`   a record's hash does not match its contents: "record N was modified";
 * - `missing`    the chain jumps forward: records were deleted;
 * - `reordered`  a seq the chain has already passed appears again (moved or duplicated lines);
 * - `inserted`   a self-consistent record with the expected seq does not link to its predecessor;
 * - `malformed`  a line that is not a record at all (not JSON, or a hashed record of the wrong shape);
 * - `incomplete` only the last line of a file, unterminated and unparseable: a crash during a write,
 *                not tampering (`AuditLog.open` repairs it and records that it did).
 *
 * Limits, stated: an unkeyed chain is only as strong as its anchor. Someone who rewrites the file
 * *and recomputes every later hash*, or who cuts whole records off the end, is not detectable from
 * the file alone; the immutable copies in the vault are that anchor (see AuditMirrorer).
 */
import { GENESIS_HASH, hashRecord, recordShapeProblem, type AuditRecord } from './audit-record.js';

export type ProblemKind = 'modified' | 'missing' | 'reordered' | 'inserted' | 'malformed' | 'incomplete';

export interface VerifyProblem {
  /** The seq the chain expected where the problem was found. */
  seq: number;
  /** 1-based line in the file (or position in the list of records). */
  line: number;
  kind: ProblemKind;
  reason: string;
  /** For `missing`: the last seq of the gap (seq..missingTo were not found where expected). */
  missingTo?: number;
}

export interface VerifyResult {
  ok: boolean;
  /** Records verified good, counted from the start up to the first problem. */
  records: number;
  /** Seq and hash of the last good record (0 and GENESIS_HASH when there is none). */
  lastSeq: number;
  lastHash: string;
  firstBad?: VerifyProblem;
}

/** Checks records one at a time, carrying the chain's state; feed values in file order. */
export class ChainVerifier {
  seq: number;
  hash: string;
  count = 0;
  /** Line of the last good record. */
  private line = 0;

  constructor(start: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }) {
    this.seq = start.seq;
    this.hash = start.hash;
  }

  /** Checks the next value; on success advances the chain and returns undefined. */
  next(value: unknown, line: number): VerifyProblem | undefined {
    const expected = this.seq + 1;
    const at = (kind: ProblemKind, reason: string): VerifyProblem => ({ seq: expected, line, kind, reason });
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return at('malformed', `line ${line} is not an audit record`);
    const r = value as Record<string, unknown>;
    if (typeof r.hash !== 'string' || typeof r.prevHash !== 'string') return at('malformed', `line ${line} is not an audit record (no hash)`);
    if (hashRecord(r) !== r.hash) return at('modified', `record ${expected} was modified (line ${line})`);
    const shape = recordShapeProblem(r);
    if (shape) return at('malformed', `line ${line} is not a valid audit record: ${shape}`);
    const rec = r as unknown as AuditRecord;
    if (rec.seq > expected) {
      const gap = rec.seq === expected + 1 ? `record ${expected} is` : `records ${expected}–${rec.seq - 1} are`;
      return { ...at('missing', `${gap} missing before line ${line} (deleted)`), missingTo: rec.seq - 1 };
    }
    if (rec.seq === this.seq && rec.hash !== this.hash) return at('inserted', `two different records ${rec.seq}, at lines ${this.line} and ${line}: one was inserted`);
    if (rec.seq === this.seq) return at('reordered', `record ${rec.seq} appears twice, at lines ${this.line} and ${line} (a line was duplicated)`);
    if (rec.seq < expected) return at('reordered', `record ${rec.seq} appears again at line ${line}, where record ${expected} was expected (lines reordered or duplicated)`);
    if (rec.prevHash !== this.hash) return at('inserted', `record ${expected} at line ${line} does not follow record ${this.seq} (a record was inserted or replaced)`);
    this.seq = rec.seq;
    this.hash = rec.hash;
    this.count++;
    this.line = line;
    return undefined;
  }

  /**
   * After a `missing` problem, a later value whose seq falls in the gap shows the record was moved,
   * not deleted: returns the problem restated as `reordered`, else undefined. Feed the values that
   * follow the problem, in order, until it returns something or they run out.
   */
  static refineMissing(problem: VerifyProblem, value: unknown, line: number): VerifyProblem | undefined {
    const seq = (value as { seq?: unknown } | null)?.seq;
    if (problem.kind !== 'missing' || typeof seq !== 'number' || seq < problem.seq || line <= problem.line) return undefined;
    if (seq > (problem.missingTo ?? problem.seq)) return undefined;
    const { missingTo: _gap, ...rest } = problem;
    return { ...rest, kind: 'reordered', reason: `record ${seq} is out of order: found at line ${line}, after line ${problem.line} (lines reordered)` };
  }

  result(firstBad?: VerifyProblem): VerifyResult {
    return { ok: firstBad === undefined, records: this.count, lastSeq: this.seq, lastHash: this.hash, ...(firstBad ? { firstBad } : {}) };
  }
}

/**
 * Verifies records already parsed (e.g. read from the vault mirror). `start` continues a chain
 * whose earlier part was verified elsewhere; by default the records must begin at seq 1.
 */
export function verifyRecords(records: readonly unknown[], start?: { seq: number; hash: string }): VerifyResult {
  const v = new ChainVerifier(start);
  for (let i = 0; i < records.length; i++) {
    const bad = v.next(records[i], i + 1);
    if (bad) {
      for (let j = i + 1; j < records.length && bad.kind === 'missing'; j++) {
        const moved = ChainVerifier.refineMissing(bad, records[j], j + 1);
        if (moved) return v.result(moved);
      }
      return v.result(bad);
    }
  }
  return v.result();
}
