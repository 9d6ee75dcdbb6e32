/**
 * Packs new blobs: deduplicates against the index (and against blobs already queued), seals each
 * blob straight into a reused pack buffer, and writes full packs to the store in the background
 * with at most `maxInflight` writes outstanding (backpressure: `flushReady()` waits for a slot).
 * A pack closes once it reaches the vault's pack size (docs/vault-format.md: "a pack closes when it
 * reaches it"), so packs end a little above it rather than below: fewer packs, fewer requests on an
 * object store. Header and trailer are sealed into the same buffer after the blobs, so the store
 * gets the pack as one buffer (no copy to join parts).
 * `finish()` writes the remaining packs, then one index object for everything written — packs
 * before index, so an index entry never names a pack that is not there.
 */
import { SEAL_OVERHEAD } from '../crypto/sealer.js';
import type { ChunkIndex } from './chunk-index.js';
import type { IndexEntry } from './index-file.js';
import { encodeHeader, HEADER_ENTRY_BYTES, PACK_HEADER_AAD, PACK_MAGIC, PACK_TRAILER, packKey, type BlobType, type PackEntry } from './pack-format.js';

/** Room past the pack size for the blob that completes a pack: 1/8 of it (2 MiB for 16 MiB packs). */
const OVERSHOOT_DIVISOR = 8;

/** The most a sealed header of `entries` entries plus the trailer can take (sealing never grows a body). */
function headerRoom(entries: number): number {
  return SEAL_OVERHEAD + 4 + entries * HEADER_ENTRY_BYTES + PACK_TRAILER;
}
import type { Vault } from './vault.js';

export interface BlobWriterOptions {
  /** Pack writes in flight at once; 2 overlaps hashing with a write on a local disk, 4 on S3. */
  maxInflight?: number;
  onPackWritten?: (info: { kind: 'data' | 'meta'; packId: string; bytes: number }) => void;
}

interface OpenPack {
  buf: Buffer;
  pos: number;
  entries: PackEntry[];
}

export class BlobWriter {
  readonly written: IndexEntry[] = [];
  readonly packsWritten: [string, 'data' | 'meta'][] = [];
  storedBytes = 0;
  private readonly open: Record<'data' | 'meta', OpenPack | null> = { data: null, meta: null };
  private readonly pending = new Set<string>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly freeBuffers: Buffer[] = [];
  private failure: unknown = null;
  private readonly capacity: number;
  private readonly maxInflight: number;

  constructor(
    private readonly vault: Vault,
    private readonly index: ChunkIndex,
    private readonly options: BlobWriterOptions = {},
  ) {
    // A pack closes when it reaches the pack size; the buffer has room past it for the blob that
    // gets it there. A blob that might not fit (sealed size ≤ plaintext + overhead, since
    // incompressible data is stored as is) with the header still to come closes the pack first.
    this.capacity = vault.config.packSize + Math.ceil(vault.config.packSize / OVERSHOOT_DIVISOR);
    // Object stores gain from more uploads in flight (latency); a local disk does not.
    this.maxInflight = options.maxInflight ?? (vault.store.properties.kind === 'local' ? 2 : 4);
  }

  /** True if the blob is new (it will be stored); false if the vault already has it. */
  has(id: Buffer): boolean {
    return this.index.has(id) || this.pending.has(id.toString('latin1'));
  }

  /**
   * Queues a blob unless the vault has it. Synchronous: the caller awaits `flushReady()` when
   * `needsFlush` is true (at most once per blob), which keeps the common path free of awaits.
   */
  add(type: BlobType, id: Buffer, plaintext: Buffer): boolean {
    if (this.has(id)) return false;
    return this.addFresh(type, id, plaintext);
  }

