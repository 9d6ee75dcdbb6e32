/**
 * Index objects (docs/vault-format.md, "Index"): a JSON header naming packs and superseded index
 * objects, then 48-byte binary entries. The vault's index is the union of all index objects that
 * no other index object supersedes.
 */
import { DeskVaultError } from '../../core/errors.js';

export const INDEX_ENTRY_BYTES = 48;

export interface IndexEntry {
  id: Buffer;
  packId: string;
  offset: number;
  length: number;
  rawLength: number;
}

export interface IndexFile {
  supersedes: string[];
  packs: [string, 'data' | 'meta'][];
  entries: IndexEntry[];
}

export function encodeIndex(file: IndexFile): Buffer {
  const packNo = new Map(file.packs.map(([id], i) => [id, i]));
  const json = Buffer.from(JSON.stringify({ version: 1, supersedes: file.supersedes, packs: file.packs }));
  const out = Buffer.allocUnsafe(4 + json.length + file.entries.length * INDEX_ENTRY_BYTES);
  out.writeUInt32LE(json.length, 0);
  json.copy(out, 4);
  let p = 4 + json.length;
  for (const e of file.entries) {
    const n = packNo.get(e.packId);
    if (n === undefined) throw new Error(`index entry names pack ${e.packId} missing from the pack list`);
    e.id.copy(out, p);
    out.writeUInt32LE(n, p + 32);
    out.writeUInt32LE(e.offset, p + 36);
    out.writeUInt32LE(e.length, p + 40);
    out.writeUInt32LE(e.rawLength, p + 44);
    p += INDEX_ENTRY_BYTES;
  }
  return out;
}

export function decodeIndex(bytes: Buffer, what: string): IndexFile {
  const bad = (why: string): DeskVaultError => new DeskVaultError('INTEGRITY', `${what}: ${why}`, { what });
  if (bytes.length < 4) throw bad('truncated');
  const jsonLen = bytes.readUInt32LE(0);
  if (4 + jsonLen > bytes.length) throw bad('truncated header');
  let head: { version: number; supersedes: string[]; packs: [string, 'data' | 'meta'][] };
  try {
    head = JSON.parse(bytes.subarray(4, 4 + jsonLen).toString('utf8'));
  } catch {
    throw bad('header is not JSON');
  }
  if (head.version !== 1) throw bad(`unknown index version ${head.version}`);
  const body = bytes.subarray(4 + jsonLen);
  if (body.length % INDEX_ENTRY_BYTES !== 0) throw bad('entries are truncated');
  const entries: IndexEntry[] = [];
  for (let p = 0; p < body.length; p += INDEX_ENTRY_BYTES) {
    const n = body.readUInt32LE(p + 32);
    const pack = head.packs[n];
    if (!pack) throw bad(`entry names pack number ${n} of ${head.packs.length}`);
    entries.push({ id: Buffer.from(body.subarray(p, p + 32)), packId: pack[0], offset: body.readUInt32LE(p + 36), length: body.readUInt32LE(p + 40), rawLength: body.readUInt32LE(p + 44) });
  }
  return { supersedes: head.supersedes ?? [], packs: head.packs, entries };
}
