/**
 * Mirrors the audit log into the vault as immutable segments, so the trail survives the workstation
 * and anchors the local chain: someone who rewrites the local file and recomputes every later hash
 * still cannot change what the vault already holds.
 *
 * Layout: `audit/<hostId>/<first seq>-<last seq>.jsonl` (seqs zero-padded to 12 digits so names sort
 * in chain order), each the records' JSON lines exactly as in the local log. The vault's listing is
 * the only state: `sync` uploads the records after the highest mirrored seq, so it is idempotent
 * and a sync interrupted between two puts simply continues next time. A segment name is written
 * once and never rewritten.
 *
 * Before uploading, `sync` checks that the new records continue the mirrored chain (the first one's
 * prevHash is the last mirrored hash); if not, the local log was rewritten, and it refuses (INTEGRITY)
 * rather than fork the vault copy. Likewise a local log that ends before the mirror does was cut.
 */
import { DeskVaultError } from '../../core/errors.js';
import { GENESIS_HASH, type AuditRecord } from './audit-record.js';
import type { AuditLog } from './audit-log.js';
import { ChainVerifier, verifyRecords, type VerifyProblem, type VerifyResult } from './verify-records.js';

/** Where segments go: the vault (wired later) or, in tests, a folder. */
export interface AuditMirror {
  /** Stores `data` under `name`. Called at most once per name; a name is never rewritten. */
  put(name: string, data: Uint8Array): Promise<void>;
  /** Every stored name (at least those under `audit/`), in any order. */
  list(): Promise<string[]>;
  /** The bytes stored under `name`; needed to continue and to verify the chain from the vault copy. */
  get(name: string): Promise<Uint8Array>;
}

export interface AuditMirrorerOptions {
  log: AuditLog;
  mirror: AuditMirror;
  /** This machine's id in the vault; [A-Za-z0-9._-]+. */
  hostId: string;
  /** Records per segment; default 1000 (~300 KB: small enough to read back, few enough objects). */
  maxRecordsPerSegment?: number;
}

export interface SyncResult {
  /** Names of the segments uploaded by this call. */
  uploaded: string[];
  records: number;
  /** Highest seq now in the vault. */
  mirroredSeq: number;
}

export interface MirrorVerifyResult extends VerifyResult {
  segments: number;
  firstBad?: VerifyProblem & { segment?: string };
}

interface Segment {
  name: string;
  first: number;
  last: number;
}

const SEQ_DIGITS = 12;
const HOST_ID = /^[A-Za-z0-9._-]+$/;

