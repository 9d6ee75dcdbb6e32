/**
 * Pack files (docs/vault-format.md, "Packs"): sealed blobs, then a sealed header listing them,
 * then the header length (u32 LE) and the magic "DVP1". Packs describe themselves, so the index
 * can always be rebuilt from them.
 */
import { DeskVaultError } from '../../core/errors.js';

export const PACK_MAGIC = Buffer.from('DVP1');
export const PACK_TRAILER = 8;
export const HEADER_ENTRY_BYTES = 45;
export const PACK_HEADER_AAD = Buffer.from('deskvault-pack-header');

export type BlobType = 'data' | 'tree';

export interface PackEntry {
  type: BlobType;
  id: Buffer;
  offset: number;
  length: number;
  rawLength: number;
}

export function packKey(kind: 'data' | 'meta', packId: string): string {
  return `${kind}/${packId.slice(0, 2)}/${packId}`;
}

export function packIdFromKey(key: string): { kind: 'data' | 'meta'; id: string } | null {
  const m = /^(data|meta)\/[0-9a-f]{2}\/([0-9a-f]{64})$/.exec(key);
  return m ? { kind: m[1] as 'data' | 'meta', id: m[2] } : null;
}

export function encodeHeader(entries: readonly PackEntry[]): Buffer {
  const out = Buffer.allocUnsafe(4 + entries.length * HEADER_ENTRY_BYTES);
  out.writeUInt32LE(entries.length, 0);
  let p = 4;
  for (const e of entries) {
    out[p] = e.type === 'data' ? 0 : 1;
    e.id.copy(out, p + 1);
    out.writeUInt32LE(e.offset, p + 33);
    out.writeUInt32LE(e.length, p + 37);
    out.writeUInt32LE(e.rawLength, p + 41);
    p += HEADER_ENTRY_BYTES;
  }
  return out;
}

export function decodeHeader(bytes: Buffer, what: string): PackEntry[] {
  if (bytes.length < 4) throw new DeskVaultError('INTEGRITY', `${what}: pack header is truncated`, { what });
  const count = bytes.readUInt32LE(0);
  if (bytes.length !== 4 + count * HEADER_ENTRY_BYTES) throw new DeskVaultError('INTEGRITY', `${what}: pack header has a wrong length`, { what });
  const entries: PackEntry[] = [];
  for (let i = 0, p = 4; i < count; i++, p += HEADER_ENTRY_BYTES) {
    const t = bytes[p];
    if (t !== 0 && t !== 1) throw new DeskVaultError('INTEGRITY', `${what}: unknown blob type ${t}`, { what });
    entries.push({
      type: t === 0 ? 'data' : 'tree',
      id: Buffer.from(bytes.subarray(p + 1, p + 33)),
      offset: bytes.readUInt32LE(p + 33),
      length: bytes.readUInt32LE(p + 37),
      rawLength: bytes.readUInt32LE(p + 41),
    });
  }
  return entries;
}

/** Parses the trailer (last 8 bytes): returns the sealed header's length. */
export function parseTrailer(trailer: Buffer, packSize: number, what: string): number {
  if (trailer.length !== PACK_TRAILER || !trailer.subarray(4).equals(PACK_MAGIC)) {
    throw new DeskVaultError('INTEGRITY', `${what} is not a complete pack (bad trailer)`, { what });
  }
  const len = trailer.readUInt32LE(0);
  if (len + PACK_TRAILER > packSize) throw new DeskVaultError('INTEGRITY', `${what}: header length ${len} exceeds the pack`, { what });
  return len;
}