  /** Stores a blob even if the index has it elsewhere (repacking moves blobs to new packs). */
  addFresh(type: BlobType, id: Buffer, plaintext: Buffer): boolean {
    if (this.failure) throw this.failure;
    if (this.pending.has(id.toString('latin1'))) return false;
    const kind = type === 'data' ? 'data' : 'meta';
    let pack = this.open[kind];
    if (pack && pack.pos + plaintext.length + SEAL_OVERHEAD + headerRoom(pack.entries.length + 1) > pack.buf.length) {
      this.closePack(kind);
      pack = null;
    }
    if (!pack) pack = this.open[kind] = { buf: this.takeBuffer(), pos: 0, entries: [] };
    // Sealed into the buffer short of the room the header will need.
    const limit = pack.buf.length - headerRoom(pack.entries.length + 1);
    let len = limit > pack.pos ? this.vault.sealer.sealInto(plaintext, id, pack.buf.subarray(0, limit), pack.pos) : -1;
    if (len < 0) {
      // Larger than a whole pack buffer (a huge tree, or a tiny test pack size): its own buffer.
      const sealed = this.vault.sealer.seal(plaintext, id);
      if (pack.pos > 0) {
        this.closePack(kind);
        pack = this.open[kind] = { buf: this.takeBuffer(), pos: 0, entries: [] };
      }
      if (sealed.length > pack.buf.length) pack.buf = Buffer.allocUnsafe(sealed.length + this.capacity);
      sealed.copy(pack.buf, pack.pos);
      len = sealed.length;
    }
    pack.entries.push({ type, id: Buffer.from(id), offset: pack.pos, length: len, rawLength: plaintext.length });
    pack.pos += len;
    this.pending.add(id.toString('latin1'));
    if (pack.pos >= this.vault.config.packSize) this.closePack(kind);
    return true;
  }

  /** True when the caller should await flushReady() before adding more. */
  get needsFlush(): boolean {
    return this.inflight.size >= this.maxInflight || this.failure !== null;
  }

  async flushReady(): Promise<void> {
    while (this.inflight.size >= this.maxInflight) await Promise.race(this.inflight);
    if (this.failure) throw this.failure;
  }

  /** Writes every open pack and waits for all writes; then writes the index object. Returns its id. */
  async finish(): Promise<string | null> {
    this.closePack('data');
    this.closePack('meta');
    await Promise.all(this.inflight);
    if (this.failure) throw this.failure;
    if (this.written.length === 0) return null;
    const id = await this.vault.writeIndex({ supersedes: [], packs: this.packsWritten, entries: this.written });
    return id;
  }

  private takeBuffer(): Buffer {
    return this.freeBuffers.pop() ?? Buffer.allocUnsafe(this.capacity);
  }

  private closePack(kind: 'data' | 'meta'): void {
    const pack = this.open[kind];
    this.open[kind] = null;
    if (!pack || pack.entries.length === 0) {
      if (pack) this.freeBuffers.push(pack.buf);
      return;
    }
    const header = this.vault.sealer.seal(encodeHeader(pack.entries), PACK_HEADER_AAD);
    const trailer = Buffer.allocUnsafe(PACK_TRAILER);
    trailer.writeUInt32LE(header.length, 0);
    PACK_MAGIC.copy(trailer, 4);
    const bytes = pack.pos + header.length + trailer.length;
    let parts: Buffer[];
    if (bytes <= pack.buf.length) {
      // Always the case but for the oversized-blob path: one contiguous pack.
      header.copy(pack.buf, pack.pos);
      trailer.copy(pack.buf, pack.pos + header.length);
      parts = [pack.buf.subarray(0, bytes)];
    } else parts = [pack.buf.subarray(0, pack.pos), header, trailer];
    const packId = this.vault.packId(parts).toString('hex');
    const write = this.vault.store
      .put(packKey(kind, packId), parts.length === 1 ? parts[0] : parts)
      .then(() => {
        for (const e of pack.entries) {
          this.index.add(e.id, packId, kind, e.offset, e.length, e.rawLength);
          this.pending.delete(e.id.toString('latin1'));
          this.written.push({ id: e.id, packId, offset: e.offset, length: e.length, rawLength: e.rawLength });
        }
        this.packsWritten.push([packId, kind]);
        this.storedBytes += bytes;
        this.options.onPackWritten?.({ kind, packId, bytes });
        if (pack.buf.length === this.capacity && this.freeBuffers.length < 1) this.freeBuffers.push(pack.buf);
      })
      .catch((err: unknown) => {
        this.failure ??= err;
      })
      .finally(() => {
        this.inflight.delete(write);
      });
    this.inflight.add(write);
  }
}