export class AuditMirrorer {
  private readonly prefix: string;
  private readonly perSegment: number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: AuditMirrorerOptions) {
    if (!HOST_ID.test(options.hostId) || options.hostId === '.' || options.hostId === '..') {
      throw new DeskVaultError('INVALID_INPUT', `audit host id ${JSON.stringify(options.hostId)} may hold only letters, digits, '.', '_' and '-'`, { hostId: options.hostId });
    }
    this.prefix = `audit/${options.hostId}/`;
    this.perSegment = Math.max(1, Math.floor(options.maxRecordsPerSegment ?? 1000));
  }

  /** The name of the segment holding records first..last. */
  segmentName(first: number, last: number): string {
    return `${this.prefix}${String(first).padStart(SEQ_DIGITS, '0')}-${String(last).padStart(SEQ_DIGITS, '0')}.jsonl`;
  }

  /** Uploads the records not yet mirrored. Calls are serialized. */
  sync(): Promise<SyncResult> {
    const run = this.queue.then(() => this.syncOnce());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async syncOnce(): Promise<SyncResult> {
    const { log, mirror } = this.options;
    const segments = await this.segments();
    const tail = segments.at(-1);
    const mirroredSeq = tail?.last ?? 0;
    const records = await log.readRecords(mirroredSeq);
    if (records.length === 0) {
      if (log.lastSeq < mirroredSeq) {
        throw new DeskVaultError('INTEGRITY', `the local audit log ends at record ${log.lastSeq} but its vault copy holds records up to ${mirroredSeq}: the local log was cut`, { localSeq: log.lastSeq, mirroredSeq });
      }
      return { uploaded: [], records: 0, mirroredSeq };
    }
    const start = { seq: mirroredSeq, hash: tail ? (await this.readSegment(tail)).at(-1)!.hash : GENESIS_HASH };
    const check = verifyRecords(records, start);
    if (!check.ok) {
      throw new DeskVaultError('INTEGRITY', `the local audit log does not continue its vault copy after record ${mirroredSeq}: ${check.firstBad!.reason}`, { mirroredSeq, seq: check.firstBad!.seq });
    }
    const uploaded: string[] = [];
    for (let i = 0; i < records.length; i += this.perSegment) {
      const part = records.slice(i, i + this.perSegment);
      const name = this.segmentName(part[0].seq, part.at(-1)!.seq);
      await mirror.put(name, Buffer.from(part.map((r) => JSON.stringify(r) + '\n').join(''), 'utf8'));
      uploaded.push(name);
    }
    return { uploaded, records: records.length, mirroredSeq: records.at(-1)!.seq };
  }

  /**
   * Verifies the chain as the vault holds it (from seq 1, across segments, each segment's name
   * matching its contents), then that every record the local log holds up to the mirrored seq has
   * the same hash as its vault copy, and that the local log reaches that far.
   */
  async verifyMirror(): Promise<MirrorVerifyResult> {
    const segments = await this.segments();
    const v = new ChainVerifier();
    const mirrored = new Map<number, string>();
    for (const seg of segments) {
      const fail = (p: VerifyProblem): MirrorVerifyResult => ({ ...v.result(p), segments: segments.length, firstBad: { ...p, segment: seg.name, reason: `${seg.name}: ${p.reason}` } });
      let records: AuditRecord[];
      try {
        records = await this.readSegment(seg);
      } catch (err) {
        return fail({ seq: v.seq + 1, line: 0, kind: 'malformed', reason: (err as Error).message });
      }
      for (let i = 0; i < records.length; i++) {
        const bad = v.next(records[i], i + 1);
        if (bad) return fail(bad);
        mirrored.set(records[i].seq, records[i].hash);
      }
      if (records.length === 0 || records[0].seq !== seg.first || records.at(-1)!.seq !== seg.last) {
        return fail({ seq: v.seq + 1, line: records.length, kind: 'malformed', reason: `holds records ${records[0]?.seq ?? '-'}–${records.at(-1)?.seq ?? '-'}, not what its name says` });
      }
    }
    const result: MirrorVerifyResult = { ...v.result(), segments: segments.length };
    let local: AuditRecord[];
    try {
      local = await this.options.log.readRecords(0);
    } catch (err) {
      return { ...result, ok: false, firstBad: { seq: 0, line: 0, kind: 'malformed', reason: (err as Error).message } };
    }
    let localSeq = 0;
    for (const r of local) {
      if (r.seq > v.seq) break;
      localSeq = r.seq;
      const copy = mirrored.get(r.seq);
      if (copy !== undefined && copy !== r.hash) {
        return { ...result, ok: false, firstBad: { seq: r.seq, line: r.seq, kind: 'modified', reason: `record ${r.seq} of the local audit log differs from its vault copy (modified locally)` } };
      }
    }
    if (localSeq < v.seq) {
      return { ...result, ok: false, firstBad: { seq: localSeq + 1, line: localSeq + 1, kind: 'missing', reason: `the local audit log ends at record ${localSeq}; the vault copy holds records up to ${v.seq} (records were removed locally)` } };
    }
    return result;
  }

  /** This host's segments in the mirror, in seq order. */
  private async segments(): Promise<Segment[]> {
    const pattern = new RegExp(`^${this.prefix.replace(/[.]/g, '\\.')}(\\d{${SEQ_DIGITS}})-(\\d{${SEQ_DIGITS}})\\.jsonl$`);
    const out: Segment[] = [];
    for (const name of await this.options.mirror.list()) {
      const m = pattern.exec(name);
      if (m) out.push({ name, first: Number(m[1]), last: Number(m[2]) });
    }
    return out.sort((a, b) => a.first - b.first || a.last - b.last);
  }

  private async readSegment(seg: Segment): Promise<AuditRecord[]> {
    const text = Buffer.from(await this.options.mirror.get(seg.name)).toString('utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.map((line, i) => {
      try {
        return JSON.parse(line) as AuditRecord;
      } catch {
        throw new DeskVaultError('INTEGRITY', `line ${i + 1} of ${seg.name} in the vault is not valid JSON`, { segment: seg.name, line: i + 1 });
      }
    });
  }
}
